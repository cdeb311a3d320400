package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.PlannedAction;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an analysis into the actions proposed for GitHub: labels (through the repository's label
 * map) and one comment per target. GitHubActuator's policy decides what is actually allowed.
 */
final class ActionPlanner {
  private ActionPlanner() {}

  static List<PlannedAction> plan(String repository, EventPlan.Analyse plan, Analysis analysis) {
    List<PlannedAction> actions = new ArrayList<>();
    List<String> labels = mapLabels(analysis.labels(), plan.rule().labels().map());
    for (int number : plan.targets()) {
      if (plan.labelTargets() && !labels.isEmpty()) actions.add(PlannedAction.labels(repository, number, labels));
      if (!analysis.comment().isBlank()) actions.add(PlannedAction.comment(repository, number, analysis.comment()));
    }
    return actions;
  }

  /** Applies {@code labels.map} (e.g. feature -> enhancement), keeping order and dropping duplicates. */
  static List<String> mapLabels(List<String> proposed, Map<String, String> map) {
    Set<String> out = new LinkedHashSet<>();
    for (String label : proposed) {
      String mapped = map.getOrDefault(label, label).strip();
      if (!mapped.isEmpty()) out.add(mapped);
    }
    return List.copyOf(out);
  }
}
