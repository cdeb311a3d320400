package com.clidecoder.hls.claude;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keyword rules that sort an issue or pull request into bug, enhancement, question or documentation.
 * A phrase in the title weighs more than one in the body; an existing label, a conventional-commit
 * prefix ({@code fix:}) or a branch prefix ({@code feature/}) weighs most. Ties go to the earlier type in
 * {@link #TYPES}, so the same text always gets the same answer.
 */
final class IssueClassifier {
  static final List<String> TYPES = List.of("bug", "enhancement", "question", "documentation");

  private static final int TITLE = 3;
  private static final int BODY = 1;
  private static final int LABEL = 6;
  private static final int PREFIX = 5;
  private static final int BRANCH = 3;
  /** Below this score nothing is claimed: one stray word in a long body is not a classification. */
  static final int MIN_SCORE = 2;
  /** Long bodies are mostly logs; the first part says what the issue is. */
  private static final int MAX_BODY_CHARS = 20_000;

  private static final Map<String, List<Phrase>> PHRASES = new LinkedHashMap<>();
  private static final Map<String, List<String>> LABELS = Map.of(
      "bug", List.of("bug", "type: bug", "kind/bug", "defect", "regression"),
      "enhancement", List.of("enhancement", "feature", "feature request", "type: feature", "kind/feature"),
      "question", List.of("question", "support", "help wanted", "type: question"),
      "documentation", List.of("documentation", "docs", "type: docs", "kind/documentation"));
  private static final Map<String, List<String>> COMMIT_PREFIXES = Map.of(
      "bug", List.of("fix", "bugfix", "hotfix"),
      "enhancement", List.of("feat", "feature"),
      "question", List.of(),
      "documentation", List.of("docs", "doc"));
  private static final Pattern CONVENTIONAL = Pattern.compile("^\\s*([a-z]+)(\\([^)]*\\))?!?:");

  static {
    PHRASES.put("bug", patterns("bug", "error", "exception", "crash", "crashes", "crashed", "fails", "failed",
        "failing", "failure", "broken", "doesn't work", "does not work", "not working", "regression",
        "stack trace", "stacktrace", "traceback", "segfault", "panic", "unexpected", "incorrect", "wrong",
        "steps to reproduce", "expected behavior", "expected behaviour", "actual behavior", "repro",
        "segmentation fault", "sigsegv", "breaks", "memory leak", "fix"));
    PHRASES.put("enhancement", patterns("feature request", "feature", "add support", "support for",
        "would be nice", "would be great", "it would be", "please add", "proposal", "propose", "suggestion",
        "enhancement", "improve", "improvement", "option to", "ability to", "allow", "add", "support"));
    PHRASES.put("question", patterns("how do i", "how to", "how can i", "how can we", "is it possible",
        "is there a way", "any way to", "what is", "why does", "why is", "question", "wondering",
        "can i", "help me", "confused", "how", "why", "explain", "anyone"));
    PHRASES.put("documentation", patterns("documentation", "docs", "readme", "typo", "spelling",
        "javadoc", "tutorial", "guide", "example in the", "broken link", "dead link"));
  }

  private IssueClassifier() {}

  /** Scores per type and the matches behind them, in {@link #TYPES} order. */
  record Verdict(Map<String, Integer> scores, List<String> reasons) {
    String best() {
      String best = null;
      for (String type : TYPES) {
        if (best == null || scores.get(type) > scores.get(best)) best = type;
      }
      return scores.get(best) >= MIN_SCORE ? best : null;
    }

    /** Share of the evidence behind the best type, damped when the evidence is thin. */
    double confidence() {
      String best = best();
      if (best == null) return 0.2;
      int total = scores.values().stream().mapToInt(Integer::intValue).sum();
      double share = scores.get(best) / (double) total;
      double strength = Math.min(1.0, scores.get(best) / 8.0);
      return Math.round((0.3 + 0.6 * share * strength) * 100) / 100.0;
    }
  }

  static Verdict classify(String title, String body, List<String> labels, String branch) {
    String t = title.toLowerCase(Locale.ROOT);
    String titleWords = words(title);
    String bodyWords = words(body.length() <= MAX_BODY_CHARS ? body : body.substring(0, MAX_BODY_CHARS));
    Map<String, Integer> scores = new LinkedHashMap<>();
    List<String> reasons = new ArrayList<>();
    for (String type : TYPES) {
      int score = 0;
      for (Phrase p : PHRASES.get(type)) {
        if (p.in(titleWords)) {
          score += TITLE;
          reasons.add(type + ": title says '" + p.text() + "'");
        } else if (p.in(bodyWords)) {
          score += BODY;
          reasons.add(type + ": body says '" + p.text() + "'");
        }
      }
      for (String label : labels) {
        if (LABELS.get(type).contains(label.toLowerCase(Locale.ROOT))) {
          score += LABEL;
          reasons.add(type + ": labelled '" + label + "'");
        }
      }
      var prefix = CONVENTIONAL.matcher(t);
      if (prefix.find() && COMMIT_PREFIXES.get(type).contains(prefix.group(1))) {
        score += PREFIX;
        reasons.add(type + ": title prefix '" + prefix.group(1) + ":'");
      }
      String br = branch.toLowerCase(Locale.ROOT);
      for (String p : COMMIT_PREFIXES.get(type)) {
        if (br.startsWith(p + "/") || br.startsWith(p + "-")) {
          score += BRANCH;
          reasons.add(type + ": branch '" + p + "/...'");
          break;
        }
      }
      if (type.equals("question") && (t.strip().endsWith("?") || t.strip().endsWith("\uFF1F"))) {
        score += TITLE;
        reasons.add("question: title ends with '?'");
      }
      scores.put(type, score);
    }
    return new Verdict(scores, reasons);
  }

  /**
   * Text as its lower-cased words, each surrounded by one space, so a phrase matches whole words with a
   * plain {@code contains}: quick enough for long bodies full of logs, on the actor's thread.
   */
  static String words(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append(' ');
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toLowerCase(text.charAt(i));
      if (Character.isLetterOrDigit(c)) {
        out.append(c);
        inWord = true;
      } else if (inWord) {
        out.append(' ');
        inWord = false;
      }
    }
    if (inWord) out.append(' ');
    return out.toString();
  }

  /** A phrase matched as whole words in text prepared by {@link #words}. */
  record Phrase(String text, String needle) {
    boolean in(String words) {
      return words.contains(needle);
    }
  }

  static List<Phrase> patterns(String... phrases) {
    List<Phrase> list = new ArrayList<>();
    for (String phrase : phrases) list.add(new Phrase(phrase, words(phrase)));
    return list;
  }
}
