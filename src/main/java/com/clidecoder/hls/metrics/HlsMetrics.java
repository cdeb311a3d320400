package com.clidecoder.hls.metrics;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.spool.SpoolFigures;
import com.clidecoder.hls.store.QueueStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The service's Prometheus metrics, one registry per running service. Intake, pipeline, analyst and
 * actuator report through the methods here; queue depth and the oldest pending age are read from the
 * database at scrape time ({@link #scrape(QueueStats)}), so they are true even after a restart.
 *
 * <p>Families (Prometheus names): {@code hls_intake_total{event_type,outcome}} (event types GitHub
 * documents, anything else {@code other}; only requests that passed the signature check),
 * {@code hls_intake_rejected_total{reason}} (every refusal, no event label), {@code hls_build_info{version}},
 * {@code hls_analysis_paused{reason}}, {@code hls_budget_spent_usd}, {@code hls_budget_remaining_usd},
 * {@code hls_database_size_bytes}, {@code hls_retention_last_run_timestamp_seconds},
 * {@code hls_retention_last_run_deleted},
 * {@code hls_events_processed_seconds{event_type,outcome}} (histogram),
 * {@code hls_claude_calls_total{outcome}}, {@code hls_claude_tokens_total{direction}},
 * {@code hls_claude_cost_usd_total}, {@code hls_github_actions_total{kind,outcome}},
 * {@code hls_retries_total}, {@code hls_queue_depth{status}}, {@code hls_queue_oldest_pending_age_seconds},
 * {@code hls_spool_depth}, {@code hls_spool_oldest_age_seconds}, {@code hls_spool_rejected} (read from the
 * spool folder at scrape time), {@code hls_spool_drained_total},
 * {@code hls_reconcile_runs_total}, {@code hls_reconcile_gaps_total}, {@code hls_reconcile_redeliveries_total{result}}
 * ({@code asked} or {@code failed}), {@code hls_reconcile_hook_problems} (hooks the last pass could not read),
 * and Micrometer's JVM and process families ({@code jvm_*}, {@code process_*}, {@code system_*}).
 */
public final class HlsMetrics implements AutoCloseable {
  /** Processing takes from milliseconds (skipped events) to minutes (a slow model plus GitHub pauses). */
  private static final Duration[] PROCESSING_BUCKETS = {
    Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(2),
    Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
    Duration.ofMinutes(2), Duration.ofMinutes(5)
  };

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  /** Last figures read from the database; written just before each scrape, read by the gauges in it. */
  private final Map<String, Double> queueDepth = new ConcurrentHashMap<>();
  private volatile double oldestPendingAgeSeconds;
  private final Map<String, Map<String, Counter>> intakeCounters = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
  /** Figures of the service read just before each scrape (see {@link #scrape(QueueStats, Figures)}). */
  private volatile Figures figures = Figures.NONE;
  private final Counter retries;
  private final Counter inputTokens;
  private final Counter outputTokens;
  private final Counter cost;

  // The handler path's spool: figures read from its folder at scrape time (see spool(...)).
  private volatile Supplier<SpoolFigures> spoolSource;
  private volatile SpoolFigures spool;
  private final Counter spoolDrained;

  /** For tests: the build reported as {@code unknown}. */
  public HlsMetrics() {
    this("unknown");
  }

  /** @param version the running build, {@code hls_build_info{version}} (app.Version.current()) */
  public HlsMetrics(String version) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    ProcessMetrics.bindTo(registry);
    Gauge.builder("hls.build.info", () -> 1).description("The running build").tag("version", version)
        .register(registry);
    for (String reason : PauseReasons.ALL) {
      Gauge.builder("hls.analysis.paused", this, m -> m.figures.pausedClass().filter(reason::equals).isPresent() ? 1 : 0)
          .description("1 while analysis is paused for this class of reason").tag("reason", reason).register(registry);
    }
    Gauge.builder("hls.budget.spent", this, m -> m.figures.spentTodayUsd()).baseUnit("usd")
        .description("Claude spend of the current UTC day").register(registry);
    Gauge.builder("hls.budget.remaining", this, m -> Math.max(0, m.figures.dailyBudgetUsd() - m.figures.spentTodayUsd()))
        .baseUnit("usd").description("Daily budget left today").register(registry);
    Gauge.builder("hls.database.size", this, m -> m.figures.databaseBytes()).baseUnit("bytes")
        .description("Database file plus its WAL").register(registry);
    Gauge.builder("hls.retention.last.run.timestamp", this,
            m -> m.figures.lastRetention().map(r -> r.at().toEpochMilli() / 1000.0).orElse(0.0))
        .baseUnit("seconds").description("When retention last ran (0: never)").register(registry);
    Gauge.builder("hls.retention.last.run.deleted", this,
            m -> m.figures.lastRetention().map(r -> (double) r.deleted()).orElse(0.0))
        .description("Events the last retention run deleted").register(registry);
    for (EventStatus s : EventStatus.values()) {
      queueDepth.put(s.code, 0.0);
      Gauge.builder("hls.queue.depth", queueDepth, m -> m.getOrDefault(s.code, 0.0))
          .description("Stored events by status")
          .tag("status", s.code)
          .register(registry);
    }
    Gauge.builder("hls.queue.oldest.pending.age", this, m -> m.oldestPendingAgeSeconds)
        .description("Age of the oldest pending or retry event; 0 when none waits")
        .baseUnit("seconds")
        .register(registry);
    retries = Counter.builder("hls.retries").description("Failed attempts scheduled for a retry").register(registry);
    inputTokens = tokens("input");
    outputTokens = tokens("output");
    cost = Counter.builder("hls.claude.cost").baseUnit("usd").description("Claude spend").register(registry);
    spoolDrained = Counter.builder("hls.spool.drained").description("Spool entries the service sent and the intake took")
        .register(registry);
  }

  /**
   * Reports the spool as {@code hls_spool_depth}, {@code hls_spool_oldest_age_seconds} and
   * {@code hls_spool_rejected}; {@code figures} lists the folder, so it is called once per scrape, on
   * the scrape's (JDBC executor) thread.
   */
  public void spool(Supplier<SpoolFigures> figures) {
    spoolSource = figures;
    Gauge.builder("hls.spool.depth", this, m -> m.spool == null ? 0 : m.spool.depth())
        .description("Spool entries waiting to be sent").register(registry);
    Gauge.builder("hls.spool.oldest.age", this, m -> m.spool == null ? 0 : m.spool.oldestAgeSeconds())
        .description("Age of the oldest waiting spool entry; 0 when none waits").baseUnit("seconds").register(registry);
    Gauge.builder("hls.spool.rejected", this, m -> m.spool == null ? 0 : m.spool.rejected())
        .description("Spool entries kept in rejected/ for a person").register(registry);
  }

  /** A spool entry the intake took (queued, duplicate or ignored) and that was deleted. */
  public void spoolDrained() {
    spoolDrained.increment();
  }

  /**
   * A webhook delivery answered by the intake; outcome is queued, duplicate, ignored, rejected or
   * unavailable. An event type GitHub does not document is counted as {@code other}, so a sender cannot
   * grow the registry with made-up names.
   */
  public void intake(String eventType, String outcome) {
    String label = KNOWN_EVENT_TYPES.contains(eventType) ? eventType : "other";
    // Called for every delivery: the counter is looked up once per (type, outcome) instead of built and
    // registered (tags sorted, an id hashed) on each call.
    intakeCounters.computeIfAbsent(label, t -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, o -> Counter.builder("hls.intake")
            .description("Webhook deliveries by event type and outcome")
            .tags("event_type", label, "outcome", o)
            .register(registry))
        .increment();
  }

  /** A refused delivery (4xx or 503) by the intake's reason class, a small fixed set. */
  public void rejected(String reason) {
    rejections.computeIfAbsent(reason, r -> Counter.builder("hls.intake.rejected")
            .description("Refused webhook deliveries by reason").tag("reason", r).register(registry))
        .increment();
  }

  /** One event finished (completed, skipped, failed, retry) after {@code took}. */
  public void processed(String eventType, String outcome, Duration took) {
    Timer.builder("hls.events.processed")
        .description("Time from claim to outcome of one event")
        .tags("event_type", eventType, "outcome", outcome)
        .serviceLevelObjectives(PROCESSING_BUCKETS)
        .register(registry)
        .record(took);
  }

  public void claudeCall(String outcome) {
    Counter.builder("hls.claude.calls").description("Messages API calls by outcome").tag("outcome", outcome)
        .register(registry).increment();
  }

  public void claudeTokens(long input, long output) {
    inputTokens.increment(input);
    outputTokens.increment(output);
  }

  public void claudeCost(double usd) {
    cost.increment(usd);
  }

  public void githubAction(String kind, String outcome) {
    Counter.builder("hls.github.actions").description("GitHub actions by kind and outcome")
        .tags("kind", kind, "outcome", outcome).register(registry).increment();
  }

  /** Claude's answer compared with the embedded classifier's prediction for the same issue. */
  public void triageAgreement(boolean agrees) {
    Counter.builder("hls.triage.comparisons").description("Claude's labels against the embedded classifier's type")
        .tag("result", agrees ? "agree" : "disagree").register(registry).increment();
  }

  public void retry() {
    retries.increment();
  }

  private volatile int reconcileHookProblems;

  /** A reconcile pass that ran (timer or CLI): what it found and asked. */
  public void reconciled(int gapsFound, long asked, long failed, int hookProblems) {
    Counter.builder("hls.reconcile.runs").description("Reconcile passes over the hooks' deliveries").register(registry).increment();
    Counter.builder("hls.reconcile.gaps").description("Failed deliveries of handled events HLS never saw, as found by a pass")
        .register(registry).increment(gapsFound);
    Counter.builder("hls.reconcile.redeliveries").description("Redeliveries asked of GitHub, by result")
        .tag("result", "asked").register(registry).increment(asked);
    Counter.builder("hls.reconcile.redeliveries").description("Redeliveries asked of GitHub, by result")
        .tag("result", "failed").register(registry).increment(failed);
    reconcileHookProblems = hookProblems;
    // Registering again returns the registered gauge (Micrometer keys meters by name and tags).
    Gauge.builder("hls.reconcile.hook.problems", this, m -> m.reconcileHookProblems)
        .description("Hooks the last reconcile pass could not read (403/404: see /health)").register(registry);
  }

  /**
   * The Prometheus text exposition with the queue gauges set from {@code queue}. The caller reads
   * {@code queue} from the database off the default dispatcher and calls this on the same thread.
   */
  public synchronized String scrape(QueueStats queue) {
    return scrape(queue, figures);
  }

  /** As {@link #scrape(QueueStats)}, with the service's pause, budget, file and retention figures. */
  public synchronized String scrape(QueueStats queue, Figures current) {
    figures = current;
    queue.byStatus().forEach((status, n) -> queueDepth.put(status, n.doubleValue()));
    oldestPendingAgeSeconds = queue.oldestPendingAgeSeconds().map(Long::doubleValue).orElse(0.0);
    Supplier<SpoolFigures> source = spoolSource;
    if (source != null) spool = source.get();
    return registry.scrape();
  }

  /**
   * What the gauges beyond the queue show, read by the caller for one scrape.
   *
   * @param pausedBecause the pipeline's pause reason (free text; only its class is exposed)
   */
  public record Figures(Optional<String> pausedBecause, double spentTodayUsd, double dailyBudgetUsd,
      long databaseBytes, Optional<LastRetention> lastRetention) {
    static final Figures NONE = new Figures(Optional.empty(), 0, 0, 0, Optional.empty());

    Optional<String> pausedClass() {
      return PauseReasons.classOf(pausedBecause);
    }
  }

  /** The last retention run: when, and how many events it deleted. */
  public record LastRetention(Instant at, long deleted) {}

  /**
   * Event types GitHub documents (docs.github.com, "Webhook events and payloads"): the only values of the
   * event_type label. HLS handles a few; the rest are counted by name because a hook may send them.
   */
  static final Set<String> KNOWN_EVENT_TYPES = Set.of(
      "branch_protection_rule", "check_run", "check_suite", "code_scanning_alert", "commit_comment", "create",
      "delete", "dependabot_alert", "deploy_key", "deployment", "deployment_status", "discussion",
      "discussion_comment", "fork", "gollum", "installation", "installation_repositories", "issue_comment",
      "issues", "label", "member", "membership", "merge_group", "meta", "milestone", "organization", "package",
      "page_build", "ping", "project", "projects_v2_item", "public", "pull_request", "pull_request_review",
      "pull_request_review_comment", "pull_request_review_thread", "push", "registry_package", "release",
      "repository", "repository_dispatch", "secret_scanning_alert", "security_advisory", "sponsorship", "star",
      "status", "team", "team_add", "watch", "workflow_dispatch", "workflow_job", "workflow_run");

  /** Content type of {@link #scrape}: the Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private Counter tokens(String direction) {
    return Counter.builder("hls.claude.tokens").description("Claude tokens by direction")
        .tag("direction", direction).register(registry);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
