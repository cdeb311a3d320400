package com.clidecoder.hls.claude;

import com.clidecoder.hls.domain.AnalysisRequest;
import com.clidecoder.hls.domain.TriageHint;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a template's {@code {{placeholders}}}. {@code {{repository}}}, {@code {{action}}},
 * {@code {{event}}}, {@code {{diff}}} and {@code {{hint}}} come from the request; any other name is a
 * dotted path into the webhook payload ({@code {{issue.title}}}, {@code {{pull_request.head.ref}}}).
 *
 * <p>Everything a GitHub user can write (titles, bodies, commit messages, diffs, review text) arrives as
 * strings in the payload, so string values are fenced in {@code <untrusted_data>} tags, and any such tag
 * inside the text is neutralised so the text cannot close the fence and speak as the prompt. A single
 * word of a plain alphabet (a login, a state, a branch name, a SHA, a URL) is inserted as it is: it
 * cannot carry markup or a sentence, and fencing every one makes the prompt hard to read. Numbers and
 * booleans are inserted as they are; absent values read {@code (none)}.
 */
public final class PromptRenderer {
  static final String OPEN = "untrusted_data";
  /** Longest text taken from one payload field; GitHub bodies reach 65k characters. Diffs are capped by the pipeline. */
  static final int MAX_FIELD_CHARS = 20_000;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*\\}\\}");
  private static final Pattern TAG = Pattern.compile("(?i)<(\\s*/?\\s*" + OPEN + ")");
  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9._:/#+=-]{1,100}");
  private static final Pattern UNSAFE_NAME = Pattern.compile("[^A-Za-z0-9._/-]");
  private static final String NONE = "(none)";

  private PromptRenderer() {}

  public static Prompt render(String systemTemplate, String userTemplate, AnalysisRequest request) {
    return new Prompt(fill(systemTemplate, request), fill(userTemplate, request));
  }

  public static String fill(String template, AnalysisRequest request) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(value(m.group(1), request)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String value(String name, AnalysisRequest request) {
    return switch (name) {
      // Names GitHub restricts to a safe alphabet; stripped anyway so a forged delivery cannot inject.
      case "repository" -> safeName(request.repository());
      case "action" -> safeName(request.action() == null ? "" : request.action());
      case "event" -> safeName(request.eventType());
      case "diff" -> request.diff().map(d -> fence("diff", d)).orElse("(no diff available)");
      case "hint" -> request.hint().map(PromptRenderer::hint).orElse("(no hint)");
      default -> payloadValue(name, request.payload());
    };
  }

  private static String payloadValue(String path, JsonNode payload) {
    JsonNode node = payload;
    for (String part : path.split("\\.")) {
      if (node == null || part.isEmpty()) return NONE;
      node = node.isArray() && part.chars().allMatch(Character::isDigit) ? node.get(Integer.parseInt(part)) : node.get(part);
    }
    if (node == null || node.isNull() || node.isMissingNode()) return NONE;
    if (node.isNumber() || node.isBoolean()) return node.asText();
    if (node.isTextual()) {
      String text = node.asText();
      if (text.isEmpty()) return "(empty)";
      return PLAIN_WORD.matcher(text).matches() ? text : fence(path, text);
    }
    if (node.isArray()) return node.isEmpty() ? "(none)" : fence(path, joined(node));
    return fence(path, node.toString());
  }

  /** Arrays of labels, users or pull requests read best as their names (or numbers); others as JSON. */
  private static String joined(JsonNode array) {
    List<String> items = new ArrayList<>();
    for (JsonNode item : array) {
      if (item.isValueNode()) items.add(item.asText());
      else if (item.hasNonNull("name")) items.add(item.get("name").asText());
      else if (item.hasNonNull("login")) items.add(item.get("login").asText());
      else if (item.hasNonNull("number")) items.add("#" + item.get("number").asText());
      else items.add(item.toString());
    }
    return String.join(", ", items);
  }

  /** Wraps untrusted text in the data fence, after neutralising any fence tag inside it. */
  public static String fence(String source, String text) {
    String capped = text.length() <= MAX_FIELD_CHARS
        ? text
        : text.substring(0, MAX_FIELD_CHARS) + "\n[... cut at " + MAX_FIELD_CHARS + " characters]";
    return "<" + OPEN + " source=\"" + safeName(source) + "\">\n"
        + neutralise(capped)
        + "\n</" + OPEN + ">";
  }

  /** {@code </untrusted_data>} and {@code <untrusted_data>} in text become inert {@code &lt;...} forms. */
  static String neutralise(String text) {
    return TAG.matcher(text).replaceAll("&lt;$1");
  }

  private static String hint(TriageHint hint) {
    StringBuilder s = new StringBuilder("HLS's embedded classifier predicts '")
        .append(safeName(hint.predictedType()))
        .append("' with confidence ")
        .append(String.format(Locale.ROOT, "%.2f", hint.confidence()));
    if (!hint.probabilities().isEmpty()) {
      List<String> parts = new ArrayList<>();
      hint.probabilities().entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
              .thenComparing(Map.Entry.comparingByKey()))
          .forEach(e -> parts.add(safeName(e.getKey()) + " " + String.format(Locale.ROOT, "%.2f", e.getValue())));
      s.append(" (").append(String.join(", ", parts)).append(')');
    }
    return s.append(". It is a statistical hint, not a verdict.").toString();
  }

  private static String safeName(String s) {
    return UNSAFE_NAME.matcher(s).replaceAll("");
  }
}
