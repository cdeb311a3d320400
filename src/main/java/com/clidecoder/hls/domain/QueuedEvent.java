package com.clidecoder.hls.domain;

import java.time.Instant;

/** A stored event claimed for processing. */
public record QueuedEvent(
    long id,
    String deliveryId,
    String eventType,
    String repository,
    String action,
    String payloadJson,
    int retryCount,
    int priority,
    Instant createdAt) {}
