package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.PlannedAction;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns an analysis into the actions proposed for GitHub: its labels and, when the event's action may
 * comment ({@code comments.on}), the comment for each target (posted once per thread, then edited).
 * GitHubActuator's policy maps label names ({@code labels.map}) and decides what is allowed.
 */
final class ActionPlanner {
  private ActionPlanner() {}

  static List<PlannedAction> plan(String repository, EventPlan.Analyse plan, Analysis analysis) {
    List<PlannedAction> actions = new ArrayList<>();
    List<String> labels = distinct(analysis.labels());
    for (int number : plan.targets()) {
      if (plan.labelTargets() && !labels.isEmpty()) actions.add(PlannedAction.labels(repository, number, labels));
      if (plan.commentTargets() && !analysis.comment().isBlank()) {
        actions.add(PlannedAction.comment(repository, number, analysis.comment()));
      }
    }
    return actions;
  }

  private static List<String> distinct(List<String> proposed) {
    Set<String> out = new LinkedHashSet<>();
    for (String label : proposed) {
      if (!label.isBlank()) out.add(label.strip());
    }
    return List.copyOf(out);
  }
}
