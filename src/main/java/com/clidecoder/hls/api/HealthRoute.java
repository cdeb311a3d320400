package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.clidecoder.hls.store.Database;
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
 * (still 200) while analysis is paused (budget, bad key, spend limit), {@code down} (503) when the
 * database does not answer or its last write failed for a reason of the file (locked, read-only, full).
 */
public final class HealthRoute {
  /** What the pipeline reports: why analysis is paused, if it is, and its figures. */
  public record PipelineHealth(Optional<String> pausedBecause, Map<String, Object> figures) {}

  private final Database db;
  private final Executor jdbc;
  private final Supplier<CompletionStage<PipelineHealth>> pipeline;
  /** The handler path's spool figures ({@code "spool"}); blocking file I/O, run on {@code jdbc}. */
  private final Supplier<Optional<Map<String, Object>>> spool;

  public HealthRoute(Database db, Executor jdbc, Supplier<CompletionStage<PipelineHealth>> pipeline) {
    this(db, jdbc, pipeline, Optional::empty);
  }

  public HealthRoute(Database db, Executor jdbc, Supplier<CompletionStage<PipelineHealth>> pipeline,
      Supplier<Optional<Map<String, Object>>> spool) {
    this.db = db;
    this.jdbc = jdbc;
    this.pipeline = pipeline;
    this.spool = spool;
  }

  public Route route() {
    return path("health", () -> get(() -> onSuccess(check(), body -> complete(
        "down".equals(body.get("status")) ? StatusCodes.SERVICE_UNAVAILABLE : StatusCodes.OK, body, JsonReplies.JSON))));
  }

  private CompletionStage<Map<String, Object>> check() {
    CompletableFuture<Boolean> database = CompletableFuture.supplyAsync(db::ping, jdbc);
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
      boolean degraded = p.isEmpty() || p.get().pausedBecause().isPresent();
      body.put("status", !up ? "down" : degraded ? "degraded" : "ok");
      body.put("database", !readable ? "unreachable" : writeTrouble.map(w -> "writes failing: " + w).orElse("ok"));
      body.put("analysis", analysisState);
      p.ifPresent(h -> body.put("pipeline", h.figures()));
      return body;
    }).thenCombine(spooled, (body, s) -> {
      s.ifPresent(figures -> body.put("spool", figures));
      return body;
    });
  }
}
