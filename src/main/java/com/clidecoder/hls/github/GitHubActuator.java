package com.clidecoder.hls.github;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.RepositoryRule;
import com.clidecoder.hls.domain.ActionKind;
import com.clidecoder.hls.domain.PlannedAction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on GitHub for the pipeline: every planned action goes through {@link ActionPolicy}, then through
 * one paced {@link WriteLane} per token: the personal token's, or each GitHub App installation's (each has its
 * own rate limits), created on demand. Spawn exactly one per service.
 *
 * <p>Rate limits: a 403/429 rate limit pauses every request of the token, that is of its lane only: a pause
 * of one installation never holds another's writes. A pause of at most
 * {@code maxHold} (default 60 s, GitHub's default secondary wait) <em>holds</em> the queued work and
 * sends it when the pause ends; the Perform simply answers later. A longer pause (a primary limit whose
 * reset is far off) answers {@link Failed} retryable with {@code retryAfter} to everything waiting and to
 * every Perform until it ends, without calling GitHub, so the pipeline reschedules durably. A job is held
 * at most {@value #MAX_HOLDS} times. Every Perform is answered exactly once (unless the actor itself crashes;
 * it is restarted with backoff and work it held is lost, so the pipeline's own recovery applies).
 *
 * <p>An {@link AbstractBehavior}: the lane, the label cache and the work waiting on them are mutable state
 * owned by this one actor, touched only from its messages.
 */
public final class GitHubActuator extends AbstractBehavior<GitHubActuator.Command> {
  private static final Logger log = LoggerFactory.getLogger(GitHubActuator.class);

  public sealed interface Command {}

  /**
   * One action for one event. mayHaveLanded = a previous attempt of this same action ended ambiguously
   * (timeout/crash), so for a COMMENT look for the hidden marker before posting again. A 5xx or dropped
   * connection on a comment POST may have landed too: pass true on any retry of a COMMENT (one GET).
   * threadComment = the id of the comment HLS keeps on the COMMENT's thread, when the store knows it:
   * it is edited in place; without it the thread's comments are searched for HLS's thread marker first.
   */
  public record Perform(
      long eventId,
      String deliveryId,
      PlannedAction action,
      RepositoryRule rule,
      boolean mayHaveLanded,
      Optional<String> threadComment,
      ActorRef<Outcome> replyTo,
      Optional<Long> installation)
      implements Command {
    public Perform(long eventId, String deliveryId, PlannedAction action, RepositoryRule rule,
        boolean mayHaveLanded, ActorRef<Outcome> replyTo) {
      this(eventId, deliveryId, action, rule, mayHaveLanded, Optional.empty(), replyTo);
    }

    public Perform(long eventId, String deliveryId, PlannedAction action, RepositoryRule rule,
        boolean mayHaveLanded, Optional<String> threadComment, ActorRef<Outcome> replyTo) {
      this(eventId, deliveryId, action, rule, mayHaveLanded, threadComment, replyTo, Optional.empty());
    }
  }

  /**
   * A pull request's diff for the analysis, capped at {@code diff-max-bytes}. Needs a token ("no token"
   * otherwise) and reads even in dry-run: nothing is written. Refused while the primary limit is exhausted.
   */
  public record FetchDiff(String repository, int number, ActorRef<DiffResult> replyTo) implements Command {}

  /** New settings (token, URL, dry-run, pacing); a new token or URL clears the label cache and any pause. */
  public record Reconfigure(HlsConfig.GitHub config) implements Command {}

  public sealed interface Outcome {
    long eventId();
  }

  /**
   * sent = the action as actually sent/recorded after policy (labels cut down, comment neutralised);
   * refused = what policy cut, with reasons.
   */
  public record Done(
      long eventId, PlannedAction sent, Optional<String> githubId, List<String> refused, boolean dryRun)
      implements Outcome {}

  /** Policy refused the whole action. */
  public record Refused(long eventId, String reason) implements Outcome {}

  public record Failed(long eventId, boolean retryable, String message, Optional<Duration> retryAfter)
      implements Outcome {}

  // ---- token refused (401): writes pause until GET /rate_limit passes (see TokenWatch) ----

  /** GitHub refused the token: nothing was done; the event goes back to the queue untouched. */
  public record TokenRefused(long eventId, String reason) implements Outcome {}

  /** Tell {@code replyTo} the {@link Access} now and at every change. */
  public record WatchAccess(ActorRef<Access> replyTo) implements Command {}

  /**
   * Whether writes are paused by a refused token (why, since when), the token's announced expiry, which identity
   * is in use and whether it could get a token ({@code auth}, for {@code /health}; never a token), and the
   * GitHub App's bot login learned from {@code GET /app} ({@code <slug>[bot]}).
   */
  public record Access(Optional<String> pausedBecause, Optional<Instant> pausedSince, Optional<Instant> tokenExpiresAt,
      String auth, Optional<String> botLogin) {
    /** Before the actuator has said anything. */
    public static final Access LIVE = new Access(Optional.empty(), Optional.empty(), Optional.empty());

    public Access(Optional<String> pausedBecause, Optional<Instant> pausedSince, Optional<Instant> tokenExpiresAt) {
      this(pausedBecause, pausedSince, tokenExpiresAt, "unknown", Optional.empty());
    }
  }

  private record ProbeDue() implements Command {}

  private record Probed(GitHubResult<Boolean> result) implements Command {}

  private record AppDue() implements Command {}

  /** GET /app answered; {@code generation} tells an answer for an app configured since apart. */
  private record AppAnswered(long generation, GitHubResult<String> result) implements Command {}

  public static final Duration DEFAULT_PROBE_EVERY = Duration.ofSeconds(15);
  /** How often a failed GET /app is tried again: the bot login only guards against loops, so no hurry. */
  public static final Duration DEFAULT_APP_RETRY = Duration.ofSeconds(60);
  private static final Object PROBE_TIMER = "probe";
  private static final Object APP_TIMER = "app";
  private final TokenWatch token = new TokenWatch();
  private final Duration probeEvery;
  private final Duration appRetry;
  private long appGeneration;

  /** The diff, or why there is none; {@code truncated} when it was cut at {@code diff-max-bytes}. */
  public record DiffResult(Optional<String> diff, Optional<String> error, boolean truncated) {
    public DiffResult(Optional<String> diff, Optional<String> error) {
      this(diff, error, false);
    }
  }

  /**
   * A Perform waiting for labels or for a pause to end, with how often a rate limit held it back and its lane
   * (fixed when it arrives, so a reload cannot move work between lanes).
   */
  private record Waiting(Perform perform, int holds, Optional<Long> lane) {}

  private record Job(Perform perform, PlannedAction sent, List<String> refused, int holds, Optional<Long> lane) {}

  /** One token's paced writes and the work deferred while its pause lasts. */
  private record Lane(WriteLane<Job> writes, List<Waiting> deferred) {}

  private record LabelsFetched(String key, GitHubResult<List<String>> result) implements Command {}

  private record MarkerChecked(Job job, GitHubResult<Optional<GitHubClient.IssueComment>> result)
      implements Command {}

  /** A PATCH of the thread's comment answered; a 404 (deleted on GitHub) posts a new one. */
  private record EditFinished(Job job, GitHubResult<Optional<String>> result) implements Command {}

  private record WriteFinished(Job job, GitHubResult<Optional<String>> result) implements Command {}

  private record LaneTick(Optional<Long> lane) implements Command {}

  /** The timer key of one lane, so each lane's timer replaces only its own. */
  private record LaneTimer(Optional<Long> lane) {}

  private record DiffFetched(ActorRef<DiffResult> replyTo, GitHubResult<GitHubClient.Diff> result)
      implements Command {}

  public static final Duration DEFAULT_MAX_HOLD = Duration.ofSeconds(60);
  static final int MAX_HOLDS = 2;

  private final TimerScheduler<Command> timers;
  private final Duration maxHold;
  private final LabelCache labels = new LabelCache();
  /** By installation id; empty: the personal token, or the App's configured installation-id. */
  private final Map<Optional<Long>, Lane> lanes = new HashMap<>();
  private final Map<String, List<Waiting>> awaitingLabels = new HashMap<>();
  private HlsConfig.GitHub config;
  private Optional<GitHubClient> client;

  public static Behavior<Command> create(HlsConfig.GitHub config) {
    return create(config, DEFAULT_MAX_HOLD);
  }

  /** @param maxHold longest rate-limit pause that holds work rather than failing it retryable */
  public static Behavior<Command> create(HlsConfig.GitHub config, Duration maxHold) {
    return create(config, maxHold, DEFAULT_PROBE_EVERY);
  }

  /** @param probeEvery how often {@code GET /rate_limit} is tried while the token is refused */
  public static Behavior<Command> create(HlsConfig.GitHub config, Duration maxHold, Duration probeEvery) {
    return create(config, maxHold, probeEvery, DEFAULT_APP_RETRY);
  }

  /** @param appRetry how long after a failed {@code GET /app} it is tried again */
  public static Behavior<Command> create(HlsConfig.GitHub config, Duration maxHold, Duration probeEvery,
      Duration appRetry) {
    Behavior<Command> actuator = Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new GitHubActuator(ctx, timers, config, maxHold, probeEvery, appRetry)));
    return Behaviors.supervise(actuator)
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2));
  }

  private GitHubActuator(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, HlsConfig.GitHub config, Duration maxHold,
      Duration probeEvery, Duration appRetry) {
    super(ctx);
    this.probeEvery = probeEvery;
    this.appRetry = appRetry;
    this.timers = timers;
    this.maxHold = maxHold;
    this.config = config;
    this.client = GitHubClient.create(ctx.getSystem(), config);
    log.info("event=github_actuator_started mode={} api={}", mode(), config.apiUrl());
    token.auth(authStatus());
    askApp();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Perform.class, this::onPerform)
        .onMessage(LabelsFetched.class, this::onLabelsFetched)
        .onMessage(MarkerChecked.class, this::onMarkerChecked)
        .onMessage(WriteFinished.class, this::onWriteFinished)
        .onMessage(EditFinished.class, this::onEditFinished)
        .onMessage(LaneTick.class, t -> pumpLane(t.lane()))
        .onMessage(FetchDiff.class, this::onFetchDiff)
        .onMessage(DiffFetched.class, this::onDiffFetched)
        .onMessage(Reconfigure.class, this::onReconfigure)
        .onMessage(WatchAccess.class, m -> {
          token.watch(m.replyTo());
          return this;
        })
        .onMessage(ProbeDue.class, m -> probe())
        .onMessage(Probed.class, this::onProbed)
        .onMessage(AppDue.class, m -> askApp())
        .onMessage(AppAnswered.class, this::onAppAnswered)
        .build();
  }

  private Behavior<Command> onPerform(Perform p) {
    if (config.effectiveDryRun()) {
      DryRun.answer(p, config, labels.get(p.action().repository(), System.nanoTime(), config.labelsCacheTtl()));
      return this;
    }
    if (token.refused()) {
      p.replyTo().tell(new TokenRefused(p.eventId(), token.reason()));
      return this;
    }
    Optional<Long> key = laneKey(p);
    long paused = lane(key).writes().pauseRemaining(System.nanoTime());
    if (paused > maxHold.toNanos()) {
      p.replyTo().tell(pausedFailure(p.eventId(), paused));
      return this;
    }
    dispatch(new Waiting(p, 0, key));
    return pumpLane(key);
  }

  /** Policy first; the repository's labels are read (unpaced, once per TTL) only when policy needs them. */
  private void dispatch(Waiting w) {
    Perform p = w.perform();
    long now = System.nanoTime();
    String repository = p.action().repository();
    Optional<List<String>> known = labels.get(repository, now, config.labelsCacheTtl());
    if (known.isPresent() || !ActionPolicy.needsRepositoryLabels(p.action(), p.rule())) {
      decideAndQueue(w, known);
    } else if (lane(w.lane()).writes().pauseRemaining(now) > 0) {
      lane(w.lane()).deferred().add(w);
    } else {
      fetchLabels(w);
    }
  }

  private void decideAndQueue(Waiting w, Optional<List<String>> repositoryLabels) {
    Perform p = w.perform();
    ActionPolicy.Decision d = ActionPolicy.decide(
        p.action(), p.rule(), p.deliveryId(), config.maxCommentChars(), repositoryLabels);
    if (d instanceof ActionPolicy.Refuse r) {
      log.info("event=github_refused kind={} target={} event_id={} reason=\"{}\"",
          p.action().kind().code, p.action().target(), p.eventId(), r.reason());
      p.replyTo().tell(new Refused(p.eventId(), r.reason()));
      return;
    }
    ActionPolicy.Apply a = (ActionPolicy.Apply) d;
    lane(w.lane()).writes().enqueue(new Job(p, a.sent(), a.refused(), w.holds(), w.lane()));
  }

  private void fetchLabels(Waiting w) {
    String repository = w.perform().action().repository();
    String key = LabelCache.key(repository);
    List<Waiting> waiting = awaitingLabels.get(key);
    if (waiting != null) {
      waiting.add(w);
      return;
    }
    awaitingLabels.put(key, new ArrayList<>(List.of(w)));
    pipe(liveClient(w.perform()).listLabels(repository), r -> new LabelsFetched(key, r));
  }

  private Behavior<Command> onLabelsFetched(LabelsFetched m) {
    List<Waiting> waiting = awaitingLabels.getOrDefault(m.key(), List.of());
    awaitingLabels.remove(m.key());
    if (m.result() instanceof GitHubResult.Ok<List<String>> ok) {
      labels.put(m.key(), ok.value(), System.nanoTime());
      waiting.forEach(w -> decideAndQueue(w, Optional.of(ok.value())));
    } else if (m.result() instanceof GitHubResult.RateLimited<?> rl) {
      waiting.stream().map(Waiting::lane).distinct().forEach(key -> pause(key, rl));
      waiting.forEach(w -> holdOrFail(w.perform(), w.holds(), w.lane(), () -> lane(w.lane()).deferred().add(held(w))));
    } else {
      waiting.forEach(w -> w.perform().replyTo().tell(Outcomes.of(
          w.perform().eventId(), "list the labels of " + m.key(), m.result(), false)));
    }
    return pumpLanes();
  }

  /** The lane of the token that acts for {@code p}; the configured default installation shares the empty key. */
  private Optional<Long> laneKey(Perform p) {
    if (config.app().isEmpty()) return Optional.empty(); // one personal token, one lane
    Optional<Long> byDefault = config.app().get().installationId();
    return p.installation().filter(id -> !byDefault.equals(Optional.of(id)));
  }

  private Lane lane(Optional<Long> key) {
    return lanes.computeIfAbsent(key, k ->
        new Lane(new WriteLane<>(config.writeInterval(), System.nanoTime()), new ArrayList<>()));
  }

  private Behavior<Command> pumpLanes() {
    List.copyOf(lanes.keySet()).forEach(this::pumpLane);
    return this;
  }

  /** Re-dispatches the lane's deferred work once its pause is over, then starts its next job or sets its timer. */
  private Behavior<Command> pumpLane(Optional<Long> key) {
    Lane lane = lane(key);
    long now = System.nanoTime();
    if (!lane.deferred().isEmpty() && lane.writes().pauseRemaining(now) == 0) {
      List<Waiting> again = new ArrayList<>(lane.deferred());
      lane.deferred().clear();
      again.forEach(this::dispatch);
    }
    WriteLane.Next<Job> next = lane.writes().next(now);
    if (next instanceof WriteLane.Start<Job> start) {
      startJob(start.job());
    } else if (next instanceof WriteLane.WaitFor<Job> wait) {
      timers.startSingleTimer(new LaneTimer(key), new LaneTick(key), Duration.ofNanos(wait.nanos()));
    } else if (!lane.deferred().isEmpty()) {
      timers.startSingleTimer(new LaneTimer(key), new LaneTick(key),
          Duration.ofNanos(lane.writes().pauseRemaining(now)));
    }
    return this;
  }

  private void startJob(Job job) {
    Perform p = job.perform();
    if (config.effectiveDryRun()) {
      // Reconfigured to dry-run while this job waited: it is not sent.
      lane(job.lane()).writes().finishedWithoutWrite();
      DryRun.answer(p, config, Optional.empty());
      pumpLane(job.lane());
    } else if (p.action().kind() == ActionKind.COMMENT) {
      startComment(job);
    } else {
      write(job);
    }
  }

  /**
   * One comment per thread: the known comment is edited in place. When its id is unknown (first comment,
   * lost row) or an earlier attempt may have landed, the thread is searched for HLS's comment first, so a
   * crash between the write and its record neither posts a second comment nor edits it again.
   */
  private void startComment(Job job) {
    Perform p = job.perform();
    if (p.threadComment().isPresent() && !p.mayHaveLanded()) {
      edit(job, p.threadComment().get());
      return;
    }
    String target = p.action().target();
    String delivery = ActionPolicy.marker(p.deliveryId());
    pipe(liveClient(p).findIssueComment(p.action().repository(), p.action().number(),
        body -> ActionPolicy.isThreadComment(body, target) || body.strip().endsWith(delivery)),
        r -> new MarkerChecked(job, r));
  }

  private void edit(Job job, String commentId) {
    Perform p = job.perform();
    log.info("event=github_write kind=comment_edit target={} event_id={} delivery={} github_id={} comment_chars={}",
        job.sent().target(), p.eventId(), p.deliveryId(), commentId, job.sent().body().length());
    pipe(liveClient(job.perform()).editComment(job.sent().repository(), commentId, job.sent().body()),
        r -> new EditFinished(job, r));
  }

  private Behavior<Command> onEditFinished(EditFinished m) {
    if (m.result() instanceof GitHubResult.HttpError<?> e && e.status() == 404) {
      // Someone deleted HLS's comment: the thread gets a new one (same lane slot, so still one write at a time).
      log.info("event=github_comment_gone target={} event_id={}", m.job().sent().target(), m.job().perform().eventId());
      write(m.job());
      return this;
    }
    return onWriteFinished(new WriteFinished(m.job(), m.result()));
  }

  private void write(Job job) {
    Perform p = job.perform();
    PlannedAction sent = job.sent();
    log.info("event=github_write kind={} target={} event_id={} delivery={} labels={} comment_chars={}",
        sent.kind().code, sent.target(), p.eventId(), p.deliveryId(), sent.labels(), sent.body().length());
    CompletionStage<GitHubResult<Optional<String>>> call = sent.kind() == ActionKind.LABEL
        ? liveClient(job.perform()).addLabels(sent.repository(), sent.number(), sent.labels())
            .thenApply(r -> r instanceof GitHubResult.Ok ? new GitHubResult.Ok<>(Optional.empty()) : r.failure())
        : liveClient(job.perform()).createComment(sent.repository(), sent.number(), sent.body());
    pipe(call, r -> new WriteFinished(job, r));
  }

  private Behavior<Command> onMarkerChecked(MarkerChecked m) {
    Job job = m.job();
    if (m.result() instanceof GitHubResult.Ok<Optional<GitHubClient.IssueComment>> ok) {
      if (ok.value().isEmpty()) {
        write(job);
        return this;
      }
      GitHubClient.IssueComment found = ok.value().get();
      if (!found.body().strip().endsWith(ActionPolicy.marker(job.perform().deliveryId()))) {
        edit(job, found.id());
        return this;
      }
      lane(job.lane()).writes().finishedWithoutWrite();
      log.info("event=github_comment_already_posted target={} event_id={} delivery={} github_id={}",
          job.sent().target(), job.perform().eventId(), job.perform().deliveryId(), found.id());
      reply(job, new Done(job.perform().eventId(), job.sent(), Optional.of(found.id()), job.refused(), false));
    } else {
      lane(job.lane()).writes().finishedWithoutWrite();
      onFailedCall(job, "look for the marker on " + job.sent().target(), m.result(), false);
    }
    return pumpLane(job.lane());
  }

  private Behavior<Command> onWriteFinished(WriteFinished m) {
    Job job = m.job();
    lane(job.lane()).writes().finishedWrite(System.nanoTime());
    if (m.result() instanceof GitHubResult.Ok<Optional<String>> ok) {
      log.info("event=github_done kind={} target={} event_id={} github_id={}",
          job.sent().kind().code, job.sent().target(), job.perform().eventId(), ok.value().orElse("-"));
      reply(job, new Done(job.perform().eventId(), job.sent(), ok.value(), job.refused(), false));
    } else {
      String what = (job.sent().kind() == ActionKind.LABEL ? "add labels to " : "comment on ") + job.sent().target();
      onFailedCall(job, what, m.result(), true);
    }
    return pumpLane(job.lane());
  }

  private void onFailedCall(Job job, String what, GitHubResult<?> result, boolean wasWrite) {
    if (result instanceof GitHubResult.RateLimited<?> rl) {
      pause(job.lane(), rl);
      holdOrFail(job.perform(), job.holds(), job.lane(), () -> lane(job.lane()).writes().requeueFirst(
          new Job(job.perform(), job.sent(), job.refused(), job.holds() + 1, job.lane())));
    } else {
      Outcome f = Outcomes.of(job.perform().eventId(), what, result, wasWrite);
      log.warn("event=github_failed target={} event_id={} outcome=\"{}\"", job.sent().target(),
          job.perform().eventId(), f);
      reply(job, f);
    }
  }

  /** Holds the work when the pause is short and it was not held too often; else fails everything waiting. */
  private void holdOrFail(Perform p, int holds, Optional<Long> key, Runnable hold) {
    long remaining = lane(key).writes().pauseRemaining(System.nanoTime());
    boolean shortPause = remaining <= maxHold.toNanos();
    if (shortPause && holds < MAX_HOLDS) {
      hold.run();
    } else {
      p.replyTo().tell(pausedFailure(p.eventId(), remaining));
    }
    if (!shortPause) failAllWaiting(lane(key), remaining);
  }

  private void failAllWaiting(Lane lane, long remaining) {
    lane.writes().drainQueued().forEach(j -> reply(j, pausedFailure(j.perform().eventId(), remaining)));
    lane.deferred().forEach(w -> w.perform().replyTo().tell(pausedFailure(w.perform().eventId(), remaining)));
    lane.deferred().clear();
  }

  private void pause(Optional<Long> key, GitHubResult.RateLimited<?> rl) {
    long wait = Math.max(0, Duration.between(Instant.now(), rl.until()).toNanos());
    lane(key).writes().pause(System.nanoTime() + wait, !rl.secondary());
    log.warn("event=github_rate_limited kind={} installation={} until={} message=\"{}\"",
        rl.secondary() ? "secondary" : "primary", key.map(String::valueOf).orElse("default"), rl.until(), rl.message());
  }

  private static Failed pausedFailure(long eventId, long remainingNanos) {
    Duration retryAfter = Duration.ofSeconds((remainingNanos + 999_999_999L) / 1_000_000_000L);
    return new Failed(eventId, true,
        "GitHub rate limit: requests paused for " + retryAfter.toSeconds() + " s", Optional.of(retryAfter));
  }

  private Behavior<Command> onFetchDiff(FetchDiff m) {
    if (client.isEmpty()) {
      m.replyTo().tell(new DiffResult(Optional.empty(), Optional.of("no token")));
    } else if (token.refused()) {
      m.replyTo().tell(new DiffResult(Optional.empty(), Optional.of(token.reason())));
    } else if (lane(Optional.empty()).writes().primaryPaused(System.nanoTime())) {
      // A secondary pause is about content creation, so reads go on; an exhausted primary budget fails all.
      // The diff is read with the default token (FetchDiff names no installation), so its lane decides.
      long remaining = lane(Optional.empty()).writes().pauseRemaining(System.nanoTime());
      m.replyTo().tell(new DiffResult(Optional.empty(), Optional.of(pausedFailure(0, remaining).message())));
    } else {
      pipe(client.get().pullRequestDiff(m.repository(), m.number()), r -> new DiffFetched(m.replyTo(), r));
    }
    return this;
  }

  private Behavior<Command> onDiffFetched(DiffFetched m) {
    if (m.result() instanceof GitHubResult.Ok<GitHubClient.Diff> ok) {
      m.replyTo().tell(new DiffResult(Optional.of(ok.value().text()), Optional.empty(), ok.value().truncated()));
      return this;
    }
    if (m.result() instanceof GitHubResult.RateLimited<?> rl) pause(Optional.empty(), rl);
    String error = Outcomes.failure(0, "fetch the diff", m.result(), false).message();
    m.replyTo().tell(new DiffResult(Optional.empty(), Optional.of(error)));
    return pumpLane(Optional.empty());
  }

  private Behavior<Command> onReconfigure(Reconfigure m) {
    HlsConfig.GitHub next = m.config();
    boolean newApp = !appIdentity(next).equals(appIdentity(config));
    boolean newToken = !next.token().equals(config.token()) || !next.apiUrl().equals(config.apiUrl()) || newApp;
    config = next;
    client = GitHubClient.create(getContext().getSystem(), next);
    token.auth(authStatus());
    if (newApp) {
      // Another app (or none) has another bot: forget the login, and any answer still coming for the old one.
      appGeneration++;
      timers.cancel(APP_TIMER);
      token.botLogin(Optional.empty());
    }
    if (newApp || (config.app().isPresent() && timers.isTimerActive(APP_TIMER))) askApp(); // a fixed key: try now
    lanes.values().forEach(l -> l.writes().interval(next.writeInterval()));
    if (newToken) {
      labels.clear();
      lanes.values().forEach(l -> l.writes().clearPause(System.nanoTime()));
      if (token.refused()) probe(); // the new token may be good: find out now
    }
    log.info("event=github_reconfigured mode={} api={}", mode(), next.apiUrl());
    return pumpLanes();
  }

  /** Every answer passes here: a 401 pauses writes, a new expiry date is passed on. */
  private <T> GitHubResult<T> observed(GitHubResult<T> result) {
    if (result instanceof GitHubResult.HttpError<T> e && TokenWatch.isRefusal(e)) {
      if (token.refusedBy(e, Instant.now())) {
        timers.startTimerWithFixedDelay(PROBE_TIMER, new ProbeDue(), probeEvery);
      }
    }
    client.ifPresent(c -> token.expiry(c.tokenExpiresAt()));
    token.auth(authStatus());
    return result;
  }

  /** For {@code /health}: the client's identity and token state, or that there is none to write with. */
  private String authStatus() {
    return client.map(GitHubClient::authStatus).orElse("none (dry run)");
  }

  /** What decides the App's slug: which app, on which GitHub. Empty without an App. */
  private static Optional<List<Object>> appIdentity(HlsConfig.GitHub c) {
    return c.app().map(a -> List.of(a.id(), c.apiUrl()));
  }

  /** Asks GET /app for the slug when acting as a GitHub App (dry-run too: the planner skips own events then). */
  private Behavior<Command> askApp() {
    if (config.app().isEmpty() || client.isEmpty()) return this;
    long generation = appGeneration;
    timers.cancel(APP_TIMER);
    getContext().pipeToSelf(client.get().appSlug(), (r, err) -> new AppAnswered(generation, r != null ? r
        : new GitHubResult.NoAnswer<>("internal error: " + err.getClass().getSimpleName())));
    return this;
  }

  private Behavior<Command> onAppAnswered(AppAnswered m) {
    if (m.generation() != appGeneration) return this;
    token.auth(authStatus());
    if (m.result() instanceof GitHubResult.Ok<String> ok) {
      timers.cancel(APP_TIMER);
      String login = ok.value() + "[bot]";
      log.info("event=github_app_identified app={} slug={} bot_login={}", config.app().get().id(), ok.value(), login);
      token.botLogin(Optional.of(login));
    } else {
      // Not fatal: writes use installation tokens; only skipping own events by login waits for this.
      log.warn("event=github_app_unidentified app={} result=\"{}\" retry_in_s={}", config.app().get().id(),
          m.result(), appRetry.toSeconds());
      timers.startSingleTimer(APP_TIMER, new AppDue(), appRetry);
    }
    return this;
  }

  private Behavior<Command> probe() {
    if (client.isPresent() && !config.effectiveDryRun()) {
      getContext().pipeToSelf(client.get().rateLimit(), (r, err) -> new Probed(r != null ? r
          : new GitHubResult.NoAnswer<>("internal error: " + err.getClass().getSimpleName())));
    }
    return this;
  }

  private Behavior<Command> onProbed(Probed m) {
    client.ifPresent(c -> token.expiry(c.tokenExpiresAt()));
    token.auth(authStatus());
    if (m.result() instanceof GitHubResult.Ok<Boolean>) {
      timers.cancel(PROBE_TIMER);
      token.accepted();
    } else {
      log.info("event=github_probe result=\"{}\"", m.result());
    }
    return this;
  }

  /** The client acting for the delivery's GitHub App installation (the same client with a personal token). */
  private GitHubClient liveClient(Perform p) {
    return liveClient().forInstallation(p.installation());
  }

  private GitHubClient liveClient() {
    return client.orElseThrow(() -> new IllegalStateException("live GitHub call without a token"));
  }

  private <T> void pipe(CompletionStage<GitHubResult<T>> call, Function<GitHubResult<T>, Command> to) {
    // The client completes normally with a value; an exception here is a bug, reported as no answer.
    getContext().pipeToSelf(call, (r, err) -> to.apply(observed(r != null ? r
        : new GitHubResult.NoAnswer<>("internal error: " + err.getClass().getSimpleName()))));
  }

  private static void reply(Job job, Outcome outcome) {
    job.perform().replyTo().tell(outcome);
  }

  private static Waiting held(Waiting w) {
    return new Waiting(w.perform(), w.holds() + 1, w.lane());
  }

  private String mode() {
    return config.effectiveDryRun() ? "dry-run" : "live";
  }
}
