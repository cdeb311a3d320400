package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.clidecoder.hls.app.Version;
import com.clidecoder.hls.domain.Durations;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.MonitorQueries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /health}: {@code ok} while the database answers and analysis runs, {@code degraded}
 * (still 200) while analysis is paused (budget, bad key, spend limit, Anthropic outage) or GitHub
 * refuses the token, {@code down} (503) when the
 * database does not answer or its last write failed for a reason of the file (locked, read-only, full).
 * It also carries what {@code bin/hls monitor} alerts on: events failed in a recent window
 * ({@code ?window=1h} by default, up to 30 days) and the age of the oldest waiting event.
 */
public final class HealthRoute {
  static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  static final Duration MAX_WINDOW = Duration.ofDays(30);
  /**
   * What the pipeline reports: why analysis is paused, if it is, and its figures; since when it is
   * paused, GitHub's state ({@code live}, {@code dry-run}, {@code paused: <why>}), since when that is
   * paused and when the token expires, when known; which GitHub identity is in use and whether it could get
   * a token ({@code "token"}, {@code "app 123: installation token ok"}; never a token).
   */
  public record PipelineHealth(Optional<String> pausedBecause, Map<String, Object> figures,
      Optional<Instant> analysisPausedSince, String github, Optional<Instant> githubPausedSince,
      Optional<Instant> githubTokenExpiresAt, Optional<String> githubAuth) {
    public PipelineHealth(Optional<String> pausedBecause, Map<String, Object> figures) {
      this(pausedBecause, figures, Optional.empty(), "live", Optional.empty(), Optional.empty(), Optional.empty());
    }

    boolean githubPaused() {
      return github.startsWith("paused");
    }
  }

  private final Database db;
  private final Executor jdbc;
  private final Supplier<CompletionStage<PipelineHealth>> pipeline;
  private final MonitorQueries monitor;
  private final Clock clock = Clock.systemUTC();
  /** The handler path's spool figures ({@code "spool"}); blocking file I/O, run on {@code jdbc}. */
  private final Supplier<Optional<Map<String, Object>>> spool;
  /** The reconciler's state ({@code "reconcile"}): a hook it cannot read is reported here, not as degraded. */
  private final Supplier<Optional<Map<String, Object>>> reconcile;

  public HealthRoute(Database db, Executor jdbc, Supplier<CompletionStage<PipelineHealth>> pipeline) {
    this(db, jdbc, pipeline, Optional::empty);
  }

  public HealthRoute(Database db, Executor jdbc, Supplier<CompletionStage<PipelineHealth>> pipeline,
      Supplier<Optional<Map<String, Object>>> spool) {
    this(db, jdbc, pipeline, spool, Optional::empty);
  }

  /** {@code reconcile} must not block (it reads the reconciler's last published status). */
  public HealthRoute(Database db, Executor jdbc, Supplier<CompletionStage<PipelineHealth>> pipeline,
      Supplier<Optional<Map<String, Object>>> spool, Supplier<Optional<Map<String, Object>>> reconcile) {
    this.reconcile = reconcile;
    this.db = db;
    this.jdbc = jdbc;
    this.pipeline = pipeline;
    this.monitor = new MonitorQueries(db);
    this.spool = spool;
  }

  public Route route() {
    return path("health", () -> get(() -> parameterOptional("window", raw -> {
      Optional<Duration> window = raw.isEmpty() ? Optional.of(DEFAULT_WINDOW) : Durations.parse(raw.get())
          .filter(w -> !w.isZero() && w.compareTo(MAX_WINDOW) <= 0);
      if (window.isEmpty()) {
        return JsonErrors.rejected(StatusCodes.BAD_REQUEST,
            "window must be a duration with a unit up to 30d, such as 30m, 1h or 1d, not '" + raw.get() + "'");
      }
      return onSuccess(check(window.get()), body -> complete(
          "down".equals(body.get("status")) ? StatusCodes.SERVICE_UNAVAILABLE : StatusCodes.OK, body, JsonReplies.JSON));
    })));
  }

  private CompletionStage<Map<String, Object>> check(Duration window) {
    CompletableFuture<Boolean> database = CompletableFuture.supplyAsync(db::ping, jdbc);
    // Counts only: /health is often reachable without a token, so no titles or error texts here.
    CompletableFuture<Optional<Map<String, Object>>> queue = CompletableFuture
        .supplyAsync(() -> Optional.of(queueFigures(window)), jdbc)
        .exceptionally(e -> Optional.empty());
    CompletionStage<Optional<PipelineHealth>> analysis = pipeline.get()
        .thenApply(Optional::of)
        .exceptionally(e -> Optional.empty()); // an unresponsive pipeline is reported, not a 500
    CompletableFuture<Optional<Map<String, Object>>> spooled = CompletableFuture.supplyAsync(spool, jdbc)
        .exceptionally(e -> Optional.of(Map.of("error", "cannot be read: " + e.getMessage())));
    return database.thenCombine(analysis, (readable, p) -> {
      // Reads can succeed while writes fail (locked, read-only, full): the intake answers 503 then.
      Optional<String> writeTrouble = db.writeTrouble();
      boolean up = readable && writeTrouble.isEmpty();
      Map<String, Object> body = new LinkedHashMap<>();
      String analysisState = p.map(h -> h.pausedBecause().map(r -> "paused: " + r).orElse("running"))
          .orElse("unknown: the pipeline did not answer");
      boolean degraded = p.isEmpty() || p.get().pausedBecause().isPresent() || p.get().githubPaused();
      body.put("status", !up ? "down" : degraded ? "degraded" : "ok");
      body.put("database", !readable ? "unreachable" : writeTrouble.map(w -> "writes failing: " + w).orElse("ok"));
      body.put("analysis", analysisState);
      p.ifPresent(h -> outageFields(h, body));
      p.ifPresent(h -> body.put("pipeline", h.figures()));
      body.put("version", Version.current());
      return body;
    }).thenCombine(queue, (body, figures) -> {
      figures.ifPresent(body::putAll);
      return body;
    }).thenCombine(spooled, (body, s) -> {
      s.ifPresent(figures -> body.put("spool", figures));
      reconcile.get().ifPresent(r -> body.put("reconcile", r));
      return body;
    });
  }

  private Map<String, Object> queueFigures(Duration window) {
    Map<String, Object> figures = new LinkedHashMap<>();
    Map<String, Object> failed = new LinkedHashMap<>();
    failed.put("window_seconds", window.getSeconds());
    failed.put("count", monitor.failedSince(clock.instant().minus(window)));
    figures.put("failed_recent", failed);
    figures.put("oldest_pending_age_seconds", monitor.oldestWaiting(clock.instant()).map(Duration::getSeconds).orElse(null));
    return figures;
  }

  /** The fields of the outage pauses (monitors read these names); a time only when there is one. */
  private static void outageFields(PipelineHealth h, Map<String, Object> body) {
    h.analysisPausedSince().ifPresent(t -> body.put("analysis_paused_since", t.toString()));
    body.put("github", h.github());
    h.githubPausedSince().ifPresent(t -> body.put("github_paused_since", t.toString()));
    h.githubTokenExpiresAt().ifPresent(t -> body.put("github_token_expires_at", t.toString()));
    h.githubAuth().ifPresent(a -> body.put("github_auth", a));
  }
}
