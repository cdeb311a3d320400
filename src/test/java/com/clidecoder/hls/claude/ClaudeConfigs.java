package com.clidecoder.hls.claude;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.HlsConfig.OutputMode;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.AnalysisRequest;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.TriageHint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Claude configs and requests for tests. The prompts folder defaults to one without files (bundled copy). */
final class ClaudeConfigs {
  static final String API_KEY = "test-ant-test-0123456789abcdef";
  static final String MODEL = "claude-sonnet-4-5";
  static final Map<String, HlsConfig.Price> PRICES = Map.of(
      "default", new HlsConfig.Price(3.0, 15.0),
      MODEL, new HlsConfig.Price(3.0, 15.0),
      "claude-haiku-4-5", new HlsConfig.Price(1.0, 5.0));

  private ClaudeConfigs() {}

  static HlsConfig.Claude online(URI url, OutputMode mode, Path promptsDir) {
    return new HlsConfig.Claude(url, Optional.of(Secret.of(API_KEY)), MODEL, 1024, mode, 10.0,
        Duration.ofSeconds(10), promptsDir, PRICES);
  }

  static HlsConfig.Claude online(URI url) {
    return online(url, OutputMode.JSON_SCHEMA, Path.of("target/no-such-prompts-dir"));
  }

  static HlsConfig.Claude withTimeout(HlsConfig.Claude c, Duration timeout) {
    return new HlsConfig.Claude(c.apiUrl(), c.apiKey(), c.model(), c.maxTokens(), c.outputMode(),
        c.dailyBudgetUsd(), timeout, c.promptsDir(), c.prices());
  }

  static HlsConfig.Claude offline() {
    return new HlsConfig.Claude(URI.create("https://api.anthropic.com"), Optional.empty(), MODEL, 1024,
        OutputMode.JSON_SCHEMA, 10.0, Duration.ofSeconds(10), Path.of("target/no-such-prompts-dir"), PRICES);
  }

  static JsonNode issuePayload(String title, String body, List<String> labels) {
    ObjectNode p = Json.MAPPER.createObjectNode();
    p.put("action", "opened");
    ObjectNode issue = p.putObject("issue");
    issue.put("number", 42);
    issue.put("title", title);
    if (body == null) issue.putNull("body");
    else issue.put("body", body);
    issue.putObject("user").put("login", "octocat");
    issue.put("author_association", "NONE");
    labels.forEach(l -> issue.withArray("labels").addObject().put("name", l));
    if (labels.isEmpty()) issue.putArray("labels");
    p.putObject("repository").put("full_name", "octo-org/hello-world").put("default_branch", "main");
    p.putObject("sender").put("login", "octocat").put("type", "User");
    return p;
  }

  static AnalysisRequest issue(long eventId, String title, String body) {
    return new AnalysisRequest(eventId, "delivery-" + eventId, "issues", "opened", "octo-org/hello-world",
        issuePayload(title, body, List.of()), Optional.empty(), Optional.empty());
  }

  static AnalysisRequest issueWithHint(long eventId, String title, String body, TriageHint hint) {
    return new AnalysisRequest(eventId, "delivery-" + eventId, "issues", "opened", "octo-org/hello-world",
        issuePayload(title, body, List.of()), Optional.empty(), Optional.of(hint));
  }

  static AnalysisRequest ofType(long eventId, String eventType, String action, JsonNode payload, Optional<String> diff) {
    return new AnalysisRequest(eventId, "delivery-" + eventId, eventType, action, "octo-org/hello-world",
        payload, diff, Optional.empty());
  }
}
