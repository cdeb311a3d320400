package com.clidecoder.hls.store;

import java.util.Map;
import java.util.Optional;

/** Queue figures behind {@code GET /stats}; field names follow the contract. */
public record QueueStats(
    long totalPending,
    double successRate,
    double averageProcessingTime,
    Map<String, Long> byStatus,
    Map<String, Long> byEventType,
    Optional<Long> oldestPendingAgeSeconds,
    Today today) {

  public record Today(
      String date, long webhooks, long claudeAnalyses, long githubActions, double totalCostUsd) {}
}
