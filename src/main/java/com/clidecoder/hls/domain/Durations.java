package com.clidecoder.hls.domain;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * Durations typed by people on a command line or in a query string (90s, 15m, 2h, 7d), read the way
 * HOCON reads them so they mean what they mean in the config. A unit is required: a bare number is
 * milliseconds in HOCON, which nobody means when they type {@code --window 60}.
 */
public final class Durations {
  private Durations() {}

  public static Optional<Duration> parse(String raw) {
    if (raw == null || !raw.strip().matches("\\d+\\s*[a-zA-Z]+")) return Optional.empty();
    try {
      return Optional.of(ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(raw.strip())).getDuration("d"));
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }
}
