package com.clidecoder.hls.domain;

import java.util.List;

/**
 * One action HLS intends on an issue or pull request. {@code labels} is used by {@link ActionKind#LABEL},
 * {@code body} by {@link ActionKind#COMMENT}.
 */
public record PlannedAction(
    ActionKind kind, String repository, int number, List<String> labels, String body) {
  public PlannedAction {
    labels = List.copyOf(labels);
  }

  /** {@code owner/repo#n}, the {@code github_actions.target} value. */
  public String target() {
    return repository + "#" + number;
  }

  public static PlannedAction labels(String repository, int number, List<String> labels) {
    return new PlannedAction(ActionKind.LABEL, repository, number, labels, "");
  }

  public static PlannedAction comment(String repository, int number, String body) {
    return new PlannedAction(ActionKind.COMMENT, repository, number, List.of(), body);
  }
}
