package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.github.GitHubActuator;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What holds {@link QueueSupervisor} back, touched only from its messages: an analysis pause (budget,
 * bad key, spend limit, Anthropic outage) and GitHub refusing the token. An analysis pause has a probe
 * time: after it events are analysed again, and the pause is over only when one gets an answer (or
 * nothing is waiting), so {@code /health} does not flicker between probes and its "since" stays true.
 */
final class Pauses {
  private Optional<String> analysisBecause = Optional.empty();
  private Instant probeAt = Instant.MIN;
  private Optional<Instant> analysisSince = Optional.empty();
  private GitHubActuator.Access github = GitHubActuator.Access.LIVE;

  /** @return true when the reason is new (worth a log line) */
  boolean pauseAnalysis(String reason, Duration probeIn, Instant now) {
    boolean changed = !analysisBecause.equals(Optional.of(reason));
    analysisBecause = Optional.of(reason);
    if (analysisSince.isEmpty()) analysisSince = Optional.of(now);
    probeAt = now.plus(probeIn);
    return changed;
  }

  /** Until the probe time nothing is claimed or analysed. */
  boolean analysisHolds(Instant now) {
    return analysisBecause.isPresent() && now.isBefore(probeAt);
  }

  /** An analysis was answered after the probe time: the pause is over. Returns the reason it had. */
  Optional<String> analysisAnswered(Instant now) {
    if (analysisBecause.isEmpty() || now.isBefore(probeAt)) return Optional.empty();
    Optional<String> was = analysisBecause;
    clearAnalysis();
    return was;
  }

  void clearAnalysis() {
    analysisBecause = Optional.empty();
    analysisSince = Optional.empty();
  }

  /** The reason shown while paused, probing included. */
  Optional<String> analysisPaused() {
    return analysisBecause;
  }

  Optional<Instant> analysisSince() {
    return analysisSince;
  }

  void github(GitHubActuator.Access access) {
    github = access;
  }

  GitHubActuator.Access github() {
    return github;
  }

  /** A refused token holds every event in live mode (each needs GitHub to be acted on); dry-run goes on. */
  boolean githubHolds(boolean dryRun) {
    return !dryRun && github.pausedBecause().isPresent();
  }

  /** {@code live}, {@code dry-run} or {@code paused: <why>}, as {@code /health} shows it. */
  String githubState(boolean dryRun) {
    if (dryRun) return "dry-run";
    return github.pausedBecause().map(r -> "paused: " + r).orElse("live");
  }
}
