package com.clidecoder.hls.app;

import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.claude.ClaudeAnalyst;
import com.clidecoder.hls.claude.RuleBasedAnalyst;
import com.clidecoder.hls.triage.TriageModels;
import com.clidecoder.hls.github.GitHubActuator;
import com.clidecoder.hls.pipeline.Pipeline;
import com.clidecoder.hls.pipeline.QueueSupervisor;
import com.clidecoder.hls.reconcile.Reconciler;
import com.clidecoder.hls.store.ActionStore;
import com.clidecoder.hls.store.ReconcileStore;
import com.clidecoder.hls.store.SeenDeliveries;
import com.clidecoder.hls.store.AnalysisStore;
import com.clidecoder.hls.spool.LoopbackIntake;
import com.clidecoder.hls.spool.SpoolDrainer;
import com.clidecoder.hls.spool.SpoolLocation;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;

import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.metrics.HlsMetrics;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.IntakeWriter;
import com.clidecoder.hls.store.InstanceLock;
import com.clidecoder.hls.store.Retention;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring only: opens the store, starts the actor system, binds HTTP and registers an orderly shutdown. */
public final class HlsApp {
  private static final Logger log = LoggerFactory.getLogger(HlsApp.class);

  private final HlsConfig config;
  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final IntakeWriter intake;
  private final ConfigReloader reloader;
  private final HlsMetrics metrics;

  private HlsApp(HlsConfig config, ActorSystem<Void> system, ServerBinding binding, IntakeWriter intake,
      ConfigReloader reloader, HlsMetrics metrics) {
    this.config = config;
    this.system = system;
    this.binding = binding;
    this.intake = intake;
    this.reloader = reloader;
    this.metrics = metrics;
  }

  /** Starts the service with the process environment for reloads (secrets given by environment stay). */
  public static CompletionStage<HlsApp> start(ConfigLoader.Loaded loaded) {
    return start(loaded, System.getenv());
  }

  /**
   * Starts the service; the stage completes once the store is open and the routes answer. The port is
   * bound first and the instance lock taken next, before the database is opened or migrated: a taken port
   * throws {@link PortInUse} with nothing else done; a store that cannot open throws its StoreException.
   * Until the store is open every request is answered 503 with Retry-After ({@link StartingGate}).
   * {@code env} is what a reload applies over the file again, as at start.
   */
  public static CompletionStage<HlsApp> start(ConfigLoader.Loaded loaded, Map<String, String> env) {
    HlsConfig config = loaded.hls();
    ensurePortFree(config.server());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hls", actorConfig(loaded));
    StartingGate gate = new StartingGate(system);
    ServerBinding binding = bind(config.server(), gate, system);
    InstanceLock lock;
    Database db;
    try {
      lock = InstanceLock.acquire(config.database().path());
    } catch (RuntimeException e) {
      stopUnopened(binding, system);
      throw e;
    }
    try {
      db = Database.open(config.database());
    } catch (RuntimeException e) {
      lock.close();
      stopUnopened(binding, system);
      throw e;
    }
    Executor jdbc = system.dispatchers().lookup(DispatcherSelector.fromConfig("hls-jdbc-dispatcher"));
    EventStore events = new EventStore(db);
    IntakeWriter intake = IntakeWriter.start(events, jdbc, config.database().maxBatch(),
        config.database().intakeBuffer(), java.time.Clock.systemUTC(), system);
    StatsStore stats = new StatsStore(db);
    HlsMetrics metrics = new HlsMetrics(Version.current());
    ConfigReloader reloader = new ConfigReloader(loaded, env);
    ActorRef<QueueSupervisor.Command> supervisor =
        startPipeline(config, system, db, events, stats, jdbc, reloader, metrics);
    reloader.addListener(c -> LogSetup.level(c.logging()));
    Services services = new Services(db, events, stats, intake, jdbc, system, supervisor, reloader, metrics,
        SpoolLocation.resolve(config.spool().dir(), env), startReconciler(config, system, db, jdbc, reloader, metrics));
    metrics.spool(services::spoolFigures);
    // Retention: first run a minute after start (not during it), then daily.
    org.apache.pekko.actor.Cancellable retention = DailyRetention.start(system, new Retention(db), reloader::current,
        jdbc, java.time.Clock.systemUTC(), Duration.ofMinutes(1), Duration.ofDays(1));
    ShutdownOrder.register(CoordinatedShutdown.get(system), binding, intake, supervisor, gate.activity(),
        config.workers().shutdownDeadline(), system, () -> {
          retention.cancel();
          metrics.close();
          db.close();
          lock.close();
        });
    gate.open(services.routes());
    startSpoolDrainer(services, binding);
    log.info("event=started address={} database={} analyst={} github={} version={}",
        binding.localAddress(), db.path(), config.claude().offline() ? AnalysisRecord.OFFLINE : AnalysisRecord.ANTHROPIC,
        config.github().effectiveDryRun() ? "dry-run" : "live", Version.current());
    return java.util.concurrent.CompletableFuture.completedFuture(
        new HlsApp(config, system, binding, intake, reloader, metrics));
  }

  /** The port, bound before anything else is done; a taken one is {@link PortInUse}, the system stopped. */
  private static ServerBinding bind(HlsConfig.Server server, StartingGate gate, ActorSystem<Void> system) {
    try {
      return Http.get(system).newServerAt(server.host(), server.port()).bind(gate).toCompletableFuture().join();
    } catch (RuntimeException e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof java.net.BindException) throw new PortInUse(server.host(), server.port());
      }
      throw e;
    }
  }

  /**
   * Tries the port with a plain socket before the actor system starts: a taken port is then one line
   * and nothing else (pekko's own bind failure logs an error with its stack trace). The bind after it
   * still reports a port taken in between.
   */
  private static void ensurePortFree(HlsConfig.Server server) {
    if (server.port() == 0) return;
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true); // as pekko binds: a port in TIME_WAIT after our own stop is free
      probe.bind(new java.net.InetSocketAddress(server.host(), server.port()));
    } catch (java.net.BindException e) {
      throw new PortInUse(server.host(), server.port());
    } catch (java.io.IOException e) {
      // Not a taken port (an address of another host, say): pekko's bind reports it.
    }
  }

  /** Start failed after the bind: release the port and stop the system before the exception travels on. */
  private static void stopUnopened(ServerBinding binding, ActorSystem<Void> system) {
    binding.unbind().toCompletableFuture().join();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /** The configured port is taken by another process (often the old hls-api); nothing was opened. */
  public static final class PortInUse extends RuntimeException {
    private final int port;

    PortInUse(String host, int port) {
      super("port " + port + " is in use" + (host.equals("127.0.0.1") || host.equals("0.0.0.0") ? "" : " on " + host)
          + ": is the old hls-api still running?", null, false, false);
      this.port = port;
    }

    public int port() {
      return port;
    }
  }

  /**
   * One analyst, one actuator (one paced write lane per token) and the supervisor that feeds them; a
   * reload reaches all three for the next event.
   */
  private static ActorRef<QueueSupervisor.Command> startPipeline(HlsConfig config, ActorSystem<Void> system,
      Database db, EventStore events, StatsStore stats, Executor jdbc, ConfigReloader reloader,
      HlsMetrics metrics) {
    ActorRef<ClaudeAnalyst.Command> analyst = system.systemActorOf(
        ClaudeAnalyst.create(config.claude(), new RuleBasedAnalyst(() -> reloader.current().triage().minConfidence())),
        "claude-analyst", Props.empty());
    ActorRef<GitHubActuator.Command> actuator =
        system.systemActorOf(GitHubActuator.create(config.github()), "github-actuator", Props.empty());
    Pipeline pipeline = new Pipeline(events, new AnalysisStore(db), new ActionStore(db), stats, jdbc, analyst,
        actuator, new TriageModels(config.triage().modelsDir()), metrics, Clock.systemUTC());
    ActorRef<QueueSupervisor.Command> supervisor =
        system.systemActorOf(QueueSupervisor.create(config, pipeline), "queue-supervisor", Props.empty());
    reloader.addListener(c -> {
      analyst.tell(new ClaudeAnalyst.Reconfigure(c.claude()));
      actuator.tell(new GitHubActuator.Reconfigure(c.github()));
      supervisor.tell(new QueueSupervisor.Reconfigure(c));
    });
    return supervisor;
  }

  /** The delivery reconciler (it runs passes only when enabled or asked) and the intake's record of ignored guids. */
  private static Services.Reconciliation startReconciler(HlsConfig config, ActorSystem<Void> system, Database db,
      Executor jdbc, ConfigReloader reloader, HlsMetrics metrics) {
    ReconcileStore store = new ReconcileStore(db);
    java.util.concurrent.atomic.AtomicReference<Reconciler.Status> status =
        new java.util.concurrent.atomic.AtomicReference<>(Reconciler.Status.NONE);
    ActorRef<Reconciler.Command> actor = system.systemActorOf(
        Reconciler.create(config, store, jdbc, Clock.systemUTC(), status::set, metrics), "reconciler", Props.empty());
    reloader.addListener(c -> actor.tell(new Reconciler.Reconfigure(c)));
    return new Services.Reconciliation(actor, status, new SeenDeliveries(store, jdbc, Clock.systemUTC()));
  }

  /** Once the intake listens, the handler path's spool is sent through it (at start and on a timer). */
  private static void startSpoolDrainer(Services services, ServerBinding binding) {
    HlsConfig.Spool spool = services.reloader().current().spool();
    services.system().systemActorOf(
        SpoolDrainer.create(services.spoolDir(), spool.drainInterval(), services.jdbc(),
            new LoopbackIntake(binding.localAddress(), services.reloader()::current), services.metrics()::spoolDrained),
        "spool-drainer", Props.empty());
  }

  /**
   * The merged HOCON with pekko's HTTP limits raised to the configured payload cap, and the phase that
   * drains the pipeline (before-service-unbind, see {@link ShutdownOrder}) long enough for its deadline.
   */
  private static Config actorConfig(ConfigLoader.Loaded loaded) {
    long cap = loaded.hls().server().maxPayloadBytes();
    long stopMillis = loaded.hls().workers().shutdownDeadline().plusSeconds(10).toMillis();
    return ConfigFactory.parseMap(Map.of(
            "pekko.http.server.parsing.max-content-length", String.valueOf(cap),
            "pekko.coordinated-shutdown.phases.before-service-unbind.timeout", stopMillis + "ms",
            "pekko.coordinated-shutdown.phases.service-requests-done.timeout",
            ShutdownOrder.REQUESTS_DEADLINE.plusSeconds(2).toMillis() + "ms"))
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

  /** The group-commit writer (its counters show batching). */
  public IntakeWriter intake() {
    return intake;
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
