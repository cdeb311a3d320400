package com.clidecoder.hls.spool;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the spool holds right now: entries waiting to be sent, how long the oldest has waited, and entries
 * kept in {@code rejected/}. {@code /health} shows them under {@code "spool"} with exactly these names
 * ({@code bin/hls monitor} reads them) and {@code /metrics} as the {@code hls_spool_*} gauges.
 */
public record SpoolFigures(Path dir, int depth, long oldestAgeSeconds, int rejected) {
  /** The {@code "spool"} object of {@code /health}. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dir", dir.toString());
    m.put("depth", depth);
    m.put("oldest_age_seconds", oldestAgeSeconds);
    m.put("rejected", rejected);
    return m;
  }
}
