package com.clidecoder.hls.claude;

import com.clidecoder.hls.claude.AnalysisOutcome.Failure;
import com.clidecoder.hls.claude.ClaudeAnalyst.FailureKind;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.HlsConfig.OutputMode;
import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a 2xx Messages API body into an analysis. Content blocks are chosen by {@code type}, never by
 * position: a {@code thinking} or other block may come first. A malformed answer is a retryable failure
 * (the next attempt may well succeed) and keeps the usage, since the call was billed anyway.
 */
final class MessageReader {

  private final HlsConfig.Claude config;

  MessageReader(HlsConfig.Claude config) {
    this.config = config;
  }

  /** What a successful HTTP exchange produced, and what it cost. */
  AnalysisOutcome read(String body, Prompt prompt, String analysisType, long elapsedMs) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return Failure.of(FailureKind.RETRYABLE,
          "Anthropic returned a body that is not JSON: " + ApiErrors.printable(body));
    }
    if (root == null || !root.isObject()) {
      return Failure.of(FailureKind.RETRYABLE, "Anthropic returned JSON that is not a message object");
    }
    JsonNode usageNode = root.path("usage");
    Usage usage = Usage.of(config.model(),
        usageNode.path("input_tokens").asLong(0), usageNode.path("output_tokens").asLong(0),
        config.priceOf(config.model()));
    String stopReason = root.path("stop_reason").asText("");
    if (stopReason.equals("max_tokens")) {
      return retryable("the answer was cut off at max_tokens (" + config.maxTokens()
          + "); raise hls.claude.max-tokens", usage);
    }
    if (stopReason.equals("refusal")) {
      return retryable("the model refused to analyse this event (stop_reason refusal)", usage);
    }
    Optional<JsonNode> answer;
    String problem;
    if (config.outputMode() == OutputMode.TOOL) {
      answer = toolInput(root.path("content"));
      problem = "the answer has no tool_use block for " + MessagesRequest.TOOL_NAME;
    } else {
      Optional<String> text = text(root.path("content"));
      if (text.isEmpty()) return retryable("the answer has no text block " + blockTypes(root), usage);
      try {
        answer = Optional.ofNullable(Json.MAPPER.readTree(text.get()));
      } catch (JsonProcessingException e) {
        return retryable("the answer is not valid JSON: " + ApiErrors.printable(e.getOriginalMessage()), usage);
      }
      problem = "the answer text is empty";
    }
    if (answer.isEmpty()) return retryable(problem + " " + blockTypes(root), usage);
    AnalysisSchema.Read read = AnalysisSchema.read(answer.get());
    if (read instanceof AnalysisSchema.Read.Invalid invalid) {
      return retryable("the answer does not match the analysis schema: " + invalid.problem(), usage);
    }
    AnalysisSchema.Read.Valid valid = (AnalysisSchema.Read.Valid) read;
    return new AnalysisOutcome.Success(new AnalysisRecord(
        AnalysisRecord.ANTHROPIC, config.model(), analysisType, prompt.stored(), body,
        usage.inputTokens(), usage.outputTokens(), usage.costUsd(), elapsedMs, valid.analysis()));
  }

  /** The text of all {@code text} blocks, in order; structured outputs put the JSON there. */
  private static Optional<String> text(JsonNode content) {
    StringBuilder text = new StringBuilder();
    boolean found = false;
    for (JsonNode block : content) {
      if ("text".equals(block.path("type").asText())) {
        text.append(block.path("text").asText(""));
        found = true;
      }
    }
    return found ? Optional.of(text.toString()) : Optional.empty();
  }

  private static Optional<JsonNode> toolInput(JsonNode content) {
    for (JsonNode block : content) {
      if ("tool_use".equals(block.path("type").asText())
          && MessagesRequest.TOOL_NAME.equals(block.path("name").asText())) {
        return Optional.ofNullable(block.get("input"));
      }
    }
    return Optional.empty();
  }

  private static String blockTypes(JsonNode root) {
    List<String> types = new ArrayList<>();
    for (JsonNode block : root.path("content")) types.add(block.path("type").asText("?"));
    return "(content blocks: " + types + ", stop_reason " + root.path("stop_reason").asText("none") + ")";
  }

  private static Failure retryable(String message, Usage usage) {
    return new Failure(FailureKind.RETRYABLE, message, Optional.empty(), Optional.of(usage));
  }
}
