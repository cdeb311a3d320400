package com.clidecoder.hls.app;

import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.claude.ClaudeAnalyst;
import com.clidecoder.hls.claude.RuleBasedAnalyst;
import com.clidecoder.hls.triage.TriageModels;
import com.clidecoder.hls.github.GitHubActuator;
import com.clidecoder.hls.pipeline.Pipeline;
import com.clidecoder.hls.pipeline.QueueSupervisor;
import com.clidecoder.hls.store.ActionStore;
import com.clidecoder.hls.store.AnalysisStore;
import com.clidecoder.hls.spool.LoopbackIntake;
import com.clidecoder.hls.spool.SpoolDrainer;
import com.clidecoder.hls.spool.SpoolLocation;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.metrics.HlsMetrics;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.IntakeWriter;
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
    EventStore events = new EventStore(db);
    IntakeWriter intake = IntakeWriter.start(events, jdbc, config.database().maxBatch(),
        config.database().intakeBuffer(), java.time.Clock.systemUTC(), system);
    StatsStore stats = new StatsStore(db);
    HlsMetrics metrics = new HlsMetrics();
    ConfigReloader reloader = new ConfigReloader(loaded, env);
    ActorRef<QueueSupervisor.Command> supervisor =
        startPipeline(config, system, db, events, stats, jdbc, reloader, metrics);
    reloader.addListener(c -> LogSetup.level(c.logging()));
    Services services = new Services(db, events, stats, intake, jdbc, system, supervisor, reloader, metrics,
        SpoolLocation.resolve(config.spool().dir(), env));
    metrics.spool(services::spoolFigures);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    // After HTTP stopped taking requests (service-unbind, service-requests-done), commit what is queued,
    // and let in-flight events finish until the deadline; the rest returns to the queue.
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "drain-intake", intake::drain);
    Duration deadline = config.workers().shutdownDeadline();
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "drain-pipeline", () ->
        AskPattern.<QueueSupervisor.Command, Done>ask(supervisor, r -> new QueueSupervisor.Drain(deadline, r),
            deadline.plusSeconds(5), system.scheduler()));
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
          startSpoolDrainer(services, b);
          log.info("event=started address={} database={} analyst={} github={}",
              b.localAddress(), db.path(), config.claude().offline() ? AnalysisRecord.OFFLINE : AnalysisRecord.ANTHROPIC,
              config.github().effectiveDryRun() ? "dry-run" : "live");
          return new HlsApp(config, system, b, intake, reloader, metrics);
        })
        .whenComplete((app, err) -> {
          if (err != null) system.terminate();
        });
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

  /** Once the intake listens, the handler path's spool is sent through it (at start and on a timer). */
  private static void startSpoolDrainer(Services services, ServerBinding binding) {
    HlsConfig.Spool spool = services.reloader().current().spool();
    services.system().systemActorOf(
        SpoolDrainer.create(services.spoolDir(), spool.drainInterval(), services.jdbc(),
            new LoopbackIntake(binding.localAddress(), services.reloader()::current), services.metrics()::spoolDrained),
        "spool-drainer", Props.empty());
  }

  /**
   * The merged HOCON with pekko's HTTP limits raised to the configured payload cap, and the
   * service-stop phase long enough for the pipeline's drain deadline.
   */
  private static Config actorConfig(ConfigLoader.Loaded loaded) {
    long cap = loaded.hls().server().maxPayloadBytes();
    long stopMillis = loaded.hls().workers().shutdownDeadline().plusSeconds(10).toMillis();
    return ConfigFactory.parseMap(Map.of(
            "pekko.http.server.parsing.max-content-length", String.valueOf(cap),
            "pekko.coordinated-shutdown.phases.service-stop.timeout", stopMillis + "ms"))
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
