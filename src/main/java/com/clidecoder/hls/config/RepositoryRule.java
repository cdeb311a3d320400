package com.clidecoder.hls.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of {@code hls.repositories}: which events of the matching repositories HLS handles and
 * what it may do there. {@code name} is {@code owner/repo}, {@code owner/*} or {@code *}.
 */
public record RepositoryRule(
    String name,
    boolean enabled,
    Set<String> events,
    Labels labels,
    Comments comments,
    Optional<Map<String, Set<String>>> analyze) {

  /**
   * @param autoApply apply labels the analysis proposes
   * @param allowed labels that may be applied even if the repository does not list them yet
   * @param map predicted type to the repository's label name ({@code feature = "enhancement"})
   */
  public record Labels(boolean autoApply, List<String> allowed, Map<String, String> map) {}

  /**
   * @param autoPost post (and keep current) one comment per issue or pull request thread
   * @param on the event actions whose analysis may post or edit that comment; others only label
   */
  public record Comments(boolean autoPost, Set<String> on) {
    public Comments {
      on = Set.copyOf(on);
    }

    public Comments(boolean autoPost) {
      this(autoPost, EventActions.DEFAULT_COMMENT_ON);
    }
  }

  /** 3 for an exact name, 2 for {@code owner/*}, 1 for {@code *}; 0 when it does not match. */
  public int specificity(String fullName) {
    if (name.equals("*")) return 1;
    if (name.endsWith("/*")) {
      String owner = name.substring(0, name.length() - 2);
      return fullName.regionMatches(true, 0, owner + "/", 0, owner.length() + 1) ? 2 : 0;
    }
    return name.equalsIgnoreCase(fullName) ? 3 : 0;
  }
}
