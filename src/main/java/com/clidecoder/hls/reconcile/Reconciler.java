package com.clidecoder.hls.reconcile;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.github.GitHubClient;
import com.clidecoder.hls.metrics.HlsMetrics;
import com.clidecoder.hls.store.ReconcileStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reconcile passes one at a time: every {@code hls.reconcile.interval} when enabled, and whenever an
 * operator asks ({@code bin/hls deliveries}); a request that comes while a pass runs waits for it. After each
 * pass the {@link Status} is published (for /stats, /health and /metrics) and old records are pruned.
 */
public final class Reconciler extends AbstractBehavior<Reconciler.Command> {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final Object TIMER = "reconcile";
  /** Seen and asked guids are kept well past GitHub's listing of them (it shows a few days). */
  private static final Duration KEEP_AT_LEAST = Duration.ofDays(7);

  public sealed interface Command {}

  /**
   * A pass now. {@code redeliver} false only lists the gaps; {@code dryRun} lists what would be asked.
   * {@code since} empty: {@code hls.reconcile.lookback}.
   */
  public record RunNow(Optional<Duration> since, boolean redeliver, boolean dryRun, ActorRef<Outcome> replyTo)
      implements Command {}

  public record Reconfigure(HlsConfig config) implements Command {}

  /** The report of a pass, or why none could run (no identity, no hook). */
  public sealed interface Outcome {}

  public record Ran(PassReport report) implements Outcome {}

  public record NotRun(String reason) implements Outcome {}

  /** What /stats, /health and /metrics show; totals count since the service started. */
  public record Status(boolean enabled, Optional<PassReport> last, long runs, long gapsFound, long redeliveriesAsked,
      long redeliveriesFailed) {
    public static final Status NONE = new Status(false, Optional.empty(), 0, 0, 0, 0);

    /** For /stats ({@code reconcile}) and /health: the names of CONTRACT.md. */
    public java.util.Map<String, Object> toJson() {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("enabled", enabled);
      m.put("state", !enabled && last.isEmpty() ? "off" : last.isEmpty() ? "not run yet"
          : problems().isEmpty() ? "ok" : "hook unreadable");
      m.put("last_run", last.map(r -> {
        java.util.Map<String, Object> l = new java.util.LinkedHashMap<>();
        l.put("started_at", r.startedAt().toString());
        l.put("finished_at", r.finishedAt().toString());
        l.put("redeliver", r.redeliver());
        l.put("dry_run", r.dryRun());
        l.put("gaps_found", r.gaps().size());
        l.put("redeliveries_asked", r.asked());
        l.put("redeliveries_failed", r.failedAsks());
        return l;
      }).orElse(null));
      m.put("runs", runs);
      m.put("gaps_found", gapsFound);
      m.put("redeliveries_asked", redeliveriesAsked);
      m.put("redeliveries_failed", redeliveriesFailed);
      m.put("problems", problems());
      return m;
    }

    /** The hooks the last pass could not read, in words (403/404 say which permission is missing). */
    public List<String> problems() {
      return last.map(r -> r.hooks().stream().filter(h -> !h.ok()).map(PassReport.Hook::problem).toList())
          .orElse(List.of());
    }
  }

  private record Tick() implements Command {}

  private record Finished(RunNow request, PassReport report) implements Command {}

  private final TimerScheduler<Command> timers;
  private final ReconcileStore store;
  private final Executor jdbc;
  private final Clock clock;
  private final Consumer<Status> publish;
  private final HlsMetrics metrics;
  private final Deque<RunNow> waiting = new ArrayDeque<>();
  private HlsConfig config;
  private Optional<GitHubClient> client;
  private boolean running;
  private Status status;

  /** {@code publish} is told the status at start and after every pass and reconfiguration; it must not block. */
  public static Behavior<Command> create(HlsConfig config, ReconcileStore store, Executor jdbc, Clock clock,
      Consumer<Status> publish, HlsMetrics metrics) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        t -> new Reconciler(ctx, t, config, store, jdbc, clock, publish, metrics)));
  }

  private Reconciler(ActorContext<Command> ctx, TimerScheduler<Command> timers, HlsConfig config, ReconcileStore store,
      Executor jdbc, Clock clock, Consumer<Status> publish, HlsMetrics metrics) {
    super(ctx);
    this.metrics = metrics;
    this.timers = timers;
    this.store = store;
    this.jdbc = jdbc;
    this.clock = clock;
    this.publish = publish;
    this.status = new Status(config.reconcile().enabled(), Optional.empty(), 0, 0, 0, 0);
    apply(config);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> enqueue(new RunNow(Optional.empty(), true, false, getContext().getSystem().ignoreRef())))
        .onMessage(RunNow.class, this::enqueue)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(Reconfigure.class, m -> {
          apply(m.config());
          return this;
        })
        .build();
  }

  private void apply(HlsConfig next) {
    config = next;
    client = next.github().app().isPresent() || next.github().token().isPresent()
        ? GitHubClient.create(getContext().getSystem(), next.github()) : Optional.empty();
    HlsConfig.Reconcile r = next.reconcile();
    if (r.enabled()) {
      timers.startTimerWithFixedDelay(TIMER, new Tick(), r.interval());
      log.info("event=reconcile_scheduled interval={} lookback={} hooks={}", r.interval(), r.lookback(),
          HookTarget.of(next).size());
    } else {
      timers.cancel(TIMER);
    }
    status = new Status(r.enabled(), status.last(), status.runs(), status.gapsFound(), status.redeliveriesAsked(),
        status.redeliveriesFailed());
    publish.accept(status);
  }

  private Behavior<Command> enqueue(RunNow m) {
    waiting.addLast(m);
    startNext();
    return this;
  }

  private void startNext() {
    if (running || waiting.isEmpty()) return;
    RunNow m = waiting.pollFirst();
    List<HookTarget> hooks = HookTarget.of(config);
    if (client.isEmpty()) {
      m.replyTo().tell(new NotRun("no GitHub identity: set hls.github.token or hls.github.app to read hook deliveries"));
      startNext();
      return;
    }
    if (hooks.isEmpty()) {
      m.replyTo().tell(new NotRun("no hook to reconcile: run as a GitHub App (hls.github.app) or list"
          + " hls.reconcile.hooks = [{ repository = \"o/r\", id = N }]"));
      startNext();
      return;
    }
    running = true;
    HlsConfig.Reconcile r = config.reconcile();
    Instant since = clock.instant().minus(m.since().orElse(r.lookback()));
    // GitHub's dry run (hls.github.dry-run, or no credentials) writes nothing, redeliveries included.
    boolean dryRun = m.dryRun() || config.github().effectiveDryRun();
    ReconcilePass.Plan plan = new ReconcilePass.Plan(hooks, since, m.redeliver(), dryRun, r.maxRedeliveries(),
        config.github().writeInterval());
    ReconcilePass pass = new ReconcilePass(client.get(), store, jdbc, getContext().getExecutionContext(), clock);
    getContext().pipeToSelf(pass.run(plan), (report, err) -> new Finished(m, report != null ? report
        : new PassReport(clock.instant(), clock.instant(), since, m.redeliver(), dryRun,
            List.of(new PassReport.Hook("(pass)", 0, 0, "the pass failed: " + err)), List.of())));
  }

  private Behavior<Command> onFinished(Finished f) {
    running = false;
    PassReport r = f.report();
    int problems = (int) r.hooks().stream().filter(h -> !h.ok()).count();
    status = new Status(status.enabled(), Optional.of(r), status.runs() + 1, status.gapsFound() + r.gaps().size(),
        status.redeliveriesAsked() + r.asked(), status.redeliveriesFailed() + r.failedAsks());
    publish.accept(status);
    metrics.reconciled(r.gaps().size(), r.asked(), r.failedAsks(), problems);
    log.info("event=reconciled hooks={} gaps={} asked={} failed={} dry_run={} redeliver={}", r.hooks().size(),
        r.gaps().size(), r.asked(), r.failedAsks(), r.dryRun(), r.redeliver());
    f.request().replyTo().tell(new Ran(r));
    Duration keep = config.reconcile().lookback().compareTo(KEEP_AT_LEAST) > 0 ? config.reconcile().lookback() : KEEP_AT_LEAST;
    Instant cutoff = clock.instant().minus(keep.multipliedBy(2));
    jdbc.execute(() -> {
      try {
        store.prune(cutoff);
      } catch (RuntimeException e) {
        log.warn("event=reconcile_prune_failed error={}", e.toString());
      }
    });
    startNext();
    return this;
  }
}
