package com.clidecoder.hls.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What the pipeline asks an analyst about one event: the GitHub payload as received, the pull
 * request diff when one was fetched, and the embedded model's prediction as a hint when there is one.
 */
public record AnalysisRequest(
    long eventId,
    String deliveryId,
    String eventType,
    String action,
    String repository,
    JsonNode payload,
    Optional<String> diff,
    Optional<TriageHint> hint) {}
