package com.clidecoder.hls.app;

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
    ActorSystem<Void> system) {

  Route routes() {
    var readAccess = new com.clidecoder.hls.api.ReadAccess(config.api());
    return HttpRoutes.all(
        new com.clidecoder.hls.api.HealthRoute(db, jdbc).route(),
        new com.clidecoder.hls.api.StatsRoute(stats, jdbc, readAccess, java.time.Clock.systemUTC()).route(),
        // The pipeline's wake-up hook comes later; until then queued events wait for its poll.
        new com.clidecoder.hls.intake.WebhookRoute(config, intake, () -> {}).route());
  }
}
