package com.clidecoder.hls.reconcile;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.HookDelivery;
import com.clidecoder.hls.github.GitHubClient;
import com.clidecoder.hls.github.GitHubResult;
import com.clidecoder.hls.store.ReconcileStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the hooks, without blocking: list each hook's deliveries back to {@code since}, find the gaps
 * ({@link Gaps}; the database is read on the JDBC executor), and, when asked to, request a redelivery of each,
 * one at a time and {@code pace} apart, at most {@code max} per pass. A redelivery is recorded only once GitHub
 * accepted it (202): a request that failed is tried again by the next pass, one that was accepted never is.
 * Every failure is a value in the report; a pass never fails.
 */
final class ReconcilePass {
  private static final Logger log = LoggerFactory.getLogger(ReconcilePass.class);
  private static final Set<String> HANDLED = Set.copyOf(HlsConfig.HANDLED_EVENTS);

  private final GitHubClient client;
  private final ReconcileStore store;
  private final Executor jdbc;
  private final Executor continuations;
  private final Clock clock;

  ReconcilePass(GitHubClient client, ReconcileStore store, Executor jdbc, Executor continuations, Clock clock) {
    this.client = client;
    this.store = store;
    this.jdbc = jdbc;
    this.continuations = continuations;
    this.clock = clock;
  }

  /** What a pass is asked to do. */
  record Plan(List<HookTarget> hooks, Instant since, boolean redeliver, boolean dryRun, int max, Duration pace) {}

  CompletionStage<PassReport> run(Plan plan) {
    Instant started = clock.instant();
    List<PassReport.Hook> hooks = new ArrayList<>();
    List<PassReport.Gap> gaps = new ArrayList<>();
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (HookTarget hook : plan.hooks()) {
      chain = chain.thenCompose(v -> hook(plan, hook, hooks, gaps));
    }
    return chain.thenApply(v -> new PassReport(started, clock.instant(), plan.since(), plan.redeliver(), plan.dryRun(),
        List.copyOf(hooks), List.copyOf(gaps)));
  }

  private CompletionStage<Void> hook(Plan plan, HookTarget hook, List<PassReport.Hook> hooks, List<PassReport.Gap> gaps) {
    return client.hookDeliveries(hook.path(), item -> deliveredBefore(item, plan.since())).thenCompose(result -> {
      if (!(result instanceof GitHubResult.Ok<List<JsonNode>> ok)) {
        String problem = problem(hook, result);
        log.warn("event=reconcile_hook_unreadable hook=\"{}\" problem=\"{}\"", hook.name(), problem);
        hooks.add(new PassReport.Hook(hook.name(), 0, 0, problem));
        return CompletableFuture.completedFuture(null);
      }
      DeliveryPage.Parsed parsed = DeliveryPage.parse(ok.value());
      if (!parsed.ok()) {
        hooks.add(new PassReport.Hook(hook.name(), 0, 0, "GitHub's delivery list could not be read: " + parsed.problem()));
        return CompletableFuture.completedFuture(null);
      }
      int room = plan.redeliver() ? Math.max(0, plan.max() - (int) gaps.stream().filter(g -> !g.outcome().startsWith("failed")).count())
          : Integer.MAX_VALUE;
      return CompletableFuture.supplyAsync(
              () -> Gaps.find(parsed.deliveries(), HANDLED, plan.since(), store::known, room), jdbc)
          .thenComposeAsync(found -> {
            hooks.add(new PassReport.Hook(hook.name(), parsed.deliveries().size(), found.size(), ""));
            return ask(plan, hook, found, 0, gaps);
          }, continuations);
    });
  }

  private CompletionStage<Void> ask(Plan plan, HookTarget hook, List<HookDelivery> found, int i, List<PassReport.Gap> gaps) {
    if (i >= found.size()) return CompletableFuture.completedFuture(null);
    HookDelivery d = found.get(i);
    if (!plan.redeliver() || plan.dryRun()) {
      gaps.add(new PassReport.Gap(hook.name(), d, plan.redeliver() ? "planned" : "listed"));
      return ask(plan, hook, found, i + 1, gaps);
    }
    return client.redeliver(hook.path(), d.id()).thenCompose(r -> {
      if (r instanceof GitHubResult.Ok<Boolean>) {
        return CompletableFuture.supplyAsync(() -> store.recordAsked(d.guid(), d.id(), clock.instant()), jdbc)
            .thenApplyAsync(recorded -> {
              log.info("event=redelivery_asked hook=\"{}\" guid={} delivery_id={} event={} status_code={}",
                  hook.name(), d.guid(), d.id(), d.event(), d.statusCode());
              return "asked";
            }, continuations);
      }
      String why = problem(hook, r);
      log.warn("event=redelivery_failed hook=\"{}\" guid={} delivery_id={} problem=\"{}\"", hook.name(), d.guid(), d.id(), why);
      return CompletableFuture.completedFuture("failed: " + why);
    }).exceptionally(e -> "failed: " + e.getMessage()).thenCompose(outcome -> {
      gaps.add(new PassReport.Gap(hook.name(), d, outcome));
      if (i + 1 >= found.size()) return CompletableFuture.completedFuture(null);
      // Paced like the actuator's writes: GitHub asks for requests that change state to be sent serially and spaced.
      Executor later = CompletableFuture.delayedExecutor(plan.pace().toMillis(), TimeUnit.MILLISECONDS, continuations);
      return CompletableFuture.supplyAsync(() -> null, later).thenCompose(v -> ask(plan, hook, found, i + 1, gaps));
    });
  }

  private static boolean deliveredBefore(JsonNode item, Instant since) {
    try {
      return Instant.parse(item.path("delivered_at").asText()).isBefore(since);
    } catch (java.time.DateTimeException e) {
      return false; // DeliveryPage reports the malformed item
    }
  }

  /** In words, for /health and the CLI: a 403/404 says which permission the reconciler needs. */
  static String problem(HookTarget hook, GitHubResult<?> result) {
    if (result instanceof GitHubResult.HttpError<?> e) {
      return switch (e.status()) {
        case 401 -> "GitHub refused the credentials (401 " + e.message() + ")";
        case 403 -> "GitHub answered 403 (" + e.message() + ") for " + hook.name() + ": "
            + (hook == HookTarget.APP ? "the app JWT must be of the app that owns the hook"
                : "the token needs the Webhooks permission (read & write) on it, or admin:repo_hook / admin:org_hook");
        case 404 -> "GitHub answered 404 (" + e.message() + ") for " + hook.name() + ": "
            + (hook == HookTarget.APP ? "the app has no webhook configured"
                : "no such hook, or the token cannot see it (it needs the Webhooks permission, read & write)");
        default -> "GitHub answered " + e.status() + " (" + e.message() + ") for " + hook.name();
      };
    }
    if (result instanceof GitHubResult.RateLimited<?> rl) return "rate limited until " + rl.until() + " (" + rl.message() + ")";
    if (result instanceof GitHubResult.NoAnswer<?> n) return n.message();
    return "unexpected answer " + result;
  }
}
