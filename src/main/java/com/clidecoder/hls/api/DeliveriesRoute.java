package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeout;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.Durations;
import com.clidecoder.hls.reconcile.Reconciler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler on demand (admin access: each call spends the token's GitHub quota):
 * {@code GET /api/deliveries?since=24h} lists the gaps (failed deliveries of handled events HLS never saw);
 * {@code POST /api/deliveries/redeliver?since=24h&dry_run=true} runs one pass that asks for their redelivery.
 * Both answer the pass report, or 409 with the reason when no pass can run (no GitHub identity, no hook).
 */
public final class DeliveriesRoute {
  private static final Logger log = LoggerFactory.getLogger(DeliveriesRoute.class);
  /** A pass paces its redeliveries (max-redeliveries × write-interval), far longer than a normal request. */
  public static final Duration PASS_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration MAX_SINCE = Duration.ofDays(30);

  /** Runs one pass: (since, redeliver, dry run) → its outcome. */
  @FunctionalInterface
  public interface Passes {
    CompletionStage<Reconciler.Outcome> run(Optional<Duration> since, boolean redeliver, boolean dryRun);
  }

  private final Supplier<HlsConfig> config;
  private final Passes passes;

  public DeliveriesRoute(Supplier<HlsConfig> config, Passes passes) {
    this.config = config;
    this.passes = passes;
  }

  public Route route() {
    return handleExceptions(Replies.exceptions(), () -> pathPrefix("api", () -> pathPrefix("deliveries", () -> concat(
        pathEnd(() -> Replies.only(org.apache.pekko.http.javadsl.model.HttpMethods.GET,
            () -> Access.mutating(config.get(), () -> pass(false)))),
        path("redeliver", () -> Replies.only(org.apache.pekko.http.javadsl.model.HttpMethods.POST,
            () -> Access.mutating(config.get(), () -> pass(true))))))));
  }

  private Route pass(boolean redeliver) {
    return parameterOptional("since", rawSince -> parameterOptional("dry_run", rawDry -> {
      Optional<Duration> since = rawSince.flatMap(Durations::parse);
      if (rawSince.isPresent() && (since.isEmpty() || since.get().isZero() || since.get().compareTo(MAX_SINCE) > 0)) {
        return Replies.reject(StatusCodes.BAD_REQUEST,
            "since must be a duration with a unit up to 30d, such as 6h or 3d, not '" + rawSince.get() + "'");
      }
      if (rawDry.isPresent() && !rawDry.get().equals("true") && !rawDry.get().equals("false")) {
        return Replies.reject(StatusCodes.BAD_REQUEST, "dry_run must be true or false, not '" + rawDry.get() + "'");
      }
      boolean dryRun = rawDry.map(Boolean::parseBoolean).orElse(false);
      return withRequestTimeout(PASS_TIMEOUT, () -> onComplete(passes.run(since, redeliver, dryRun), result -> {
        if (result.isFailure()) {
          log.warn("event=reconcile_request_failed error={}", result.failed().get().toString());
          return Replies.reject(StatusCodes.SERVICE_UNAVAILABLE, "the reconciler did not answer; see the service log");
        }
        if (result.get() instanceof Reconciler.NotRun n) return Replies.reject(StatusCodes.CONFLICT, n.reason());
        return Replies.ok(((Reconciler.Ran) result.get()).report().toJson());
      }));
    }));
  }
}
