package com.clidecoder.hls.domain;

import java.util.Map;

/** The embedded classifier's prediction for an issue: its type and the probability of each type. */
public record TriageHint(String predictedType, double confidence, Map<String, Double> probabilities) {
  public TriageHint {
    probabilities = Map.copyOf(probabilities);
  }

  /** Whether an analysis applied the predicted type's label (what /stats and metrics count as agreement). */
  public boolean agreesWith(Analysis analysis) {
    return analysis.labels().stream().anyMatch(l -> l.equalsIgnoreCase(predictedType));
  }
}
