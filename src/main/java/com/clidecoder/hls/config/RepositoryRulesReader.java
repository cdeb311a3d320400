package com.clidecoder.hls.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and validates {@code hls.repositories}. */
final class RepositoryRulesReader {
  // GitHub owners: letters, digits, hyphens; repository names add dots and underscores.
  static final Pattern NAME =
      Pattern.compile("\\*|[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/(?:\\*|[A-Za-z0-9._-]{1,100})");
  private static final Set<String> KEYS =
      Set.of("name", "enabled", "events", "labels", "comments", "analyze");
  private static final Set<String> LABEL_KEYS = Set.of("auto-apply", "allowed", "map");
  private static final Set<String> COMMENT_KEYS = Set.of("auto-post", "on");

  private RepositoryRulesReader() {}

  static List<RepositoryRule> read(Config hls, List<String> problems) {
    List<? extends Config> entries;
    try {
      entries = hls.getConfigList("repositories");
    } catch (ConfigException e) {
      problems.add("hls.repositories: must be a list of { name, enabled, events, labels, comments }");
      return List.of();
    }
    List<RepositoryRule> rules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String prefix = "hls.repositories." + i + ".";
      ConfigReader r = new ConfigReader(entries.get(i), prefix, problems);
      unknown(entries.get(i), KEYS, prefix, problems);
      String name = r.string("name", "");
      if (!NAME.matcher(name).matches()) {
        r.problem("name", name, "\"owner/repo\", \"owner/*\" or \"*\"");
        continue;
      }
      if (!seen.add(name.toLowerCase(java.util.Locale.ROOT))) {
        r.problem("name", name, "each repository name may appear once");
      }
      rules.add(rule(entries.get(i), r, name, prefix, problems));
    }
    return rules;
  }

  private static RepositoryRule rule(
      Config entry, ConfigReader r, String name, String prefix, List<String> problems) {
    Set<String> events = new LinkedHashSet<>(HlsConfig.HANDLED_EVENTS);
    if (r.has("events")) {
      events = new LinkedHashSet<>();
      for (String e : r.strings("events")) {
        if (HlsConfig.HANDLED_EVENTS.contains(e)) events.add(e);
        else r.problem("events", e, "event types: " + String.join(", ", HlsConfig.HANDLED_EVENTS));
      }
    }
    boolean autoApply = true;
    List<String> allowed = List.of();
    Map<String, String> map = new LinkedHashMap<>();
    // Every key of an entry but its name is optional; what is left out takes the documented default.
    if (r.has("labels")) {
      ConfigReader labels = r.section("labels");
      unknown(labels.rawConfig(), LABEL_KEYS, prefix + "labels.", problems);
      if (labels.has("auto-apply")) autoApply = labels.bool("auto-apply", true);
      if (labels.has("allowed")) allowed = labels.strings("allowed");
      if (labels.has("map")) {
        ConfigReader types = labels.section("map");
        for (String type : types.rawConfig().root().keySet()) {
          map.put(type, types.string(com.typesafe.config.ConfigUtil.joinPath(type), type));
        }
      }
    }
    boolean autoPost = true;
    Set<String> commentOn = EventActions.DEFAULT_COMMENT_ON;
    if (r.has("comments")) {
      ConfigReader comments = r.section("comments");
      unknown(comments.rawConfig(), COMMENT_KEYS, prefix + "comments.", problems);
      if (comments.has("auto-post")) autoPost = comments.bool("auto-post", true);
      if (comments.has("on")) commentOn = EventActions.read(comments, "on", null);
    }
    Optional<Map<String, Set<String>>> analyze =
        r.has("analyze") ? Optional.of(HlsConfigBuilder.actionsByEvent(r, "analyze")) : Optional.empty();
    return new RepositoryRule(
        name,
        !r.has("enabled") || r.bool("enabled", true),
        events,
        new RepositoryRule.Labels(autoApply, List.copyOf(allowed), Map.copyOf(map)),
        new RepositoryRule.Comments(autoPost, commentOn),
        analyze);
  }

  private static void unknown(Config c, Set<String> known, String prefix, List<String> problems) {
    for (String key : c.root().keySet()) {
      if (!known.contains(key)) {
        problems.add(prefix + key + ": unknown key (allowed: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }
}
