package com.clidecoder.hls.app;

import com.clidecoder.hls.api.HealthRoute;
import com.clidecoder.hls.pipeline.QueueSupervisor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.IntakeWriter;
import com.clidecoder.hls.store.StatsStore;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/** The collaborators of one running service, built once in {@link HlsApp}, and the routes they serve. */
record Services(
    HlsConfig config,
    Database db,
    EventStore events,
    StatsStore stats,
    IntakeWriter intake,
    Executor jdbc,
    ActorSystem<Void> system,
    ActorRef<QueueSupervisor.Command> supervisor) {

  Route routes() {
    var readAccess = new com.clidecoder.hls.api.ReadAccess(config.api());
    return HttpRoutes.all(
        new com.clidecoder.hls.api.HealthRoute(db, jdbc, this::pipelineHealth).route(),
        new com.clidecoder.hls.api.StatsRoute(stats, jdbc, readAccess, java.time.Clock.systemUTC()).route(),
        new com.clidecoder.hls.intake.WebhookRoute(config, intake, this::wakePipeline).route());
  }

  /** Called after a commit that queued events: the pipeline claims now instead of at its next poll. */
  void wakePipeline() {
    supervisor.tell(new QueueSupervisor.Wake());
  }

  CompletionStage<HealthRoute.PipelineHealth> pipelineHealth() {
    return AskPattern.<QueueSupervisor.Command, QueueSupervisor.Status>ask(
            supervisor, QueueSupervisor.GetStatus::new, Duration.ofSeconds(3), system.scheduler())
        .thenApply(s -> new HealthRoute.PipelineHealth(s.pausedBecause(), Map.of(
            "in_flight", s.inFlight(), "max_in_flight", s.maxInFlight(), "repository_actors", s.repositoryActors())));
  }
}
