package com.clidecoder.hls.domain;

import java.util.List;

/** The one shape every analyst answers with, Claude or offline. */
public record Analysis(
    String summary, List<String> labels, String comment, Priority priority, double confidence) {
  public Analysis {
    labels = List.copyOf(labels);
  }
}
