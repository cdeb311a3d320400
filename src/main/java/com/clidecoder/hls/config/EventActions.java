package com.clidecoder.hls.config;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code action} values GitHub sends for each event type HLS handles (GitHub's webhook events
 * reference), so {@code analyze.<event>} and {@code comments.on} reject a misspelt action instead of
 * silently never matching it.
 */
public final class EventActions {
  static final Map<String, Set<String>> KNOWN = Map.of(
      "issues", Set.of("opened", "edited", "deleted", "pinned", "unpinned", "closed", "reopened", "assigned",
          "unassigned", "labeled", "unlabeled", "locked", "unlocked", "transferred", "milestoned", "demilestoned",
          "typed", "untyped"),
      "pull_request", Set.of("opened", "edited", "closed", "reopened", "assigned", "unassigned", "labeled",
          "unlabeled", "locked", "unlocked", "milestoned", "demilestoned", "synchronize", "ready_for_review",
          "converted_to_draft", "review_requested", "review_request_removed", "auto_merge_enabled",
          "auto_merge_disabled", "enqueued", "dequeued"),
      "pull_request_review", Set.of("submitted", "edited", "dismissed"),
      "workflow_run", Set.of("requested", "in_progress", "completed"));

  /**
   * Actions that may comment when an entry leaves {@code comments.on} out: every action analysed by
   * default. synchronize is left out, so even a repository that analyses pushes does not edit per push.
   */
  public static final Set<String> DEFAULT_COMMENT_ON =
      Set.of("opened", "reopened", "ready_for_review", "submitted", "completed");

  private EventActions() {}

  /** The known actions of {@code event}, or every known action when {@code event} is null. */
  static Set<String> known(String event) {
    if (event != null) return KNOWN.getOrDefault(event, Set.of());
    Set<String> all = new TreeSet<>();
    KNOWN.values().forEach(all::addAll);
    return all;
  }

  /** The listed actions, each unknown one reported as a problem of {@code r}'s key {@code path}. */
  static Set<String> read(ConfigReader r, String path, String event) {
    Set<String> known = known(event);
    Set<String> out = new LinkedHashSet<>();
    for (String action : r.strings(path)) {
      if (known.contains(action)) {
        out.add(action);
      } else {
        String of = event == null ? "actions" : "actions of " + event;
        r.problem(path, action, of + ": " + String.join(", ", sorted(known)));
      }
    }
    return out;
  }

  private static List<String> sorted(Collection<String> names) {
    return List.copyOf(new TreeSet<>(names));
  }
}
