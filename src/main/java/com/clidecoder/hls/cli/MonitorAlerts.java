package com.clidecoder.hls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The monitor's verdicts from {@code /health} and {@code /stats}: one line per reason a person is needed.
 * Fields a service does not report (an older HLS) raise nothing; a field's presence is the service's claim.
 */
final class MonitorAlerts {
  static final int DEFAULT_MAX_FAILED = 0;
  static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(15);
  static final Duration DEFAULT_MAX_SPOOL_AGE = Duration.ofMinutes(15);
  /** A personal token about to expire is renewed by a person: a week gives them time. */
  static final Duration TOKEN_WARNING = Duration.ofDays(7);
  private static final DateTimeFormatter GITHUB_EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

  record Limits(int maxFailed, Duration window, Duration maxAge, Duration maxSpoolAge) {}

  private MonitorAlerts() {}

  static List<String> of(JsonNode health, JsonNode stats, Limits limits, Instant now) {
    List<String> alerts = new ArrayList<>();
    String status = Text.text(health.path("status"));
    String analysis = Text.text(health.path("analysis"));
    String github = Text.text(health.path("github"));
    boolean paused = analysis.startsWith("paused") || github.startsWith("paused");
    // A degraded status that a pause explains is said once, by the pause's own line.
    if (status.equals("down") || (!status.equals("ok") && !paused)) {
      alerts.add("service status is " + status + " (database " + Text.text(health.path("database")) + ")");
    }
    if (analysis.startsWith("paused")) alerts.add("analysis " + analysis + since(health.path("analysis_paused_since")));
    if (github.startsWith("paused")) alerts.add("GitHub writes " + github + since(health.path("github_paused_since")));
    expiry(health.path("github_token_expires_at")).filter(at -> at.isBefore(now.plus(TOKEN_WARNING))).ifPresent(at ->
        alerts.add(at.isAfter(now)
            ? "the GitHub token expires at " + at + " (in " + Text.age(Duration.between(now, at)) + "): renew it"
            : "the GitHub token expired at " + at + ": renew it"));
    long failed = health.path("failed_recent").path("count").asLong(0);
    if (failed > limits.maxFailed()) {
      alerts.add(failed + (failed == 1 ? " event" : " events") + " failed in the last " + Text.age(limits.window())
          + " (more than " + limits.maxFailed() + "): see bin/hls events list --status failed");
    }
    JsonNode oldest = health.has("oldest_pending_age_seconds")
        ? health.path("oldest_pending_age_seconds") : stats.path("oldest_pending_age_seconds");
    if (oldest.isNumber() && oldest.asLong() > limits.maxAge().getSeconds()) {
      alerts.add("oldest pending event waits " + Text.age(Duration.ofSeconds(oldest.asLong()))
          + " (more than " + Text.age(limits.maxAge()) + ")");
    }
    JsonNode spool = health.path("spool");
    JsonNode spoolAge = spool.path("oldest_age_seconds");
    if (spoolAge.isNumber() && spoolAge.asLong() > limits.maxSpoolAge().getSeconds()) {
      alerts.add(spool.path("depth").asLong() + " spooled deliveries in " + Text.text(spool.path("dir"))
          + ", the oldest " + Text.age(Duration.ofSeconds(spoolAge.asLong())) + " old (more than "
          + Text.age(limits.maxSpoolAge()) + "): they are not reaching HLS");
    }
    long rejected = spool.path("rejected").asLong(0);
    if (rejected > 0) {
      alerts.add(rejected + " spooled " + (rejected == 1 ? "delivery was" : "deliveries were") + " rejected by HLS: see "
          + Text.text(spool.path("dir")) + "/rejected/ (each with its reason)");
    }
    // The reconciler cannot see a hook (403/404): lost deliveries would stay lost until someone fixes the permission.
    for (JsonNode problem : health.path("reconcile").path("problems")) {
      alerts.add("the delivery reconciler cannot read a hook: " + problem.asText());
    }
    return alerts;
  }

  private static String since(JsonNode at) {
    return at.isTextual() ? " (since " + at.asText() + ")" : "";
  }

  /** ISO-8601 as /health writes it, or GitHub's own header format ("2026-12-31 23:59:59 UTC"). */
  static Optional<Instant> expiry(JsonNode at) {
    if (!at.isTextual()) return Optional.empty();
    try {
      return Optional.of(Instant.parse(at.asText()));
    } catch (DateTimeParseException notIso) {
      try {
        return Optional.of(LocalDateTime.parse(at.asText(), GITHUB_EXPIRY).toInstant(ZoneOffset.UTC));
      } catch (DateTimeParseException neither) {
        return Optional.empty();
      }
    }
  }
}
