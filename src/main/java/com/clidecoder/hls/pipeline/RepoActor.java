package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.claude.ClaudeAnalyst;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.domain.AnalysisRequest;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.domain.TriageHint;
import com.fasterxml.jackson.databind.JsonNode;
import com.clidecoder.hls.github.GitHubActuator;
import com.clidecoder.hls.store.ActionStore.ActionRow;
import com.clidecoder.hls.store.AnalysisStore.StoredAnalysis;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Works through one repository's events, one at a time, in the order the supervisor hands them over:
 * decide, prepare, analyse once the supervisor grants an analysis slot (or reuse a stored analysis),
 * persist, then perform each action through the actuator, recording each before and after so a retry
 * or a restart never acts twice.
 */
public final class RepoActor {

  public sealed interface Command {}

  /** Handle this claimed event; the supervisor sends one at a time. */
  public record Process(QueuedEvent event, HlsConfig config) implements Command {}

  /** The supervisor's answers to {@link QueueSupervisor.SlotWanted}. */
  record SlotGranted() implements Command {}

  /** No slot (analysis paused, draining, switched off): the event goes back to the queue untouched. */
  record SlotRefused() implements Command {}

  private record Stored(Throwable failure) implements Command {}

  private record Loaded(Optional<StoredAnalysis> analysis, Throwable failure) implements Command {}

  private record GotDiff(GitHubActuator.DiffResult result) implements Command {}

  private record Hinted(Optional<TriageHint> hint, Throwable failure) implements Command {}

  private record FromAnalyst(ClaudeAnalyst.Reply reply) implements Command {}

  private record AnalysisSaved(AnalysisRecord record, Throwable failure) implements Command {}

  private record IdleTimeout() implements Command {}

  // The action phase (see Actions)
  /** before = the action's row before this attempt; threadComment = the comment HLS keeps on a COMMENT's thread. */
  record ActionPlanned(Optional<ActionRow> before, Optional<String> threadComment, Throwable failure)
      implements Command {}

  record ActionPerformed(GitHubActuator.Outcome outcome) implements Command {}

  record ActionRecorded(Throwable failure) implements Command {}

  private static final Object IDLE = "idle";

  private final String repository;
  private final ActorRef<QueueSupervisor.Command> supervisor;
  private final Pipeline pipeline;
  private final Duration idleTimeout;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClaudeAnalyst.Reply> analystReplies;

  public static Behavior<Command> create(
      String repository, ActorRef<QueueSupervisor.Command> supervisor, Pipeline pipeline, Duration idleTimeout) {
    // An unexpected exception restarts the actor; PreRestart reports the event so it is retried durably.
    return Behaviors.<Command>supervise(Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new RepoActor(repository, supervisor, pipeline, idleTimeout, ctx, timers).idle())))
        .onFailure(SupervisorStrategy.restart());
  }

  private RepoActor(String repository, ActorRef<QueueSupervisor.Command> supervisor, Pipeline pipeline,
      Duration idleTimeout, ActorContext<Command> ctx, TimerScheduler<Command> timers) {
    this.repository = repository;
    this.supervisor = supervisor;
    this.pipeline = pipeline;
    this.idleTimeout = idleTimeout;
    this.ctx = ctx;
    this.timers = timers;
    this.analystReplies = ctx.messageAdapter(ClaudeAnalyst.Reply.class, FromAnalyst::new);
  }

  private Behavior<Command> idle() {
    timers.startSingleTimer(IDLE, new IdleTimeout(), idleTimeout);
    return Behaviors.receive(Command.class)
        .onMessage(Process.class, this::onProcess)
        .onMessage(IdleTimeout.class, m -> {
          supervisor.tell(new QueueSupervisor.RepoIdle(repository));
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onProcess(Process m) {
    timers.cancel(IDLE);
    Job job = new Job(m.event(), m.config(), now());
    EventPlan plan = EventPlanner.plan(m.event(), m.config());
    if (plan instanceof EventPlan.Skip skip) {
      ctx.getLog().info("event=skipped id={} repo={} reason=\"{}\"", job.event().id(), repository, skip.reason());
      return store(job, "skipped", () -> pipeline.events().markSkipped(job.event().id(), skip.reason(), now()));
    }
    EventPlan.Analyse analyse = (EventPlan.Analyse) plan;
    ctx.pipeToSelf(
        CompletableFuture.supplyAsync(() -> pipeline.analyses().latestFor(job.event().id()), pipeline.jdbc()),
        Loaded::new);
    return busy(job, receive(job).onMessage(Loaded.class, l -> onLoaded(job, analyse, l)));
  }

  private Behavior<Command> onLoaded(Job job, EventPlan.Analyse plan, Loaded l) {
    if (l.failure() != null) return abort(job, "cannot read analyses: " + l.failure().getMessage());
    if (l.analysis().isPresent()) {
      // A retry after the actions failed: the analysis is paid for already.
      supervisor.tell(new QueueSupervisor.AnalysisFinished(repository));
      return Actions.start(this, job, plan, l.analysis().get().record().analysis());
    }
    if (plan.pullRequest() > 0 && !job.config().github().effectiveDryRun()) {
      pipeline.actuator().tell(new GitHubActuator.FetchDiff(repository, plan.pullRequest(),
          ctx.messageAdapter(GitHubActuator.DiffResult.class, GotDiff::new)));
      return busy(job, receive(job).onMessage(GotDiff.class, d -> {
        d.result().error().ifPresent(e -> ctx.getLog().info("event=diff-unavailable id={} error=\"{}\"", job.event().id(), e));
        return analyse(job, plan, d.result().diff());
      }));
    }
    return analyse(job, plan, Optional.empty());
  }

  /** Issues get the embedded classifier's prediction first (a model file may be read: off this thread). */
  private Behavior<Command> analyse(Job job, EventPlan.Analyse plan, Optional<String> diff) {
    if (!job.event().eventType().equals("issues")) return ask(job, plan, diff, Optional.empty());
    JsonNode issue = plan.payload().path("issue");
    pipe(() -> Optional.of(pipeline.triage().predict(repository, issue.path("title").asText(""),
        issue.path("body").asText(""))), Hinted::new);
    return busy(job, receive(job).onMessage(Hinted.class, h -> {
      if (h.failure() != null) {
        ctx.getLog().warn("event=triage-unavailable id={} error=\"{}\"", job.event().id(), h.failure().getMessage());
      }
      return ask(job, plan, diff, h.failure() == null ? h.hint() : Optional.empty());
    }));
  }

  private Behavior<Command> ask(Job job, EventPlan.Analyse plan, Optional<String> diff, Optional<TriageHint> hint) {
    QueuedEvent e = job.event();
    AnalysisRequest request = new AnalysisRequest(e.id(), e.deliveryId(), e.eventType(), e.action(), e.repository(),
        plan.payload(), diff, hint);
    supervisor.tell(new QueueSupervisor.SlotWanted(repository));
    return busy(job, receive(job)
        .onMessage(SlotGranted.class, g -> {
          pipeline.analyst().tell(new ClaudeAnalyst.Analyse(request, analystReplies));
          return busy(job, receive(job).onMessage(FromAnalyst.class, r -> onAnalyst(job, plan, hint, r.reply())));
        })
        .onMessage(SlotRefused.class, r -> {
          ctx.getLog().info("event=returned id={} repo={} reason=\"analysis paused or stopping\"", e.id(), repository);
          return store(job, "returned", () -> pipeline.events().release(e.id(), now()));
        }));
  }

  private Behavior<Command> onAnalyst(Job job, EventPlan.Analyse plan, Optional<TriageHint> hint,
      ClaudeAnalyst.Reply reply) {
    if (reply instanceof ClaudeAnalyst.Failed f) {
      Behavior<Command> next = Failures.analysis(this, job, f); // tells a pause before the slot is freed
      supervisor.tell(new QueueSupervisor.AnalysisFinished(repository));
      return next;
    }
    // The slot is free as soon as the answer is here: storing it is not a Claude call.
    supervisor.tell(new QueueSupervisor.AnalysisFinished(repository));
    AnalysisRecord record = ((ClaudeAnalyst.Analysed) reply).record();
    long eventId = job.event().id();
    pipeline.metrics().claudeCall(record.byClaude() ? "ok" : AnalysisRecord.OFFLINE);
    pipeline.metrics().claudeTokens(record.inputTokens(), record.outputTokens());
    pipeline.metrics().claudeCost(record.costUsd());
    if (record.byClaude()) hint.ifPresent(h -> pipeline.metrics().triageAgreement(h.agreesWith(record.analysis())));
    ctx.getLog().info("event=analysed id={} repo={} provider={} labels={} cost_usd={}", eventId, repository,
        record.provider(), record.analysis().labels(), String.format("%.5f", record.costUsd()));
    ctx.pipeToSelf(
        CompletableFuture.supplyAsync(() -> pipeline.analyses().insert(eventId, record, hint, now()), pipeline.jdbc()),
        (id, err) -> new AnalysisSaved(record, err));
    return busy(job, receive(job).onMessage(AnalysisSaved.class, s -> {
      if (s.failure() != null) return abort(job, "cannot store the analysis: " + s.failure().getMessage());
      return Actions.start(this, job, plan, s.record().analysis());
    }));
  }

  // ---- shared steps, used by Actions and Failures ----

  /** Runs the store update that ends this attempt ({@code outcome} names it for metrics), then reports it finished. */
  Behavior<Command> store(Job job, String outcome, Runnable update) {
    ctx.pipeToSelf(CompletableFuture.runAsync(update, pipeline.jdbc()), (ok, err) -> new Stored(err));
    return busy(job, receive(job).onMessage(Stored.class, s -> {
      if (s.failure() != null) return abort(job, "cannot record the outcome: " + s.failure().getMessage());
      pipeline.metrics().processed(job.event().eventType(), outcome, Duration.between(job.started(), now()));
      supervisor.tell(new QueueSupervisor.EventFinished(repository, job.event().id()));
      return idle();
    }));
  }

  /** Hands the event back to the supervisor, which counts it as a failed attempt. */
  Behavior<Command> abort(Job job, String reason) {
    supervisor.tell(new QueueSupervisor.EventAborted(repository, job.event(), reason));
    return idle();
  }

  void pauseAnalysis(String reason, Duration duration) {
    supervisor.tell(new QueueSupervisor.PauseAnalysis(reason, duration));
  }

  /** Messages every busy state handles: a restart in the middle of an event reports it. */
  BehaviorBuilder<Command> receive(Job job) {
    return Behaviors.receive(Command.class)
        .onSignal(PreRestart.class, sig -> {
          supervisor.tell(new QueueSupervisor.EventAborted(repository, job.event(), "repository actor restarted"));
          return Behaviors.same();
        });
  }

  Behavior<Command> busy(Job job, BehaviorBuilder<Command> builder) {
    return builder.build();
  }

  java.time.Instant now() {
    return pipeline.clock().instant();
  }

  Pipeline pipeline() {
    return pipeline;
  }

  ActorContext<Command> ctx() {
    return ctx;
  }

  String repository() {
    return repository;
  }

  <T> void pipe(Supplier<T> blocking, java.util.function.BiFunction<T, Throwable, Command> toMessage) {
    ctx.pipeToSelf(CompletableFuture.supplyAsync(blocking, pipeline.jdbc()), toMessage::apply);
  }

  /** The event being worked on and the config it is worked with. */
  record Job(QueuedEvent event, HlsConfig config, java.time.Instant started) {}
}
