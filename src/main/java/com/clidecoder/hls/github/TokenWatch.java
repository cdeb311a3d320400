package com.clidecoder.hls.github;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether GitHub accepts the token, owned by {@link GitHubActuator} and touched only from its messages.
 * A 401 is about the token, not the event: writes pause (and the pipeline stops paying for analyses it
 * could not act on) until a probe passes. Watchers are told the state at once and at every change, with
 * what rides along: the identity's status for {@code /health} and the App's bot login once learned.
 */
final class TokenWatch {
  private static final Logger log = LoggerFactory.getLogger(TokenWatch.class);

  private final List<ActorRef<GitHubActuator.Access>> watchers = new ArrayList<>();
  private Optional<String> refusedBecause = Optional.empty();
  private Optional<Instant> refusedSince = Optional.empty();
  private Optional<Instant> expiresAt = Optional.empty();
  private String auth = GitHubActuator.Access.LIVE.auth();
  private Optional<String> botLogin = Optional.empty();
  private GitHubActuator.Access told = GitHubActuator.Access.LIVE;

  static boolean isRefusal(GitHubResult<?> result) {
    return result instanceof GitHubResult.HttpError<?> e && e.status() == 401;
  }

  boolean refused() {
    return refusedBecause.isPresent();
  }

  /** @return true when this 401 starts the pause (the caller starts probing) */
  boolean refusedBy(GitHubResult.HttpError<?> e, Instant now) {
    boolean starts = refusedBecause.isEmpty();
    if (starts) {
      refusedBecause = Optional.of("GitHub refused the token (401 " + e.message() + ")");
      refusedSince = Optional.of(now);
      log.warn("event=github_paused reason=\"{}\" (writes and analyses that need GitHub wait; probing GET /rate_limit)",
          refusedBecause.get());
    }
    tell();
    return starts;
  }

  void accepted() {
    if (refusedBecause.isPresent()) {
      log.info("event=github_resumed paused_since={}", refusedSince.orElse(null));
    }
    refusedBecause = Optional.empty();
    refusedSince = Optional.empty();
    tell();
  }

  void expiry(Optional<Instant> at) {
    if (at.isPresent()) expiresAt = at;
    tell();
  }

  /** Which identity is in use and whether it could get a token, in words (never a token). */
  void auth(String status) {
    auth = status;
    tell();
  }

  /** The App's {@code <slug>[bot]}, learned from {@code GET /app}; empty until then or without an App. */
  void botLogin(Optional<String> login) {
    botLogin = login;
    tell();
  }

  void watch(ActorRef<GitHubActuator.Access> watcher) {
    watchers.add(watcher);
    watcher.tell(current());
  }

  String reason() {
    return refusedBecause.orElse("GitHub refused the token");
  }

  private GitHubActuator.Access current() {
    return new GitHubActuator.Access(refusedBecause, refusedSince, expiresAt, auth, botLogin);
  }

  private void tell() {
    GitHubActuator.Access now = current();
    if (now.equals(told)) return;
    told = now;
    watchers.forEach(w -> w.tell(now));
  }
}
