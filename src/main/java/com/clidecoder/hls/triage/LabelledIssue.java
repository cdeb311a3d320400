package com.clidecoder.hls.triage;

/** One training or evaluation example: an issue of a repository with its known type label. */
public record LabelledIssue(String repo, String label, String title, String body) {
  public LabelledIssue {
    title = title == null ? "" : title;
    body = body == null ? "" : body;
  }
}
