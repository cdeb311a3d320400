package com.clidecoder.hls.api;

import com.clidecoder.hls.config.HlsConfig;
import java.util.function.Supplier;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.clidecoder.hls.store.QueueStats;
import com.clidecoder.hls.store.StatsStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /stats}: queue figures under the names the old monitor script reads ({@code total_pending},
 * {@code success_rate}, {@code average_processing_time}) plus counts by status and event type, the age
 * of the oldest waiting event and today's {@code daily_stats}. Loopback-only unless public-read.
 */
public final class StatsRoute {
  private static final Logger log = LoggerFactory.getLogger(StatsRoute.class);

  private final StatsStore stats;
  private final Executor jdbc;
  private final Supplier<HlsConfig> config;
  private final Clock clock;
  /** The reconciler's figures ({@code "reconcile"}: last run, gaps found, redeliveries asked); must not block. */
  private final Supplier<Optional<Map<String, Object>>> reconcile;

  public StatsRoute(StatsStore stats, Executor jdbc, Supplier<HlsConfig> config, Clock clock) {
    this(stats, jdbc, config, clock, Optional::empty);
  }

  public StatsRoute(StatsStore stats, Executor jdbc, Supplier<HlsConfig> config, Clock clock,
      Supplier<Optional<Map<String, Object>>> reconcile) {
    this.reconcile = reconcile;
    this.stats = stats;
    this.jdbc = jdbc;
    this.config = config;
    this.clock = clock;
  }

  public Route route() {
    return handleExceptions(JsonErrors.handler(), () -> path("stats", () -> concat(
        get(() -> Access.readable(config.get(), this::stats)),
        JsonErrors.rejected(StatusCodes.METHOD_NOT_ALLOWED, "use GET /stats"))));
  }

  private Route stats() {
    return onComplete(CompletableFuture.supplyAsync(() -> {
      Map<String, Object> body = body(stats.queueStats(clock.instant()));
      StatsStore.TriageComparison t = stats.triageComparison();
      body.put("triage", Map.of("compared", t.compared(), "agreed", t.agreed(), "disagreed", t.disagreed()));
      reconcile.get().ifPresent(r -> body.put("reconcile", r));
      return body;
    }, jdbc), result -> {
      if (result.isSuccess()) return complete(StatusCodes.OK, result.get(), JsonReplies.JSON);
      log.warn("event=stats_failed error={}", result.failed().get().toString());
      return JsonErrors.rejected(StatusCodes.SERVICE_UNAVAILABLE, "the database cannot be read right now");
    });
  }

  static Map<String, Object> body(QueueStats s) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("total_pending", s.totalPending());
    body.put("success_rate", s.successRate());
    body.put("average_processing_time", s.averageProcessingTime());
    body.put("by_status", s.byStatus());
    body.put("by_event_type", s.byEventType());
    // null (not 0) when nothing waits: 0 would claim a fresh event is waiting.
    body.put("oldest_pending_age_seconds", s.oldestPendingAgeSeconds().orElse(null));
    Map<String, Object> today = new LinkedHashMap<>();
    today.put("date", s.today().date());
    today.put("webhooks", s.today().webhooks());
    today.put("claude_analyses", s.today().claudeAnalyses());
    today.put("github_actions", s.today().githubActions());
    today.put("total_cost_usd", s.today().totalCostUsd());
    body.put("today", today);
    return body;
  }
}
