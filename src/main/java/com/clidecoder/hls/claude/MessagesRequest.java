package com.clidecoder.hls.claude;

import com.clidecoder.hls.config.HlsConfig.OutputMode;
import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The body of {@code POST /v1/messages}. No {@code temperature} or other sampling settings: newer models
 * reject them. The answer is forced into {@link AnalysisSchema} either by structured outputs
 * ({@code output_config.format}) or, for models without them, by one forced tool; newer models reject a
 * forced {@code tool_choice}, which is why structured outputs are the default.
 */
public final class MessagesRequest {
  /** The tool the model must call in {@link OutputMode#TOOL}. */
  public static final String TOOL_NAME = "record_analysis";

  private MessagesRequest() {}

  public static String body(String model, int maxTokens, OutputMode mode, Prompt prompt) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", model);
    body.put("max_tokens", maxTokens);
    body.put("system", prompt.system());
    ObjectNode user = body.putArray("messages").addObject();
    user.put("role", "user");
    user.put("content", prompt.user());
    switch (mode) {
      case JSON_SCHEMA -> {
        ObjectNode format = body.putObject("output_config").putObject("format");
        format.put("type", "json_schema");
        format.set("schema", AnalysisSchema.schema());
      }
      case TOOL -> {
        ObjectNode tool = body.putArray("tools").addObject();
        tool.put("name", TOOL_NAME);
        tool.put("description", "Record the triage analysis of this GitHub event.");
        tool.set("input_schema", AnalysisSchema.schema());
        ObjectNode choice = body.putObject("tool_choice");
        choice.put("type", "tool");
        choice.put("name", TOOL_NAME);
      }
    }
    try {
      return Json.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a request body built from a tree cannot fail to serialise", e);
    }
  }
}
