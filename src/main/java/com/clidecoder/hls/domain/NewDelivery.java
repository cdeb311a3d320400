package com.clidecoder.hls.domain;

/** A webhook delivery accepted at the intake, about to be stored. */
public record NewDelivery(
    String deliveryId,
    String eventType,
    String repository,
    String action,
    String payloadJson,
    String signature,
    int priority) {}
