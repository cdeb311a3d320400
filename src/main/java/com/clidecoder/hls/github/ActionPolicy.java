package com.clidecoder.hls.github;

import com.clidecoder.hls.config.RepositoryRule;
import com.clidecoder.hls.domain.ActionKind;
import com.clidecoder.hls.domain.PlannedAction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The only gate between a model's proposal and GitHub: issue text can tell the model anything, so labels
 * are cut to those the repository has or the rule allows (never created), comments are capped, their
 * {@code @mentions} neutralised and the delivery marker appended. Pure; decisions are values.
 */
public final class ActionPolicy {

  public sealed interface Decision {}

  /** Send {@code sent}; {@code refused} says what was cut or changed, and why. */
  public record Apply(PlannedAction sent, List<String> refused) implements Decision {
    public Apply {
      refused = List.copyOf(refused);
    }
  }

  /** Send nothing. */
  public record Refuse(String reason) implements Decision {}

  /** U+200D after {@code @}: GitHub renders the text but does not notify (CONTRACT.md). */
  public static final String ZERO_WIDTH_JOINER = "\u200D";

  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
  /** GitHub delivery ids are GUIDs; anything that could close the HTML comment is refused. */
  private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /**
   * An {@code @} followed by a handle start is a mention unless it follows a character that can end an
   * e-mail local part ({@code me@example.com} stays intact, as GitHub does not link it either).
   */
  private static final Pattern MENTION = Pattern.compile("(?<![\\p{L}\\p{N}._%+\\-])@(?=[A-Za-z0-9])");
  private static final Pattern DELIVERY_MARKER = Pattern.compile("<!-- hls:delivery=[A-Za-z0-9._:-]{1,128} -->");
  /** A marker-like comment in the model's text could make a later look-up find a forged "already posted". */
  private static final Pattern FORGED_MARKER = Pattern.compile("<!--(?=\\s*hls:)", Pattern.CASE_INSENSITIVE);

  private ActionPolicy() {}

  /** {@code owner/repo} in the characters GitHub allows, so it is safe inside a URL path. */
  public static boolean isRepositoryName(String repository) {
    return repository != null && REPOSITORY.matcher(repository).matches() && !repository.contains("..");
  }

  /** The hidden marker every HLS comment ends with (CONTRACT.md). */
  public static String marker(String deliveryId) {
    return "<!-- hls:delivery=" + deliveryId + " -->";
  }

  /**
   * The hidden marker naming the thread ({@code owner/repo#n}) of the one comment HLS keeps there, so it
   * is found again when its id is not known (a lost row, a restored database). It precedes the delivery
   * marker, which stays last (CONTRACT.md) and names the delivery of the latest analysis.
   */
  public static String threadMarker(String target) {
    return "<!-- hls:thread=" + target + " -->";
  }

  /**
   * Decides one action.
   *
   * @param repositoryLabels the repository's labels, or empty when they are unknown (dry-run): labels
   *     outside {@code labels.allowed} are then reported as unverified and not sent
   */
  public static Decision decide(
      PlannedAction action,
      RepositoryRule rule,
      String deliveryId,
      int maxCommentChars,
      Optional<? extends Collection<String>> repositoryLabels) {
    if (!isRepositoryName(action.repository())) {
      return new Refuse("invalid repository name '" + action.repository() + "'");
    }
    if (action.number() <= 0) return new Refuse("invalid issue number " + action.number());
    return switch (action.kind()) {
      case LABEL -> labels(action, rule, repositoryLabels);
      case COMMENT -> comment(action, rule, deliveryId, maxCommentChars);
      case REVIEW -> new Refuse("review actions are not supported");
    };
  }

  /** True when some proposed label is outside {@code labels.allowed}, so the repository's list is needed. */
  public static boolean needsRepositoryLabels(PlannedAction action, RepositoryRule rule) {
    if (action.kind() != ActionKind.LABEL || !rule.labels().autoApply()) return false;
    Map<String, String> allowed = byLowerCase(rule.labels().allowed());
    return proposed(action, rule).stream().anyMatch(l -> !allowed.containsKey(lower(l)));
  }

  static Decision labels(
      PlannedAction action, RepositoryRule rule, Optional<? extends Collection<String>> repositoryLabels) {
    if (!rule.labels().autoApply()) {
      return new Refuse("labels.auto-apply is off (rule '" + rule.name() + "')");
    }
    List<String> proposed = proposed(action, rule);
    if (proposed.isEmpty()) return new Refuse("no labels proposed");
    Map<String, String> allowed = byLowerCase(rule.labels().allowed());
    Map<String, String> existing = byLowerCase(repositoryLabels.map(List::copyOf).orElse(List.of()));
    Map<String, String> chosen = new LinkedHashMap<>();
    List<String> refused = new ArrayList<>();
    boolean unverified = false;
    for (String label : proposed) {
      String key = lower(label);
      if (chosen.containsKey(key)) continue;
      // The repository's own spelling wins: GitHub would otherwise create a second, differently cased label.
      String spelling = existing.getOrDefault(key, allowed.get(key));
      if (spelling != null) {
        chosen.put(key, spelling);
      } else if (repositoryLabels.isPresent()) {
        refused.add("label '" + printable(label) + "': not a label of " + action.repository()
            + " nor in labels.allowed");
      } else {
        unverified = true;
        refused.add("label '" + printable(label) + "': not verified (repository labels not read in dry-run)"
            + " and not in labels.allowed");
      }
    }
    if (chosen.isEmpty() && !unverified) return new Refuse(String.join("; ", refused));
    return new Apply(
        PlannedAction.labels(action.repository(), action.number(), List.copyOf(chosen.values())), refused);
  }

  static Decision comment(PlannedAction action, RepositoryRule rule, String deliveryId, int maxChars) {
    if (!rule.comments().autoPost()) {
      return new Refuse("comments.auto-post is off (rule '" + rule.name() + "')");
    }
    if (deliveryId == null || !DELIVERY_ID.matcher(deliveryId).matches()) {
      return new Refuse("invalid delivery id: the comment marker cannot be written");
    }
    String body = action.body() == null ? "" : action.body().strip();
    if (body.isEmpty()) return new Refuse("empty comment");
    List<String> changed = new ArrayList<>();
    Matcher forged = FORGED_MARKER.matcher(body);
    if (forged.find()) {
      body = forged.replaceAll("&lt;!--");
      changed.add("comment: marker-like HTML comment escaped");
    }
    int before = body.length();
    body = neutraliseMentions(body);
    int mentions = body.length() - before;
    if (mentions > 0) changed.add("comment: " + mentions + " @mention(s) neutralised");
    if (body.length() > maxChars) {
      changed.add("comment: cut from " + body.length() + " to " + maxChars + " characters (max-comment-chars)");
      body = cut(body, maxChars);
    }
    String sent = body + "\n\n" + threadMarker(action.target()) + "\n" + marker(deliveryId);
    return new Apply(PlannedAction.comment(action.repository(), action.number(), sent), changed);
  }

  /**
   * True when {@code body} is HLS's comment on {@code target}: it ends with that thread's marker and a
   * delivery marker, as {@link #comment} writes them. Text quoting it (a "> " reply) does not match.
   */
  public static boolean isThreadComment(String body, String target) {
    String text = body.replace("\r\n", "\n").strip(); // edited on github.com, a body has CRLF line ends
    int delivery = text.lastIndexOf("\n<!-- hls:delivery=");
    return delivery >= 0 && text.substring(0, delivery).endsWith(threadMarker(target))
        && DELIVERY_MARKER.matcher(text.substring(delivery + 1)).matches();
  }

  /** {@code @alice} becomes {@code @\u200Dalice}; e-mail addresses and already neutralised text stay as they are. */
  public static String neutraliseMentions(String text) {
    return MENTION.matcher(text).replaceAll("@" + ZERO_WIDTH_JOINER);
  }

  /** At most {@code max} chars ending in an ellipsis, never splitting a surrogate pair. */
  private static String cut(String body, int max) {
    if (max <= 1) return "…".substring(0, Math.max(0, max));
    int end = max - 1;
    if (Character.isHighSurrogate(body.charAt(end - 1))) end--;
    return body.substring(0, end) + "…";
  }

  /** Model text quoted in a reason (logged, stored): one short line, so it cannot forge log lines. */
  static String printable(String text) {
    String line = text.replaceAll("\\p{Cntrl}", "?");
    return line.length() <= 60 ? line : line.substring(0, 60) + "…";
  }

  /** Proposed labels after {@code labels.map}, trimmed, blanks dropped. */
  private static List<String> proposed(PlannedAction action, RepositoryRule rule) {
    Map<String, String> map = new LinkedHashMap<>();
    rule.labels().map().forEach((k, v) -> map.put(lower(k), v));
    List<String> out = new ArrayList<>();
    for (String raw : action.labels()) {
      if (raw == null || raw.isBlank()) continue;
      String label = raw.strip();
      out.add(map.getOrDefault(lower(label), label).strip());
    }
    return out;
  }

  private static Map<String, String> byLowerCase(Collection<String> names) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : names) out.putIfAbsent(lower(n), n);
    return out;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
