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
    boolean labelled = r.actions().stream().anyMatch(a -> a.kind().equals("label"));
    List<String> steps = r.actions().stream().map(a -> a.kind() + " " + a.status()).toList();
    boolean dryRun = r.actions().stream().anyMatch(EventViews.ActionBrief::dryRun);
    boolean comment = r.actions().stream().anyMatch(a -> a.kind().equals("comment"));
    return decide(r.status(), r.summary(), r.labels(), labelled ? r.labels() : List.of(), comment, dryRun, steps);
  }

  /** For one event in full: the labels and comment its actions carried, and its newest analysis. */
  static Map<String, Object> of(EventViews.Detail d, List<Map<String, Object>> actions) {
    Optional<EventViews.AnalysisRow> latest = d.analyses().isEmpty()
        ? Optional.empty() : Optional.of(d.analyses().get(d.analyses().size() - 1));
    Set<String> labels = new LinkedHashSet<>();
    boolean comment = false;
    boolean dryRun = false;
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < d.actions().size(); i++) {
      EventViews.ActionRow a = d.actions().get(i);
      dryRun |= a.dryRun();
      comment |= a.kind().equals("comment");
      steps.add(a.kind() + " " + a.status() + a.reason().map(why -> " (" + why + ")").orElse(""));
      if (a.kind().equals("label") && actions.get(i).get("request") instanceof JsonNode request) {
        request.path("labels").forEach(l -> labels.add(l.asText()));
      }
    }
    return decide(d.event().status(), latest.flatMap(EventViews.AnalysisRow::summary),
        latest.map(EventViews.AnalysisRow::labels).orElse(List.of()), List.copyOf(labels), comment, dryRun, steps);
  }

  private static Map<String, Object> decide(EventStatus status, Optional<String> summary, List<String> proposed,
      List<String> plannedLabels, boolean comment, boolean dryRun, List<String> steps) {
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
    m.put("labels", plannedLabels);
    m.put("comment", comment);
    m.put("dry_run", dryRun);
    m.put("text", text);
    return m;
  }
}
