package com.clidecoder.hls.domain;

import java.util.List;
import java.util.Optional;

/** The one shape every analyst answers with, Claude or offline. */
public record Analysis(
    String summary, List<String> labels, String comment, Priority priority, double confidence) {
  /**
   * Written into the summary of an analysis that abstained, followed by why and a closing parenthesis:
   * the stored summary is the record of the abstention that the API, CLI and dashboard read back.
   */
  public static final String ABSTAINED = "offline classifier abstained: ";

  public Analysis {
    labels = List.copyOf(labels);
  }

  /** Why a stored summary says its analysis abstained; empty for one that decided. */
  public static Optional<String> abstentionIn(String summary) {
    if (summary == null) return Optional.empty();
    int at = summary.indexOf(ABSTAINED);
    if (at < 0) return Optional.empty();
    String why = summary.substring(at + ABSTAINED.length());
    int end = why.lastIndexOf(')');
    return Optional.of((end >= 0 ? why.substring(0, end) : why).strip());
  }
}
