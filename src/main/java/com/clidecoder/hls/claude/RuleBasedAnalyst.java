package com.clidecoder.hls.claude;

import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.AnalysisRequest;
import com.clidecoder.hls.domain.Priority;
import com.clidecoder.hls.domain.TriageHint;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * The default {@link OfflineAnalyst}: keyword rules over title, body, labels and event type (see
 * {@link IssueClassifier}), or, when the pipeline passes the embedded classifier's {@link TriageHint},
 * that prediction instead of the rules. Every comment says it comes from HLS's offline analyst, not
 * from Claude, so nobody mistakes a keyword match for a model's reading.
 */
public final class RuleBasedAnalyst implements OfflineAnalyst {
  static final String RULES_NOTE = "_This triage comes from HLS's offline analyst (keyword rules), not from Claude._";
  static final String HINT_NOTE = "_This triage comes from HLS's offline analyst (its embedded classifier), not from Claude._";

  private static final List<IssueClassifier.Phrase> CRITICAL = IssueClassifier.patterns("security",
      "vulnerability", "vulnerable", "cve", "exploit", "data loss", "remote code execution", "xss",
      "sql injection", "credential leak", "credentials leak", "leaked token", "leaked secret", "leaked password");
  private static final List<IssueClassifier.Phrase> HIGH = IssueClassifier.patterns("crash", "crashes",
      "crashed", "outage", "production", "regression", "urgent", "blocker", "data corruption", "hangs", "deadlock");
  private static final Pattern REPRO = Pattern.compile("(?i)(reproduce|repro|steps)");

  private final DoubleSupplier minConfidence;

  /** Applies every prediction of the classifier, however unsure (tests, and the rules alone). */
  public RuleBasedAnalyst() {
    this(0.0);
  }

  /**
   * @param minConfidence below this, the classifier's prediction is not applied: the analysis abstains
   *     (no type label) and says so ({@code hls.triage.min-confidence})
   */
  public RuleBasedAnalyst(double minConfidence) {
    this(() -> minConfidence);
  }

  /** Reads the threshold for each analysis, so a config reload applies to the next event. */
  public RuleBasedAnalyst(DoubleSupplier minConfidence) {
    this.minConfidence = minConfidence;
  }

  @Override
  public Analysis analyse(AnalysisRequest request) {
    JsonNode p = request.payload();
    return switch (request.eventType()) {
      case "pull_request" -> item(request, p.path("pull_request"), true,
          p.path("pull_request").path("head").path("ref").asText(""));
      case "pull_request_review" -> review(p);
      case "workflow_run" -> workflowRun(p);
      default -> item(request, p.has("issue") ? p.path("issue") : p.path("pull_request"), false, "");
    };
  }

  /** An issue or pull request: classify it by the hint when there is one, else by the rules. */
  private Analysis item(AnalysisRequest request, JsonNode item, boolean isPr, String branch) {
    String title = item.path("title").asText("");
    String body = item.path("body").asText("");
    String ref = (isPr ? "Pull request #" : "Issue #") + item.path("number").asText("?");
    String type;
    double confidence;
    boolean fromHint = request.hint().isPresent();
    if (fromHint) {
      TriageHint hint = request.hint().get();
      type = hint.predictedType().strip().toLowerCase(Locale.ROOT);
      if (type.isEmpty()) type = null;
      confidence = Math.max(0.0, Math.min(1.0, hint.confidence()));
      double threshold = minConfidence.getAsDouble();
      if (type != null && confidence < threshold) return abstain(ref, type, confidence, threshold);
    } else {
      IssueClassifier.Verdict verdict = IssueClassifier.classify(title, body, labelNames(item), branch);
      type = verdict.best();
      confidence = verdict.confidence();
    }
    String words = IssueClassifier.words(title + "\n" + body);
    boolean critical = CRITICAL.stream().anyMatch(p -> p.in(words));
    List<String> labels = new ArrayList<>();
    if (type != null) labels.add(type);
    if (critical && !labels.contains("security")) labels.add("security");
    Priority priority = critical ? Priority.CRITICAL
        : "bug".equals(type) && HIGH.stream().anyMatch(p -> p.in(words)) ? Priority.HIGH
        : "bug".equals(type) ? Priority.MEDIUM
        : Priority.LOW;
    String kind = type == null ? "unclassified" : describe(type, isPr);
    String summary = type == null
        ? ref + " could not be classified by the offline rules."
        : ref + " looks like " + kind + (fromHint ? " (offline classifier)." : " (offline rules).");
    String comment = comment(fromHint ? HINT_NOTE : RULES_NOTE, type, kind, confidence, isPr, body);
    return new Analysis(summary, labels, comment, priority, confidence);
  }

  /** The classifier is not sure enough: no label, no comment, and the stored analysis says why. */
  private static Analysis abstain(String ref, String type, double confidence, double minConfidence) {
    String why = String.format(Locale.ROOT, "the embedded classifier leans to '%s' with confidence %.2f, below"
        + " hls.triage.min-confidence %.2f", type, confidence, minConfidence);
    // No comment either: "I am not sure" on an issue is noise; the stored summary records the abstention.
    return new Analysis(ref + ": no label applied (" + Analysis.ABSTAINED + why + ").", List.of(), "",
        Priority.LOW, confidence);
  }

  private static String describe(String type, boolean pullRequest) {
    return switch (type) {
      case "bug" -> pullRequest ? "a bug fix" : "a bug report";
      case "enhancement", "feature" -> pullRequest ? "a new feature" : "a feature request";
      case "question" -> "a question";
      case "documentation" -> pullRequest ? "a documentation change" : "a documentation issue";
      default -> "'" + type + "'";
    };
  }

  private static String comment(
      String note, String type, String kind, double confidence, boolean isPr, String body) {
    StringBuilder c = new StringBuilder(note).append("\n\n");
    if (type == null) {
      return c.append("The offline analyst could not tell what kind of ")
          .append(isPr ? "change" : "issue").append(" this is; a maintainer will take a look.").toString();
    }
    c.append("This looks like **").append(kind).append("** (confidence ")
        .append(String.format(Locale.ROOT, "%.2f", confidence)).append(").");
    if (!isPr && type.equals("bug") && !REPRO.matcher(body).find()) {
      c.append(" To help maintainers reproduce it, please add the steps to reproduce, what you expected,"
          + " what happened instead, and the version you use.");
    } else if (!isPr && (type.equals("enhancement") || type.equals("feature"))) {
      c.append(" Describing the use case behind the request helps maintainers weigh it.");
    } else if (!isPr && type.equals("question")) {
      c.append(" A maintainer or community member will follow up; the documentation may already answer it.");
    }
    return c.toString();
  }

  private static Analysis review(JsonNode p) {
    JsonNode review = p.path("review");
    String state = review.path("state").asText("commented").toLowerCase(Locale.ROOT);
    String ref = "pull request #" + p.path("pull_request").path("number").asText("?");
    String what = switch (state) {
      case "changes_requested" -> "A reviewer requested changes on " + ref + ".";
      case "approved" -> "A reviewer approved " + ref + ".";
      default -> "A reviewer commented on " + ref + ".";
    };
    Priority priority = state.equals("changes_requested") ? Priority.MEDIUM : Priority.LOW;
    String comment = state.equals("changes_requested")
        ? RULES_NOTE + "\n\n" + what + " Please address the review before merging."
        : "";
    return new Analysis(what + " (offline rules)", List.of(), comment, priority, 0.5);
  }

  private static Analysis workflowRun(JsonNode p) {
    JsonNode run = p.path("workflow_run");
    String rawName = run.path("name").asText("");
    String name = code(rawName.isBlank() ? "(unnamed)" : rawName);
    String branch = run.path("head_branch").asText("");
    String sha = run.path("head_sha").asText("");
    String conclusion = run.path("conclusion").asText("failure");
    boolean onDefault = !branch.isEmpty()
        && branch.equals(p.path("repository").path("default_branch").asText(null));
    String what = "The workflow " + name + " ended with " + code(conclusion) + " on branch " + code(branch)
        + (sha.length() >= 7 ? " at commit " + code(sha.substring(0, 7)) : "") + ".";
    String comment = RULES_NOTE + "\n\n" + what
        + " Open the run's logs to see which step failed; re-run it if the failure looks unrelated to the change.";
    return new Analysis(what + " (offline rules)", List.of("ci"), comment,
        onDefault ? Priority.HIGH : Priority.MEDIUM, 0.9);
  }

  /** Names from the payload shown as code spans, so GitHub renders them literally and mentions stay inert. */
  private static String code(String s) {
    return "`" + s.replace("`", "'").replaceAll("[\\r\\n]+", " ") + "`";
  }

  private static List<String> labelNames(JsonNode item) {
    List<String> names = new ArrayList<>();
    for (JsonNode label : item.path("labels")) names.add(label.path("name").asText(""));
    return names;
  }
}
