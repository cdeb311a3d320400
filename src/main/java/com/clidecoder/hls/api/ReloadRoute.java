package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.clidecoder.hls.config.HlsConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/reload}: re-reads the configuration file (mutating access). 200
 * {@code {"status":"reloaded","restart_required":[...],"listener_failures":[...]}} when it is in force,
 * 422 {@code {"status":"rejected","reason":...,"problems":[...]}} when the file is invalid (the running
 * configuration stays).
 */
public final class ReloadRoute {
  private static final Logger log = LoggerFactory.getLogger(ReloadRoute.class);

  /** What a reload did, as the route reports it. */
  public record Outcome(boolean accepted, List<String> problems, List<String> restartRequired, List<String> listenerFailures) {}

  private final Supplier<HlsConfig> config;
  private final Supplier<Outcome> reload;
  private final Executor blocking;

  /** {@code reload} reads files, so it runs on {@code blocking}, never on the default dispatcher. */
  public ReloadRoute(Supplier<HlsConfig> config, Supplier<Outcome> reload, Executor blocking) {
    this.config = config;
    this.reload = reload;
    this.blocking = blocking;
  }

  public Route route() {
    return handleExceptions(Replies.exceptions(), () -> pathPrefix("api", () -> path("reload", () ->
        Replies.only(HttpMethods.POST, () -> Access.mutating(config.get(), this::reload)))));
  }

  private Route reload() {
    return onComplete(CompletableFuture.supplyAsync(reload, blocking), result -> {
      if (result.isFailure()) {
        log.error("event=reload_failed error={}", result.failed().get().toString());
        return Replies.reject(StatusCodes.INTERNAL_SERVER_ERROR, "reload failed; see the service log");
      }
      Outcome o = result.get();
      Map<String, Object> body = new LinkedHashMap<>();
      if (o.accepted()) {
        body.put("status", "reloaded");
        body.put("restart_required", o.restartRequired());
        body.put("listener_failures", o.listenerFailures());
        return complete(StatusCodes.OK, body, JsonReplies.JSON);
      }
      body.putAll(JsonReplies.rejected("invalid configuration; the running configuration stays"));
      body.put("problems", o.problems());
      return complete(StatusCodes.UNPROCESSABLE_CONTENT, body, JsonReplies.JSON);
    });
  }
}
