package com.clidecoder.hls.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The coarse class of the pipeline's pause reason, for the {@code reason} label of
 * {@code hls_analysis_paused}: the reason itself is free text (amounts, dates, Anthropic's message) and
 * would make a new series per pause. Order matters: the first class whose words appear wins.
 */
final class PauseReasons {
  static final String BUDGET = "budget";
  static final String AUTH = "auth";
  static final String SPEND_LIMIT = "spend_limit";
  static final String GITHUB = "github";
  static final String OUTAGE = "outage";
  static final String OTHER = "other";
  static final List<String> ALL = List.of(BUDGET, AUTH, SPEND_LIMIT, GITHUB, OUTAGE, OTHER);

  private PauseReasons() {}

  static Optional<String> classOf(Optional<String> pausedBecause) {
    return pausedBecause.map(PauseReasons::classOf);
  }

  static String classOf(String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    if (r.contains("daily budget")) return BUDGET;
    if (r.contains("spend limit")) return SPEND_LIMIT;
    if (r.contains("github")) return GITHUB;
    if (r.contains("api key") || r.contains("authentication")) return AUTH;
    if (r.contains("unavailable") || r.contains("unreachable") || r.contains("outage") || r.contains("overloaded") || r.contains("cannot connect")
        || r.contains("timed out") || r.contains("5xx") || r.contains("529") || r.contains("503")) {
      return OUTAGE;
    }
    return OTHER;
  }
}
