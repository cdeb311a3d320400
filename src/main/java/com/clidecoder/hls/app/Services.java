package com.clidecoder.hls.app;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
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
    Executor jdbc,
    ActorSystem<Void> system) {

  Route routes() {
    return HttpRoutes.all(new com.clidecoder.hls.api.HealthRoute(db, jdbc).route());
  }
}
