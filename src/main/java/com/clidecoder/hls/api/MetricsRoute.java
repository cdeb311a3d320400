package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.metrics.HlsMetrics;
import com.clidecoder.hls.store.QueueStats;
import com.clidecoder.hls.store.Retention;
import com.clidecoder.hls.store.StatsStore;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the Prometheus text format (readable access). The queue figures are read from
 * the database on the JDBC executor and the scrape runs there too, never on the default dispatcher.
 */
public final class MetricsRoute {
  private static final Logger log = LoggerFactory.getLogger(MetricsRoute.class);
  private static final ContentType PROMETHEUS_TEXT =
      ContentTypes.parse(HlsMetrics.CONTENT_TYPE);

  private final Supplier<HlsConfig> config;
  private final HlsMetrics metrics;
  private final StatsStore stats;
  private final Executor jdbc;
  private final Clock clock;
  private final Retention retention;
  private final Supplier<CompletionStage<Optional<String>>> pausedBecause;

  /**
   * @param pausedBecause the pipeline's pause reason, asked per scrape (a failed ask shows as not paused
   *     rather than failing the whole scrape)
   */
  public MetricsRoute(Supplier<HlsConfig> config, HlsMetrics metrics, StatsStore stats, Retention retention,
      Supplier<CompletionStage<Optional<String>>> pausedBecause, Executor jdbc, Clock clock) {
    this.config = config;
    this.retention = retention;
    this.pausedBecause = pausedBecause;
    this.metrics = metrics;
    this.stats = stats;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public Route route() {
    return handleExceptions(Replies.exceptions(), () -> path("metrics", () ->
        Replies.only(HttpMethods.GET, () -> Access.readable(config.get(), this::scrape))));
  }

  private Route scrape() {
    return onComplete(
        pausedBecause.get().exceptionally(err -> Optional.empty()).thenApplyAsync(this::read, jdbc),
        result -> {
          if (result.isSuccess()) {
            return complete(HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS_TEXT, result.get().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
          }
          log.warn("event=metrics_scrape_failed error={}", result.failed().get().toString());
          return Replies.reject(StatusCodes.SERVICE_UNAVAILABLE, "the database cannot be read right now");
        });
  }

  /** Runs on the JDBC executor: the queue counters, today's spend, the file size and the last retention run. */
  private String read(Optional<String> paused) {
    QueueStats queue = stats.queueStats(clock.instant());
    HlsMetrics.Figures figures = new HlsMetrics.Figures(paused, queue.today().totalCostUsd(),
        config.get().claude().dailyBudgetUsd(), stats.databaseSizeBytes(),
        retention.lastRun().map(r -> new HlsMetrics.LastRetention(r.at(), r.deleted())));
    return metrics.scrape(queue, figures);
  }
}
