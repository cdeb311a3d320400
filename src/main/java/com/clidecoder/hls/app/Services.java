package com.clidecoder.hls.app;

import com.clidecoder.hls.api.DashboardRoute;
import com.clidecoder.hls.api.DeliveriesRoute;
import com.clidecoder.hls.reconcile.Reconciler;
import com.clidecoder.hls.store.SeenDeliveries;
import com.clidecoder.hls.api.EventsRoute;
import com.clidecoder.hls.api.HealthRoute;
import com.clidecoder.hls.api.MetricsRoute;
import com.clidecoder.hls.api.ReloadRoute;
import com.clidecoder.hls.api.StatsRoute;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.intake.WebhookRoute;
import com.clidecoder.hls.metrics.HlsMetrics;
import com.clidecoder.hls.pipeline.QueueSupervisor;
import com.clidecoder.hls.spool.Spool;
import com.clidecoder.hls.spool.SpoolFigures;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventQueries;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.IntakeWriter;
import com.clidecoder.hls.store.Retention;
import com.clidecoder.hls.store.StatsStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.server.Route;

/** The collaborators of one running service, built once in {@link HlsApp}, and the routes they serve. */
record Services(
    Database db,
    EventStore events,
    StatsStore stats,
    IntakeWriter intake,
    Executor jdbc,
    ActorSystem<Void> system,
    ActorRef<QueueSupervisor.Command> supervisor,
    ConfigReloader reloader,
    HlsMetrics metrics,
    Path spoolDir,
    Reconciliation reconciliation) {

  /** The reconciler, its last published status, and the intake's record of ignored deliveries. */
  record Reconciliation(ActorRef<Reconciler.Command> actor,
      java.util.concurrent.atomic.AtomicReference<Reconciler.Status> status, SeenDeliveries seen) {
    Optional<Map<String, Object>> json() {
      return Optional.of(status.get().toJson());
    }
  }

  Route routes() {
    // Routes read the config in force per request, so a reload takes effect for the next request.
    Supplier<HlsConfig> current = reloader::current;
    Clock clock = Clock.systemUTC();
    return HttpRoutes.all(
        new HealthRoute(db, jdbc, this::pipelineHealth, () -> Optional.of(spoolFigures().toJson()),
            reconciliation::json).route(),
        new StatsRoute(stats, jdbc, current, clock, reconciliation::json).route(),
        new WebhookRoute(current, intake, this::wakePipeline, metrics::intake, r -> metrics.rejected(r.label),
            reconciliation.seen()::ignored).route(),
        new DeliveriesRoute(current, this::reconcileNow).route(),
        new EventsRoute(current, new EventQueries(db, events), jdbc, this::wakePipeline, clock).route(),
        new ReloadRoute(current, () -> outcome(reloader.reload()), jdbc).route(),
        new MetricsRoute(current, metrics, stats, new Retention(db),
            () -> pipelineHealth().thenApply(HealthRoute.PipelineHealth::pausedBecause), jdbc, clock).route(),
        new DashboardRoute(current, Version.current(), clock.instant(), clock).route());
  }

  CompletionStage<Reconciler.Outcome> reconcileNow(Optional<Duration> since, boolean redeliver, boolean dryRun) {
    return AskPattern.<Reconciler.Command, Reconciler.Outcome>ask(reconciliation.actor(),
        replyTo -> new Reconciler.RunNow(since, redeliver, dryRun, replyTo), DeliveriesRoute.PASS_TIMEOUT, system.scheduler());
  }

  /** Called after a commit that queued events: the pipeline claims now instead of at its next poll. */
  void wakePipeline() {
    supervisor.tell(new QueueSupervisor.Wake());
  }

  CompletionStage<HealthRoute.PipelineHealth> pipelineHealth() {
    return AskPattern.<QueueSupervisor.Command, QueueSupervisor.Status>ask(
            supervisor, QueueSupervisor.GetStatus::new, Duration.ofSeconds(3), system.scheduler())
        .thenApply(s -> new HealthRoute.PipelineHealth(s.pausedBecause(), Map.of(
            "in_flight", s.inFlight(), "analysing", s.analysing(),
            "max_concurrent_analyses", s.maxConcurrentAnalyses(), "repository_actors", s.repositoryActors()),
            s.analysisPausedSince(), s.github(), s.githubPausedSince(), s.githubTokenExpiresAt(),
            Optional.of(s.githubAuth())));
  }

  /** The spool as it is now: lists its folder, so call it off the actors' threads (health and metrics do). */
  SpoolFigures spoolFigures() {
    try {
      return Spool.figures(spoolDir, Clock.systemUTC().instant());
    } catch (IOException e) {
      throw new UncheckedIOException("the spool " + spoolDir + " cannot be read", e);
    }
  }

  private static ReloadRoute.Outcome outcome(ConfigReloader.Result result) {
    if (result instanceof ConfigReloader.Reloaded r) {
      return new ReloadRoute.Outcome(true, List.of(), r.restartRequired(), r.listenerFailures());
    }
    return new ReloadRoute.Outcome(false, ((ConfigReloader.Rejected) result).problems(), List.of(), List.of());
  }
}
