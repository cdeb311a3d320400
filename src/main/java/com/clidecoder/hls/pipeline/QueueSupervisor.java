package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.github.GitHubActuator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Claims due events from the store and hands each to the {@link RepoActor} of its repository, one
 * event per repository at a time, and grants the {@code max-concurrent-analyses} slots that bound the
 * analyst calls in flight. Claims ahead: up to the cap again of events are claimed and prepared before
 * a slot is free, so a freed slot is refilled with a message rather than a claim transaction. Woken by
 * the intake as events arrive; a poll timer is only the fallback. Pauses claiming (and returns the
 * events claimed ahead) while the daily budget is spent, the analyst reports a bad key, a spend limit or
 * an Anthropic outage, or (in live mode) the actuator reports GitHub refusing the token ({@link Pauses}).
 */
public final class QueueSupervisor extends AbstractBehavior<QueueSupervisor.Command> {

  public sealed interface Command {}

  /** New events were committed: claim now rather than at the next poll. */
  public record Wake() implements Command {}

  public record Reconfigure(HlsConfig config) implements Command {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** Stop claiming, let in-flight events finish until the deadline, then return the rest to the queue. */
  public record Drain(Duration deadline, ActorRef<Done> replyTo) implements Command {}

  /**
   * What {@code /health} shows of the pipeline: events claimed and not finished ({@code inFlight}: some
   * claimed ahead, some waiting for GitHub), of which {@code analysing} hold one of the
   * {@code maxConcurrentAnalyses} slots (an analyst call under way) and {@code waitingForSlot} have their
   * request ready and wait for one. {@code githubAuth}: the identity in use and whether it could get a token.
   */
  public record Status(Optional<String> pausedBecause, int inFlight, int analysing, int maxConcurrentAnalyses,
      int repositoryActors, int waitingForSlot, Optional<Instant> analysisPausedSince, String github,
      Optional<Instant> githubPausedSince, Optional<Instant> githubTokenExpiresAt, String githubAuth) {
    public String analysis() {
      return pausedBecause.map(r -> "paused: " + r).orElse("running");
    }
  }

  // From RepoActor
  record EventFinished(String repository, long eventId) implements Command {}

  /** The event is ready for the analyst: grant a slot when one is free (or refuse: paused, draining). */
  record SlotWanted(String repository) implements Command {}

  /**
   * The analyst answered (or a stored analysis is reused): the slot is free. What is left is storing
   * the analysis and the GitHub actions, paced by the write lane; the repository stays busy until then.
   */
  record AnalysisFinished(String repository) implements Command {}

  /** The repository actor failed unexpectedly with this event: count it as a failed attempt. */
  record EventAborted(String repository, QueuedEvent event, String reason) implements Command {}

  record PauseAnalysis(String reason, Duration duration) implements Command {}

  record RepoIdle(String repository) implements Command {}

  private record RepoStopped(String repository) implements Command {}

  private record Tick() implements Command {}

  private record GitHubAccessChanged(GitHubActuator.Access access) implements Command {}

  private record Recovered(int released, Throwable failure) implements Command {}

  private record Claimed(QueueWork.Claim result, Throwable failure) implements Command {}

  private record DrainDeadline() implements Command {}

  private record Released(Throwable failure) implements Command {}

  private record AbortRecorded(EventAborted aborted, Throwable failure) implements Command {}

  private static final int MAX_WAITING_FACTOR = 4;
  /** Events claimed ahead of a free slot, as a multiple of the cap: enough to refill every slot once. */
  private static final int CLAIM_AHEAD_FACTOR = 1;
  private static final Object POLL = "poll";
  private static final Object DUE = "due";
  private static final Object RESUME = "resume";

  private final Pipeline pipeline;
  private final TimerScheduler<Command> timers;
  private final QueueWork work;
  private final Map<String, ActorRef<RepoActor.Command>> repos = new HashMap<>();
  private final Map<String, QueuedEvent> inFlight = new HashMap<>();
  /**
   * The repositories of inFlight whose event has no answer from the analyst yet (being prepared,
   * waiting for a slot, or being analysed): bounds the claiming ahead. An event whose analysis is done
   * waits for GitHub's serial write lane without holding a slot, so Claude is kept busy meanwhile
   * (docs/benchmarks.md); the repository stays busy until the event is finished, which keeps its order.
   */
  private final java.util.Set<String> analysing = new java.util.HashSet<>();
  /** The analyst calls in flight: max-concurrent-analyses caps these exactly. */
  private final AnalysisSlots slots = new AnalysisSlots();
  /** Aborted events whose failed attempt could not be recorded yet, by repository (still busy). */
  private final Map<String, EventAborted> unrecorded = new HashMap<>();
  private HlsConfig config;
  private boolean recovered;
  private boolean recovering;
  private boolean claiming;
  private boolean claimAgain;
  private final Pauses pauses = new Pauses();
  private ActorRef<Done> drainedReplyTo;
  private boolean drainReplied;

  public static Behavior<Command> create(HlsConfig config, Pipeline pipeline) {
    return Behaviors.<Command>supervise(
            Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new QueueSupervisor(ctx, timers, config, pipeline))))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2));
  }

  private QueueSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers, HlsConfig config,
      Pipeline pipeline) {
    super(ctx);
    this.timers = timers;
    this.config = config;
    this.pipeline = pipeline;
    this.work = new QueueWork(pipeline, "hls-" + UUID.randomUUID());
    timers.startTimerWithFixedDelay(POLL, new Tick(), config.workers().pollInterval());
    pipeline.actuator().tell(new GitHubActuator.WatchAccess(
        ctx.messageAdapter(GitHubActuator.Access.class, GitHubAccessChanged::new)));
    recover();
  }

  private void recover() {
    recovering = true;
    getContext().pipeToSelf(work.recoverLeases(), Recovered::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Recovered.class, this::onRecovered)
        .onMessage(Wake.class, m -> claim())
        .onMessage(Tick.class, m -> onTick())
        .onMessage(Claimed.class, this::onClaimed)
        .onMessage(EventFinished.class, this::onFinished)
        .onMessage(SlotWanted.class, this::onSlotWanted)
        .onMessage(AnalysisFinished.class, this::onAnalysisFinished)
        .onMessage(EventAborted.class, this::onAborted)
        .onMessage(AbortRecorded.class, this::onAbortRecorded)
        .onMessage(PauseAnalysis.class, this::onPause)
        .onMessage(GitHubAccessChanged.class, this::onGitHubAccess)
        .onMessage(RepoIdle.class, this::onRepoIdle)
        .onMessage(RepoStopped.class, m -> {
          repos.remove(m.repository());
          return this;
        })
        .onMessage(Reconfigure.class, this::onReconfigure)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(DrainDeadline.class, m -> releaseInFlight())
        .onMessage(Released.class, this::onReleased)
        .build();
  }

  private Behavior<Command> onRecovered(Recovered m) {
    recovering = false;
    if (m.failure() != null) {
      getContext().getLog().warn("event=recover-failed error={}", m.failure().getMessage());
    } else {
      recovered = true;
      if (m.released() > 0) getContext().getLog().info("event=recovered released={}", m.released());
    }
    return claim();
  }

  private Behavior<Command> claim() {
    if (!recovered) {
      if (!recovering) recover();
      return this;
    }
    if (drainedReplyTo != null || !config.workers().enabled()) return this;
    Instant now = pipeline.clock().instant();
    if (pauses.analysisHolds(now) || pauses.githubHolds(config.github().effectiveDryRun())) return this;
    int max = config.workers().maxConcurrentAnalyses();
    // Up to max analysed and max claimed ahead; events past their analysis still hold their payloads,
    // so at most MAX_WAITING_FACTOR x max in all.
    int capacity = Math.min((1 + CLAIM_AHEAD_FACTOR) * max - analysing.size(),
        MAX_WAITING_FACTOR * max - inFlight.size());
    if (capacity <= 0) return this;
    if (claiming) {
      claimAgain = true;
      return this;
    }
    claiming = true;
    claimAgain = false;
    Instant lease = now.plus(config.workers().leaseTimeout());
    getContext().pipeToSelf(
        work.claim(capacity, Set.copyOf(inFlight.keySet()), now, lease, config.claude()), Claimed::new);
    return this;
  }

  private Behavior<Command> onClaimed(Claimed m) {
    claiming = false;
    if (m.failure() != null) {
      getContext().getLog().warn("event=claim-failed error={}", m.failure().getMessage());
      return this; // the poll timer tries again
    }
    QueueWork.Claim r = m.result();
    if (r.budgetPause().isPresent()) {
      return pause(r.budgetPause().get(), Duration.between(pipeline.clock().instant(), r.budgetResumes().get()));
    }
    for (QueuedEvent event : r.events()) {
      inFlight.put(event.repository(), event);
      analysing.add(event.repository());
      // The App's learned bot login reaches the planner, so events HLS caused itself are skipped.
      repoActor(event.repository()).tell(new RepoActor.Process(event, config.withBotLogin(pauses.github().botLogin())));
    }
    r.nextDue().ifPresent(this::wakeAt);
    if (r.events().isEmpty() && inFlight.isEmpty()) resumed(); // past the probe time, nothing to probe with
    // A full batch means more may be waiting; a wake during the claim may have brought more.
    if (claimAgain || (!r.events().isEmpty() && r.events().size() == r.requested())) return claim();
    return this;
  }

  /** Sleeps until the next retry is due when that is sooner than the poll. */
  private void wakeAt(Instant due) {
    Duration wait = Duration.between(pipeline.clock().instant(), due);
    if (wait.isNegative() || wait.isZero() || wait.compareTo(config.workers().pollInterval()) >= 0) return;
    timers.startSingleTimer(DUE, new Tick(), wait.plusMillis(5));
  }

  private ActorRef<RepoActor.Command> repoActor(String repository) {
    return repos.computeIfAbsent(repository, repo -> {
      ActorRef<RepoActor.Command> child = getContext().spawn(
          RepoActor.create(repo, getContext().getSelf(), pipeline, config.workers().repoIdleTimeout()),
          "repo-" + URLEncoder.encode(repo, StandardCharsets.UTF_8));
      getContext().watchWith(child, new RepoStopped(repo));
      return child;
    });
  }

  private Behavior<Command> onSlotWanted(SlotWanted m) {
    ActorRef<RepoActor.Command> child = repos.get(m.repository());
    if (child == null) return this;
    if (!granting() || !inFlight.containsKey(m.repository())) { // not in flight: returned at the drain deadline
      child.tell(new RepoActor.SlotRefused());
      return this;
    }
    slots.want(m.repository(), inFlight.get(m.repository()).priority());
    grantSlots();
    return this;
  }

  /** Slots are handed out unless the pipeline drains, is switched off or analysis is paused. */
  private boolean granting() {
    boolean paused = pauses.analysisHolds(pipeline.clock().instant())
        || pauses.githubHolds(config.github().effectiveDryRun());
    return drainedReplyTo == null && config.workers().enabled() && !paused;
  }

  private void grantSlots() {
    if (!granting()) {
      // Events claimed ahead go back to the queue (due now: a pause holds the claiming, not the rows).
      slots.refuseWaiting().forEach(repo -> tellRepo(repo, new RepoActor.SlotRefused()));
      return;
    }
    slots.grant(config.workers().maxConcurrentAnalyses()).forEach(repo -> tellRepo(repo, new RepoActor.SlotGranted()));
  }

  private void tellRepo(String repository, RepoActor.Command message) {
    ActorRef<RepoActor.Command> child = repos.get(repository);
    if (child != null) child.tell(message);
  }

  private Behavior<Command> onAnalysisFinished(AnalysisFinished m) {
    resumed(); // a pause the analyst reported came before this (same sender); past the probe time it is over
    slots.release(m.repository());
    grantSlots();
    return analysing.remove(m.repository()) ? claim() : this;
  }

  private Behavior<Command> onFinished(EventFinished m) {
    forget(m.repository());
    if (drainedReplyTo != null && inFlight.isEmpty()) return drained();
    return claim();
  }

  /** The repository's event is over: it is free again, and so is its slot. */
  private void forget(String repository) {
    inFlight.remove(repository);
    analysing.remove(repository);
    slots.release(repository);
    grantSlots();
  }

  /**
   * Records the failed attempt. The repository stays busy until that record is on disk: an aborted
   * event is often one whose own outcome could not be stored (database locked, read-only, full), and
   * while its row still says 'processing' the repository's next event must not be claimed ahead of it.
   * A failed record is tried again at every poll.
   */
  private Behavior<Command> onAborted(EventAborted m) {
    QueuedEvent e = m.event();
    getContext().getLog().warn("event=aborted id={} repo={} reason={}", e.id(), e.repository(), m.reason());
    recordAbort(m);
    return this;
  }

  private void recordAbort(EventAborted m) {
    getContext().pipeToSelf(work.recordAbort(m.event(), m.reason(), pipeline.clock().instant(), config.workers()),
        (ok, err) -> new AbortRecorded(m, err));
  }

  private Behavior<Command> onAbortRecorded(AbortRecorded r) {
    if (r.failure() != null) {
      getContext().getLog().warn("event=abort-not-recorded id={} repo={} error={} (tried again at the next poll)",
          r.aborted().event().id(), r.aborted().repository(), r.failure().getMessage());
      unrecorded.put(r.aborted().repository(), r.aborted());
      return this;
    }
    unrecorded.remove(r.aborted().repository());
    forget(r.aborted().repository());
    if (drainedReplyTo != null && inFlight.isEmpty()) return drained();
    return claim();
  }

  private Behavior<Command> onTick() {
    List.copyOf(unrecorded.values()).forEach(this::recordAbort);
    unrecorded.clear();
    return claim();
  }

  private Behavior<Command> onPause(PauseAnalysis m) {
    return pause(m.reason(), m.duration());
  }

  private Behavior<Command> pause(String reason, Duration duration) {
    if (pauses.pauseAnalysis(reason, duration, pipeline.clock().instant())) {
      getContext().getLog().warn("event=analysis-paused reason=\"{}\" for={}", reason, duration);
    }
    timers.startSingleTimer(RESUME, new Tick(), duration.plusMillis(5));
    grantSlots();
    return this;
  }

  private void resumed() {
    pauses.analysisAnswered(pipeline.clock().instant()).ifPresent(was ->
        getContext().getLog().info("event=analysis-resumed was=\"{}\"", was));
  }

  /** The actuator's word on the token: a refusal holds claiming and slots, an acceptance claims again. */
  private Behavior<Command> onGitHubAccess(GitHubAccessChanged m) {
    pauses.github(m.access());
    grantSlots();
    return claim();
  }

  private Behavior<Command> onRepoIdle(RepoIdle m) {
    // Only the supervisor stops a child, and only when it has no event: no work can be sent to a dying actor.
    ActorRef<RepoActor.Command> child = repos.get(m.repository());
    if (child != null && !inFlight.containsKey(m.repository())) {
      repos.remove(m.repository());
      getContext().stop(child);
    }
    return this;
  }

  private Behavior<Command> onReconfigure(Reconfigure m) {
    config = m.config();
    // A reload may fix the key or raise the budget: try again now.
    pauses.clearAnalysis();
    timers.startTimerWithFixedDelay(POLL, new Tick(), config.workers().pollInterval());
    grantSlots();
    return claim();
  }

  private Behavior<Command> onGetStatus(GetStatus m) {
    Optional<String> paused = !config.workers().enabled()
        ? Optional.of("processing is switched off (hls.workers.enabled = false)")
        : pauses.analysisPaused();
    GitHubActuator.Access github = pauses.github();
    boolean dryRun = config.github().effectiveDryRun();
    m.replyTo().tell(new Status(paused, inFlight.size(), slots.held(), config.workers().maxConcurrentAnalyses(),
        repos.size(), slots.waiting(), paused.isPresent() ? pauses.analysisSince() : Optional.empty(),
        pauses.githubState(dryRun), dryRun ? Optional.empty() : github.pausedSince(), github.tokenExpiresAt(),
        github.auth()));
    return this;
  }

  private Behavior<Command> onDrain(Drain m) {
    drainedReplyTo = m.replyTo();
    timers.cancel(POLL);
    grantSlots(); // refuses the events claimed ahead: they return to the queue now, not at the deadline
    if (inFlight.isEmpty()) return drained();
    getContext().getLog().info("event=draining in_flight={} deadline={}", inFlight.size(), m.deadline());
    timers.startSingleTimer(new DrainDeadline(), m.deadline());
    return this;
  }

  private Behavior<Command> releaseInFlight() {
    getContext().getLog().info("event=drain-deadline returning={} to the queue", inFlight.size());
    getContext().pipeToSelf(work.release(inFlight.values(), pipeline.clock().instant()), (ok, err) -> new Released(err));
    return this;
  }

  private Behavior<Command> onReleased(Released m) {
    if (m.failure() != null) {
      getContext().getLog().warn("event=release-failed error={} (rows return at next start)", m.failure().getMessage());
    }
    inFlight.clear();
    analysing.clear();
    slots.clear();
    return drained();
  }

  private Behavior<Command> drained() {
    if (drainedReplyTo != null && !drainReplied) {
      drainReplied = true;
      drainedReplyTo.tell(Done.getInstance());
    }
    return this;
  }
}
