package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.domain.ActionKind;
import com.clidecoder.hls.domain.ActionStatus;
import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.PlannedAction;
import com.clidecoder.hls.github.GitHubActuator;
import com.clidecoder.hls.store.ActionStore.ActionRow;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The action phase of {@link RepoActor}: each planned action is recorded as {@code planned} before it
 * is sent and as {@code done}/{@code refused}/{@code failed} after, so a retried or recovered event
 * skips what is done and tells the actuator when an earlier attempt may have landed.
 */
final class Actions {
  private Actions() {}

  static Behavior<RepoActor.Command> start(RepoActor actor, RepoActor.Job job, EventPlan.Analyse plan, Analysis analysis) {
    List<PlannedAction> actions = ActionPlanner.plan(actor.repository(), plan, analysis);
    return next(actor, job, plan, actions, 0);
  }

  private static Behavior<RepoActor.Command> next(
      RepoActor actor, RepoActor.Job job, EventPlan.Analyse plan, List<PlannedAction> actions, int index) {
    long eventId = job.event().id();
    if (index >= actions.size()) {
      actor.ctx().getLog().info("event=completed id={} repo={} actions={}", eventId, actor.repository(), actions.size());
      return actor.store(job, "completed", () -> actor.pipeline().events().markCompleted(eventId, actor.now()));
    }
    PlannedAction action = actions.get(index);
    actor.pipe(() -> plan(actor, eventId, action), (planned, err) -> err == null ? planned
        : new RepoActor.ActionPlanned(Optional.empty(), Optional.empty(), err));
    return actor.busy(job, actor.receive(job).onMessage(RepoActor.ActionPlanned.class, p -> {
      if (p.failure() != null) return actor.abort(job, "cannot record a planned action: " + p.failure().getMessage());
      Optional<ActionRow> before = p.before();
      if (before.isPresent() && (before.get().status() == ActionStatus.DONE || before.get().status() == ActionStatus.REFUSED)) {
        return next(actor, job, plan, actions, index + 1); // done by an earlier attempt
      }
      boolean mayHaveLanded = before.isPresent();
      actor.pipeline().actuator().tell(new GitHubActuator.Perform(eventId, job.event().deliveryId(), action, plan.rule(),
          mayHaveLanded, p.threadComment(),
          actor.ctx().messageAdapter(GitHubActuator.Outcome.class, RepoActor.ActionPerformed::new),
          installationOf(plan.payload())));
      return actor.busy(job, actor.receive(job).onMessage(RepoActor.ActionPerformed.class,
          r -> onPerformed(actor, job, plan, actions, index, r.outcome())));
    }));
  }

  /** Blocking: records the intent and, for a comment, reads the id of the thread's one comment. */
  private static RepoActor.ActionPlanned plan(RepoActor actor, long eventId, PlannedAction action) {
    Optional<ActionRow> before = actor.pipeline().actions().plan(eventId, action, actor.now());
    Optional<String> threadComment = action.kind() == ActionKind.COMMENT
        ? actor.pipeline().actions().threadComment(action.target()) : Optional.empty();
    return new RepoActor.ActionPlanned(before, threadComment, null);
  }

  private static String outcomeName(GitHubActuator.Outcome outcome) {
    if (outcome instanceof GitHubActuator.Done d) return d.dryRun() ? "dry_run" : "done";
    if (outcome instanceof GitHubActuator.Refused) return "refused";
    if (outcome instanceof GitHubActuator.TokenRefused) return "token_refused";
    GitHubActuator.Failed f = (GitHubActuator.Failed) outcome;
    return f.retryAfter().isPresent() ? "rate_limited" : f.retryable() ? "retryable_error" : "failed";
  }

  private static Behavior<RepoActor.Command> onPerformed(RepoActor actor, RepoActor.Job job, EventPlan.Analyse plan,
      List<PlannedAction> actions, int index, GitHubActuator.Outcome outcome) {
    long eventId = job.event().id();
    PlannedAction action = actions.get(index);
    Runnable update;
    actor.pipeline().metrics().githubAction(action.kind().code, outcomeName(outcome));
    if (outcome instanceof GitHubActuator.Done d) {
      String reason = d.refused().isEmpty() ? null : "refused by policy: " + String.join("; ", d.refused());
      update = () -> actor.pipeline().actions().record(eventId, d.sent(), ActionStatus.DONE, d.dryRun(), reason,
          d.githubId().orElse(null), actor.now());
    } else if (outcome instanceof GitHubActuator.TokenRefused t) {
      return Failures.tokenRefused(actor, job, t.reason());
    } else if (outcome instanceof GitHubActuator.Refused r) {
      update = () -> actor.pipeline().actions().record(eventId, action, ActionStatus.REFUSED,
          job.config().github().effectiveDryRun(), r.reason(), null, actor.now());
    } else {
      GitHubActuator.Failed f = (GitHubActuator.Failed) outcome;
      // The row stays 'planned' on a retryable failure: the next attempt checks whether it landed.
      if (f.retryable()) return Failures.action(actor, job, f);
      update = () -> actor.pipeline().actions().record(eventId, action, ActionStatus.FAILED, false, f.message(),
          null, actor.now());
    }
    actor.pipe(() -> {
      update.run();
      return Boolean.TRUE;
    }, (ok, err) -> new RepoActor.ActionRecorded(err));
    return actor.busy(job, actor.receive(job).onMessage(RepoActor.ActionRecorded.class, rec -> {
      if (rec.failure() != null) return actor.abort(job, "cannot record an action: " + rec.failure().getMessage());
      if (outcome instanceof GitHubActuator.Failed f) return Failures.permanent(actor, job, "GitHub: " + f.message());
      return next(actor, job, plan, actions, index + 1);
    }));
  }

  /** A GitHub App delivery names its installation; its token is the one to act with. */
  static java.util.Optional<Long> installationOf(com.fasterxml.jackson.databind.JsonNode payload) {
    com.fasterxml.jackson.databind.JsonNode id = payload.path("installation").path("id");
    return id.canConvertToLong() && id.asLong() > 0 ? java.util.Optional.of(id.asLong()) : java.util.Optional.empty();
  }
}
