package com.clidecoder.hls.api;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.EventViews;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of the management API: snake_case field names, timestamps as ISO-8601 UTC, absent
 * values as {@code null}. Payloads are summarised (title, number, sender, url), never sent whole.
 */
final class EventJson {
  /** Where the subject of a delivery sits, by the event types HLS handles (and a few it stores anyway). */
  private static final List<String> SUBJECTS = List.of("issue", "pull_request", "workflow_run", "discussion");

  private EventJson() {}

  static Map<String, Object> row(EventViews.Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("delivery_id", r.deliveryId());
    m.put("event_type", r.eventType());
    m.put("repository", r.repository());
    m.put("action", r.action());
    m.put("status", r.status().code);
    m.put("retry_count", r.retryCount());
    m.put("priority", r.priority());
    m.put("created_at", iso(r.createdAt()));
    m.put("scheduled_at", iso(r.scheduledAt()));
    m.put("started_at", r.startedAt().map(EventJson::iso).orElse(null));
    m.put("completed_at", r.completedAt().map(EventJson::iso).orElse(null));
    m.put("error_message", r.errorMessage().orElse(null));
    m.put("summary", r.summary().orElse(null));
    m.put("labels", r.labels());
    m.put("title", r.subject().title().orElse(null));
    m.put("number", r.subject().number().orElse(null));
    m.put("url", r.subject().url().orElse(githubLink(r.eventType(), r.repository(), r.subject().number().orElse(null))));
    m.put("decision", DecisionJson.of(r));
    return m;
  }

  /**
   * A link built from repository and number when the payload carries none, for issue and pull request
   * events only (a workflow run's number is not an issue's); {@code /issues/N} serves pull requests too.
   */
  static String githubLink(String eventType, String repository, Long number) {
    boolean thread = eventType != null && (eventType.startsWith("issue") || eventType.startsWith("pull_request"));
    if (!thread || number == null || repository == null || !repository.contains("/")) return null;
    return "https://github.com/" + repository + "/issues/" + number;
  }

  static Map<String, Object> page(EventViews.Page p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("events", p.events().stream().map(EventJson::row).toList());
    m.put("next_before_id", p.nextBeforeId().orElse(null));
    return m;
  }

  static Map<String, Object> detail(EventViews.Detail d) {
    Map<String, Object> m = row(d.event());
    Map<String, Object> summary = payloadSummary(d.payloadJson());
    if (summary.get("url") == null) summary.put("url", githubLink(d.event().eventType(), d.event().repository(), (Long) summary.get("number")));
    m.put("payload_summary", summary);
    m.put("analyses", d.analyses().stream().map(EventJson::analysis).toList());
    List<Map<String, Object>> actions = d.actions().stream().map(EventJson::action).toList();
    m.put("actions", actions);
    m.put("decision", DecisionJson.of(d, actions));
    return m;
  }

  static Map<String, Object> analysis(EventViews.AnalysisRow a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("provider", a.provider());
    m.put("model", a.model().orElse(null));
    m.put("summary", a.summary().orElse(null));
    m.put("labels", a.labels());
    m.put("comment", a.comment().orElse(null));
    m.put("priority", a.priority().orElse(null));
    m.put("confidence", a.confidence().orElse(null));
    m.put("input_tokens", a.inputTokens());
    m.put("output_tokens", a.outputTokens());
    m.put("cost_usd", a.costUsd());
    m.put("processing_time_ms", a.processingTimeMs());
    m.put("created_at", iso(a.createdAt()));
    return m;
  }

  static Map<String, Object> action(EventViews.ActionRow a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", a.kind());
    m.put("target", a.target());
    m.put("status", a.status());
    m.put("dry_run", a.dryRun());
    m.put("reason", a.reason().orElse(null));
    m.put("github_id", a.githubId().orElse(null));
    m.put("request", parsedOrText(a.requestJson()));
    m.put("created_at", iso(a.createdAt()));
    m.put("updated_at", iso(a.updatedAt()));
    return m;
  }

  static Map<String, Object> day(EventViews.Day d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", d.date());
    m.put("webhooks", d.webhooks());
    m.put("claude_analyses", d.claudeAnalyses());
    m.put("github_actions", d.githubActions());
    m.put("total_cost_usd", d.totalCostUsd());
    return m;
  }

  /** Title, number, sender and link of what the delivery is about; nulls where the payload has none. */
  static Map<String, Object> payloadSummary(String payloadJson) {
    JsonNode root = parse(payloadJson).orElse(MissingNode.getInstance());
    JsonNode subject = MissingNode.getInstance();
    for (String name : SUBJECTS) {
      if (root.path(name).isObject()) {
        subject = root.path(name);
        break;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", text(subject.has("title") ? subject.path("title") : subject.path("name")));
    JsonNode number = subject.has("number") ? subject.path("number") : subject.path("run_number");
    m.put("number", number.isIntegralNumber() ? number.asLong() : null);
    m.put("sender", text(root.path("sender").path("login")));
    // A review's own link beats its pull request's: it is what the event is about.
    JsonNode url = root.path("review").has("html_url") ? root.path("review").path("html_url") : subject.path("html_url");
    m.put("url", text(url));
    return m;
  }

  private static Object parsedOrText(String json) {
    return parse(json).<Object>map(n -> n).orElse(json);
  }

  private static Optional<JsonNode> parse(String json) {
    if (json == null) return Optional.empty();
    try {
      return Optional.of(Json.MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static String text(JsonNode n) {
    return n.isTextual() ? n.asText() : null;
  }

  static String iso(Instant t) {
    return t.toString();
  }
}
