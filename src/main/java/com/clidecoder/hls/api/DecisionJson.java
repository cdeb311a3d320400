package com.clidecoder.hls.api;

import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.store.EventViews;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code decision} of an event in the management API: what HLS planned on GitHub (labels, a
 * comment, each action's status and whether it was a dry run), or that its analysis abstained and why,
 * or that nothing was planned. One shape for the list and the detail, so the CLI and the dashboard say
 * the same thing; {@code text} is that in one line.
 */
final class DecisionJson {
  static final String PLANNED = "planned";
  static final String ABSTAINED = "abstained";
  static final String NO_ACTION = "no action";
  static final String NOT_ANALYSED = "not analysed";

  private DecisionJson() {}

  /** For a listed event: its latest analysis's summary and labels, and its actions' states. */
  static Map<String, Object> of(EventViews.Row r) {
    return decide(r.status(), r.summary(), r.labels(), r.actions());
  }

  /** For one event in full: the same, from its newest analysis and the actions as {@code actions} shows them. */
  static Map<String, Object> of(EventViews.Detail d, List<Map<String, Object>> actions) {
    Optional<EventViews.AnalysisRow> latest = d.analyses().isEmpty()
        ? Optional.empty() : Optional.of(d.analyses().get(d.analyses().size() - 1));
    List<EventViews.ActionBrief> briefs = new ArrayList<>();
    for (int i = 0; i < d.actions().size(); i++) {
      EventViews.ActionRow a = d.actions().get(i);
      List<String> labels = new ArrayList<>();
      if (actions.get(i).get("request") instanceof JsonNode request) {
        request.path("labels").forEach(l -> labels.add(l.asText()));
      }
      briefs.add(new EventViews.ActionBrief(a.kind(), a.status(), a.dryRun(), List.copyOf(labels), a.reason()));
    }
    return decide(d.event().status(), latest.flatMap(EventViews.AnalysisRow::summary),
        latest.map(EventViews.AnalysisRow::labels).orElse(List.of()), briefs);
  }

  /**
   * The labels planned are those a label action carried: the policy may have refused some or all of
   * the proposed ones (its reason is in the step), and a refused label is not shown as planned.
   */
  private static Map<String, Object> decide(EventStatus status, Optional<String> summary, List<String> proposed,
      List<EventViews.ActionBrief> actions) {
    Set<String> plannedLabels = new LinkedHashSet<>();
    boolean comment = false;
    boolean dryRun = false;
    List<String> steps = new ArrayList<>();
    for (EventViews.ActionBrief a : actions) {
      dryRun |= a.dryRun();
      comment |= a.kind().equals("comment");
      if (a.kind().equals("label")) plannedLabels.addAll(a.labels());
      steps.add(a.kind() + " " + a.status() + a.reason().map(why -> " (" + why + ")").orElse(""));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    Optional<String> abstention = summary.flatMap(Analysis::abstentionIn);
    String outcome;
    String reason = null;
    String text;
    if (!steps.isEmpty()) {
      outcome = PLANNED;
      List<String> what = new ArrayList<>();
      if (!plannedLabels.isEmpty()) what.add("labels " + String.join(", ", plannedLabels));
      if (comment) what.add("a comment");
      text = "planned " + (what.isEmpty() ? "actions" : String.join(" and ", what)) + (dryRun ? " (dry run)" : "")
          + ": " + String.join("; ", steps);
    } else if (abstention.isPresent()) {
      outcome = ABSTAINED;
      reason = abstention.get();
      text = "abstained: " + reason + "; no label, no comment";
    } else if (summary.isPresent()) {
      outcome = NO_ACTION;
      reason = proposed.isEmpty()
          ? "the analysis proposed no label and no comment"
          : "the analysis proposed labels " + String.join(", ", proposed)
              + " but no action was planned (labels.auto-apply off or comments not allowed for this event)";
      text = "no action planned: " + reason;
    } else {
      outcome = NOT_ANALYSED;
      text = status == EventStatus.PENDING || status == EventStatus.PROCESSING || status == EventStatus.RETRY
          ? "not analysed yet" : "not analysed (" + status.code + ")";
    }
    m.put("outcome", outcome);
    m.put("reason", reason);
    m.put("labels", List.copyOf(plannedLabels));
    m.put("comment", comment);
    m.put("dry_run", dryRun);
    m.put("text", text);
    return m;
  }
}
