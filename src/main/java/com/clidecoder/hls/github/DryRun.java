package com.clidecoder.hls.github;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.PlannedAction;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dry-run (configured, or forced by a missing token): the policy runs, the result is logged and answered
 * with {@code dryRun = true}, and GitHub is not called at all, reads included. The repository's labels are
 * therefore unknown unless a live run cached them: labels outside {@code labels.allowed} are reported in
 * {@code refused} as unverified and left out of {@code sent}, which holds only what would surely be applied.
 */
final class DryRun {
  private static final Logger log = LoggerFactory.getLogger(GitHubActuator.class);
  private static final int PREVIEW_CHARS = 120;

  private DryRun() {}

  static void answer(GitHubActuator.Perform p, HlsConfig.GitHub config, Optional<List<String>> cachedLabels) {
    ActionPolicy.Decision d = ActionPolicy.decide(
        p.action(), p.rule(), p.deliveryId(), config.maxCommentChars(), cachedLabels);
    if (d instanceof ActionPolicy.Refuse r) {
      log.info("event=github_dry_run outcome=refused kind={} target={} event_id={} reason=\"{}\"",
          p.action().kind().code, p.action().target(), p.eventId(), r.reason());
      p.replyTo().tell(new GitHubActuator.Refused(p.eventId(), r.reason()));
      return;
    }
    ActionPolicy.Apply a = (ActionPolicy.Apply) d;
    PlannedAction sent = a.sent();
    log.info("event=github_dry_run outcome=planned kind={} target={} event_id={} delivery={} labels={}"
            + " comment=\"{}\" refused={}",
        sent.kind().code, sent.target(), p.eventId(), p.deliveryId(), sent.labels(), preview(sent.body()),
        a.refused());
    p.replyTo().tell(new GitHubActuator.Done(p.eventId(), sent, Optional.empty(), a.refused(), true));
  }

  /** One line, short: the log shows what would be posted without carrying whole model answers. */
  private static String preview(String body) {
    String line = body.replace("\r", "").replace("\n", "\\n").replace("\"", "'");
    return line.length() <= PREVIEW_CHARS ? line : line.substring(0, PREVIEW_CHARS) + "…";
  }
}
