package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.RepositoryRule;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.QueuedEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, without I/O, whether an event is worth an analysis: the repository rule, the action, the
 * workflow conclusion, and whether HLS itself (a bot) caused it. Only what passes reaches Claude.
 */
final class EventPlanner {
  private EventPlanner() {}

  static EventPlan plan(QueuedEvent event, HlsConfig config) {
    JsonNode payload;
    try {
      payload = Json.MAPPER.readTree(event.payloadJson());
    } catch (JsonProcessingException e) {
      return new EventPlan.Skip("stored payload is not JSON: " + e.getOriginalMessage());
    }
    Optional<RepositoryRule> match = config.repositories().match(event.repository());
    if (match.isEmpty()) return new EventPlan.Skip("repository " + event.repository() + " is not configured");
    RepositoryRule rule = match.get();
    if (!rule.enabled()) return new EventPlan.Skip("repository " + event.repository() + " is disabled");
    if (!rule.events().contains(event.eventType())) {
      return new EventPlan.Skip("event " + event.eventType() + " is not enabled for " + event.repository());
    }
    Set<String> actions = rule.analyze()
        .flatMap(a -> Optional.ofNullable(a.get(event.eventType())))
        .orElse(config.analysis().actions().getOrDefault(event.eventType(), Set.of()));
    String action = event.action() == null ? "" : event.action();
    if (!actions.contains(action)) {
      return new EventPlan.Skip(event.eventType() + " action '" + action + "' is not analysed");
    }
    Optional<String> bot = causedByBot(payload, config.github().botLogin());
    if (bot.isPresent()) return new EventPlan.Skip("caused by a bot (" + bot.get() + "): not analysed, to avoid loops");
    // A draft changes until it is ready: analysed once, on ready_for_review (whose payload says draft=false).
    if (payload.path("pull_request").path("draft").asBoolean(false)) {
      return new EventPlan.Skip("pull request is a draft: analysed when it is marked ready for review");
    }
    boolean comments = rule.comments().on().contains(action);
    return switch (event.eventType()) {
      case "issues" -> numbered(payload, rule, payload.path("issue").path("number"), 0, true, comments);
      case "pull_request" -> {
        JsonNode n = payload.path("pull_request").path("number");
        yield numbered(payload, rule, n.isMissingNode() ? payload.path("number") : n, n.asInt(), true, comments);
      }
      case "pull_request_review" -> {
        JsonNode n = payload.path("pull_request").path("number");
        yield numbered(payload, rule, n, n.asInt(), false, comments);
      }
      case "workflow_run" -> workflowRun(payload, rule, config.analysis().failingConclusions(), comments);
      default -> new EventPlan.Skip("event type " + event.eventType() + " is not handled");
    };
  }

  private static EventPlan numbered(
      JsonNode payload, RepositoryRule rule, JsonNode number, int pr, boolean labels, boolean comments) {
    if (!number.canConvertToInt() || number.asInt() <= 0) {
      return new EventPlan.Skip("payload has no issue or pull request number");
    }
    return new EventPlan.Analyse(payload, rule, List.of(number.asInt()), pr, labels, comments);
  }

  private static EventPlan workflowRun(JsonNode payload, RepositoryRule rule, Set<String> failing, boolean comments) {
    String conclusion = payload.path("workflow_run").path("conclusion").asText("");
    if (!failing.contains(conclusion)) {
      return new EventPlan.Skip("workflow run concluded '" + conclusion + "', not a failure");
    }
    List<Integer> prs = new ArrayList<>();
    for (JsonNode pr : payload.path("workflow_run").path("pull_requests")) {
      if (pr.path("number").canConvertToInt()) prs.add(pr.path("number").asInt());
    }
    return new EventPlan.Analyse(payload, rule, prs, 0, false, comments);
  }

  /** The sender when it is a bot account or the configured bot login; labelling must not trigger HLS again. */
  static Optional<String> causedByBot(JsonNode payload, Optional<String> botLogin) {
    JsonNode sender = payload.path("sender");
    String login = sender.path("login").asText("");
    if ("Bot".equals(sender.path("type").asText())) return Optional.of(login);
    if (botLogin.isPresent() && botLogin.get().equalsIgnoreCase(login)) return Optional.of(login);
    return Optional.empty();
  }
}
