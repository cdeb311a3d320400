package com.clidecoder.hls.github;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Each repository's label names for {@code labels-cache-ttl}; owned by one actor, so not thread-safe. */
final class LabelCache {
  private record Entry(List<String> labels, long fetchedAtNanos) {}

  private final Map<String, Entry> entries = new HashMap<>();

  Optional<List<String>> get(String repository, long nowNanos, Duration ttl) {
    Entry e = entries.get(key(repository));
    if (e == null || nowNanos - e.fetchedAtNanos() >= ttl.toNanos()) return Optional.empty();
    return Optional.of(e.labels());
  }

  void put(String repository, List<String> labels, long nowNanos) {
    entries.put(key(repository), new Entry(List.copyOf(labels), nowNanos));
  }

  void clear() {
    entries.clear();
  }

  /** GitHub repository names are case-insensitive. */
  static String key(String repository) {
    return repository.toLowerCase(Locale.ROOT);
  }
}
