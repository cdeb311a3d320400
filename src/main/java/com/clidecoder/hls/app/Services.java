package com.clidecoder.hls.app;

import com.clidecoder.hls.api.ReloadRoute;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.metrics.HlsMetrics;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventQueries;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.StatsStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/** The collaborators of one running service, built once in {@link HlsApp}, and the routes they serve. */
record Services(
    HlsConfig config,
    Database db,
    EventStore events,
    StatsStore stats,
    Executor jdbc,
    ActorSystem<Void> system,
    ConfigReloader reloader,
    HlsMetrics metrics) {

  Route routes() {
    // Routes read the config in force per request, so a reload changes access rules at once.
    Supplier<HlsConfig> current = reloader::current;
    Clock clock = Clock.systemUTC();
    var readAccess = new com.clidecoder.hls.api.ReadAccess(config.api());
    return HttpRoutes.all(
        new com.clidecoder.hls.api.HealthRoute(db, jdbc).route(),
        new com.clidecoder.hls.api.StatsRoute(stats, jdbc, readAccess, clock).route(),
        // The pipeline's wake-up hook comes with the pipeline; until then requeued events wait for its poll.
        new com.clidecoder.hls.api.EventsRoute(current, new EventQueries(db, events), jdbc, () -> {}, clock).route(),
        new com.clidecoder.hls.api.ReloadRoute(current, () -> outcome(reloader.reload()), jdbc).route(),
        new com.clidecoder.hls.api.MetricsRoute(current, metrics, stats, jdbc, clock).route(),
        new com.clidecoder.hls.api.DashboardRoute(current).route());
  }

  private static ReloadRoute.Outcome outcome(ConfigReloader.Result result) {
    if (result instanceof ConfigReloader.Reloaded r) {
      return new ReloadRoute.Outcome(true, List.of(), r.restartRequired(), r.listenerFailures());
    }
    return new ReloadRoute.Outcome(false, ((ConfigReloader.Rejected) result).problems(), List.of(), List.of());
  }
}
