package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.claude.ClaudeAnalyst;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.github.GitHubActuator;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;

/**
 * How a failed attempt ends for {@link RepoActor}: retried later with backoff (durably, in the store),
 * failed for good, or returned untouched while analysis pauses (bad key, spend limit, Anthropic outage)
 * or GitHub refuses the token. An event fails only for its own reasons.
 */
final class Failures {
  private Failures() {}

  static Behavior<RepoActor.Command> analysis(RepoActor actor, RepoActor.Job job, ClaudeAnalyst.Failed f) {
    actor.pipeline().metrics().claudeCall(f.kind().name().toLowerCase(java.util.Locale.ROOT));
    // A failed answer can still have been billed (cut off at max_tokens, bad JSON): count it in the budget.
    f.usage().filter(u -> u.costUsd() > 0).ifPresent(u -> {
      Instant now = actor.now();
      java.util.concurrent.CompletableFuture.runAsync(
          () -> actor.pipeline().analyses().recordUnusableCost(u.costUsd(), now), actor.pipeline().jdbc());
    });
    return switch (f.kind()) {
      case RETRYABLE -> retry(actor, job, "Claude: " + f.message(), f.retryAfter());
      case PERMANENT -> permanent(actor, job, "Claude: " + f.message());
      case PAUSE_AUTH, PAUSE_SPEND_LIMIT -> pause(actor, job, f);
      case PAUSE_OUTAGE -> outage(actor, job, f);
    };
  }

  /**
   * A rate limit is waited out, not counted as a failed attempt (the actuator sets retryAfter only for
   * rate limits); other retryable GitHub failures count towards max-retries.
   */
  static Behavior<RepoActor.Command> action(RepoActor actor, RepoActor.Job job, GitHubActuator.Failed f) {
    if (f.retryAfter().isPresent()) {
      Instant at = actor.now().plus(f.retryAfter().get());
      actor.ctx().getLog().info("event=rate-limited id={} repo={} until={} message=\"{}\"", job.event().id(),
          job.event().repository(), at, f.message());
      return actor.store(job, "rate_limited", () -> actor.pipeline().events().release(job.event().id(), at));
    }
    return retry(actor, job, "GitHub: " + f.message(), Optional.empty());
  }

  /**
   * GitHub refused the token: the supervisor heard it from the actuator and stops claiming; this event
   * goes back untouched (its planned action stays 'planned', so the next attempt checks it did not land).
   */
  static Behavior<RepoActor.Command> tokenRefused(RepoActor actor, RepoActor.Job job, String reason) {
    actor.ctx().getLog().info("event=returned id={} repo={} reason=\"{}\"", job.event().id(), job.event().repository(),
        reason);
    return actor.store(job, "github_paused", () -> actor.pipeline().events().release(job.event().id(), actor.now()));
  }

  static Behavior<RepoActor.Command> permanent(RepoActor actor, RepoActor.Job job, String message) {
    QueuedEvent e = job.event();
    actor.ctx().getLog().warn("event=failed id={} repo={} error=\"{}\"", e.id(), e.repository(), message);
    return actor.store(job, "failed", () -> actor.pipeline().events().markFailed(e.id(), message, actor.now()));
  }

  /** Schedules the next attempt, or fails the event once {@code max-retries} attempts have failed. */
  static Behavior<RepoActor.Command> retry(RepoActor actor, RepoActor.Job job, String message,
      Optional<Duration> retryAfter) {
    QueuedEvent e = job.event();
    HlsConfig.Workers workers = job.config().workers();
    if (Backoff.wasLastAttempt(workers, e.retryCount())) return permanent(actor, job, Backoff.gaveUp(e.retryCount(), message));
    Instant at = actor.now().plus(Backoff.next(workers, e.retryCount(), retryAfter));
    actor.ctx().getLog().info("event=retry id={} repo={} attempt={} at={} error=\"{}\"", e.id(), e.repository(),
        e.retryCount() + 1, at, message);
    actor.pipeline().metrics().retry();
    return actor.store(job, "retry", () -> actor.pipeline().events().scheduleRetry(e.id(), message, at));
  }

  /**
   * Anthropic stayed unreachable or overloaded through the client's short retry: pause analysis until
   * the probe time the client put in retryAfter; this event goes back due now, with no attempt counted.
   */
  private static Behavior<RepoActor.Command> outage(RepoActor actor, RepoActor.Job job, ClaudeAnalyst.Failed f) {
    Duration probeIn = f.retryAfter().orElse(job.config().workers().backoffMin());
    actor.pauseAnalysis("Anthropic unavailable: " + f.message(), probeIn);
    return actor.store(job, "paused", () -> actor.pipeline().events().release(job.event().id(), actor.now()));
  }

  /** A bad key or a spend limit affects every event: pause analysis, return this one untouched. */
  private static Behavior<RepoActor.Command> pause(RepoActor actor, RepoActor.Job job, ClaudeAnalyst.Failed f) {
    HlsConfig.Workers workers = job.config().workers();
    Duration duration = f.retryAfter().orElse(workers.backoffMax());
    String reason = (f.kind() == ClaudeAnalyst.FailureKind.PAUSE_AUTH ? "Anthropic rejected the API key: "
        : "Anthropic spend limit reached: ") + f.message();
    actor.pauseAnalysis(reason, duration);
    Instant at = actor.now().plus(duration);
    return actor.store(job, "paused", () -> actor.pipeline().events().release(job.event().id(), at));
  }
}
