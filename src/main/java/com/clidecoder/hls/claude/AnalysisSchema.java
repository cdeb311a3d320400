package com.clidecoder.hls.claude;

import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.Priority;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one JSON shape every answer must take, as the schema sent to the API and as the check applied to
 * what comes back. Structured outputs reject numeric bounds such as {@code minimum}/{@code maximum}, so
 * the 0..1 range of {@code confidence} is stated in its description and enforced here instead.
 */
public final class AnalysisSchema {
  static final List<String> FIELDS = List.of("summary", "labels", "comment", "priority", "confidence");

  private AnalysisSchema() {}

  /** What reading a model's answer gave: an analysis, or the first way it broke the schema. */
  public sealed interface Read {
    record Valid(Analysis analysis) implements Read {}

    record Invalid(String problem) implements Read {}
  }

  /** A fresh copy of the schema (callers embed it in request bodies). */
  public static ObjectNode schema() {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("type", "object");
    ObjectNode props = s.putObject("properties");
    props.putObject("summary").put("type", "string")
        .put("description", "One or two sentences saying what the event is about.");
    ObjectNode labels = props.putObject("labels");
    labels.put("type", "array")
        .put("description", "Labels to apply, e.g. bug, enhancement, question, documentation. May be empty.");
    labels.putObject("items").put("type", "string");
    props.putObject("comment").put("type", "string")
        .put("description", "A short, helpful public comment in Markdown. No @mentions. Empty when nothing useful to say.");
    ObjectNode priority = props.putObject("priority");
    priority.put("type", "string");
    for (Priority p : Priority.values()) priority.withArray("enum").add(p.code);
    props.putObject("confidence").put("type", "number")
        .put("description", "How sure the analysis is, from 0 (a guess) to 1 (certain).");
    FIELDS.forEach(f -> s.withArray("required").add(f));
    s.put("additionalProperties", false);
    return s;
  }

  /** Checks an answer against the schema, including what the API cannot enforce (the confidence range). */
  public static Read read(JsonNode answer) {
    if (answer == null || !answer.isObject()) return invalid("the answer is not a JSON object");
    for (String field : FIELDS) {
      if (!answer.has(field) || answer.get(field).isNull()) return invalid("field '" + field + "' is missing");
    }
    Optional<String> extra = extraField(answer);
    if (extra.isPresent()) return invalid("field '" + extra.get() + "' is not in the schema");
    JsonNode summary = answer.get("summary");
    JsonNode comment = answer.get("comment");
    JsonNode labels = answer.get("labels");
    JsonNode priority = answer.get("priority");
    JsonNode confidence = answer.get("confidence");
    if (!summary.isTextual()) return invalid("'summary' must be a string");
    if (!comment.isTextual()) return invalid("'comment' must be a string");
    if (!labels.isArray()) return invalid("'labels' must be an array of strings");
    List<String> labelList = new ArrayList<>();
    for (JsonNode l : labels) {
      if (!l.isTextual()) return invalid("'labels' must be an array of strings");
      labelList.add(l.asText());
    }
    Optional<Priority> p = priority.isTextual() ? Priority.fromCode(priority.asText()) : Optional.empty();
    if (p.isEmpty()) {
      return invalid("'priority' must be one of low, medium, high, critical, not " + priority);
    }
    if (!confidence.isNumber()) return invalid("'confidence' must be a number");
    double c = confidence.asDouble();
    if (!(c >= 0.0 && c <= 1.0)) return invalid("'confidence' must be between 0 and 1, not " + confidence);
    return new Read.Valid(new Analysis(summary.asText(), labelList, comment.asText(), p.get(), c));
  }

  private static Optional<String> extraField(JsonNode answer) {
    Set<String> known = Set.copyOf(FIELDS);
    for (Iterator<String> it = answer.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) return Optional.of(name);
    }
    return Optional.empty();
  }

  private static Read invalid(String problem) {
    return new Read.Invalid(problem);
  }
}
