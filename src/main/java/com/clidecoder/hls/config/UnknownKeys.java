package com.clidecoder.hls.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds keys HLS does not know, naming the nearest known key (typos must not pass silently): keys under
 * {@code hls}, and root keys that no reference configuration defines ({@code hsl { }} beside or instead of
 * {@code hls}); {@code pekko} and the other roots of the references stay accepted.
 */
final class UnknownKeys {
  /** Sections whose keys are the user's own names (model names, event types). */
  private static final List<String> OPEN_SECTIONS = List.of("hls.claude.prices.", "hls.analyze.");

  private UnknownKeys() {}

  static List<String> find(Config user, Config reference) {
    List<String> problems = new ArrayList<>(unknownRoots(user, reference));
    problems.addAll(unknownUnderHls(user, reference));
    return problems;
  }

  /** Root keys of the user's file that no reference.conf (nor hls-pekko.conf) has: nothing would read them. */
  private static List<String> unknownRoots(Config user, Config reference) {
    Set<String> known = new TreeSet<>(reference.root().keySet());
    List<String> problems = new ArrayList<>();
    for (String root : new TreeSet<>(user.root().keySet())) {
      if (known.contains(root)) continue;
      problems.add(ConfigUtil.joinPath(root) + ": unknown root key, nothing reads it"
          + nearest(root, known).map(k -> " (did you mean " + k + "?)").orElse(" (HLS settings go under hls { })"));
    }
    return problems;
  }

  private static List<String> unknownUnderHls(Config user, Config reference) {
    // Not an object: the builder reports that; here there are no keys to compare.
    if (!(user.root().get("hls") instanceof ConfigObject)) return List.of();
    Set<String> known = new TreeSet<>();
    leaves(reference.getConfig("hls").root(), "hls", known);
    Set<String> given = new TreeSet<>();
    leaves(user.getConfig("hls").root(), "hls", given);
    List<String> problems = new ArrayList<>();
    for (String key : given) {
      if (known.contains(key) || key.equals("hls.repositories")) continue;
      // A section given as a plain value (hls.server = 5) is a known section of the wrong type: the builder says so.
      if (known.stream().anyMatch(k -> k.startsWith(key + "."))) continue;
      if (OPEN_SECTIONS.stream().anyMatch(key::startsWith)) continue;
      problems.add(key + ": unknown key" + nearest(key, known).map(k -> " (did you mean " + k + "?)").orElse(""));
    }
    return problems;
  }

  /** Leaf paths, null-valued ones included ({@code entrySet} drops those, and secrets default to null). */
  private static void leaves(ConfigObject object, String path, Set<String> into) {
    object.forEach(
        (name, value) -> {
          String key = path + "." + ConfigUtil.joinPath(name);
          if (value instanceof ConfigObject child && !child.isEmpty()) leaves(child, key, into);
          else into.add(key);
        });
  }

  private static java.util.Optional<String> nearest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(3, key.length() / 3) ? java.util.Optional.ofNullable(best) : java.util.Optional.empty();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
