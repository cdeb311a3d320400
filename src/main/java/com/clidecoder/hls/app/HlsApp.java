package com.clidecoder.hls.app;

import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.metrics.HlsMetrics;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.InstanceLock;
import com.clidecoder.hls.store.StatsStore;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring only: opens the store, starts the actor system, binds HTTP and registers an orderly shutdown. */
public final class HlsApp {
  private static final Logger log = LoggerFactory.getLogger(HlsApp.class);

  private final HlsConfig config;
  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final ConfigReloader reloader;
  private final HlsMetrics metrics;

  private HlsApp(HlsConfig config, ActorSystem<Void> system, ServerBinding binding, ConfigReloader reloader,
      HlsMetrics metrics) {
    this.config = config;
    this.system = system;
    this.binding = binding;
    this.reloader = reloader;
    this.metrics = metrics;
  }

  /** Starts the service with the process environment for reloads (secrets given by environment stay). */
  public static CompletionStage<HlsApp> start(ConfigLoader.Loaded loaded) {
    return start(loaded, System.getenv());
  }

  /**
   * Starts the service; the stage completes once HTTP is bound. Throws when the store cannot open.
   * {@code env} is what a reload applies over the file again, as at start.
   */
  public static CompletionStage<HlsApp> start(ConfigLoader.Loaded loaded, Map<String, String> env) {
    HlsConfig config = loaded.hls();
    InstanceLock lock = InstanceLock.acquire(config.database().path());
    Database db;
    try {
      db = Database.open(config.database());
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hls", actorConfig(loaded));
    Executor jdbc = system.dispatchers().lookup(DispatcherSelector.fromConfig("hls-jdbc-dispatcher"));
    ConfigReloader reloader = new ConfigReloader(loaded, env);
    reloader.addListener(c -> LogSetup.level(c.logging()));
    HlsMetrics metrics = new HlsMetrics();
    Services services =
        new Services(config, db, new EventStore(db), new StatsStore(db), jdbc, system, reloader, metrics);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-database", () -> {
      metrics.close();
      db.close();
      lock.close();
      return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    });
    Route routes = services.routes();
    return Http.get(system)
        .newServerAt(config.server().host(), config.server().port())
        .bind(routes)
        .thenApply(b -> {
          b.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
          log.info("event=started address={} database={} analyst={} github={}",
              b.localAddress(), db.path(), config.claude().offline() ? "offline" : "anthropic",
              config.github().effectiveDryRun() ? "dry-run" : "live");
          return new HlsApp(config, system, b, reloader, metrics);
        })
        .whenComplete((app, err) -> {
          if (err != null) system.terminate();
        });
  }

  /** The merged HOCON with pekko's HTTP limits raised to the configured payload cap. */
  private static Config actorConfig(ConfigLoader.Loaded loaded) {
    long cap = loaded.hls().server().maxPayloadBytes();
    return ConfigFactory.parseMap(Map.of(
            "pekko.http.server.parsing.max-content-length", String.valueOf(cap),
            // Access checks the TCP peer. Set here, not only in reference.conf: in the shaded jar the
            // reference.conf files are concatenated and pekko-http's own "off" comes after ours.
            "pekko.http.server.remote-address-attribute", "on"))
        .withFallback(loaded.merged());
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public HlsConfig config() {
    return config;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Re-reads the configuration file; SIGHUP, POST /api/reload and bin/hls reload all come here. */
  public ConfigReloader reloader() {
    return reloader;
  }

  /** Where intake and pipeline report what they did (see {@link HlsMetrics}). */
  public HlsMetrics metrics() {
    return metrics;
  }

  /** Runs the coordinated shutdown: unbind, drain, stop actors, close the pool. */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
  }
}
