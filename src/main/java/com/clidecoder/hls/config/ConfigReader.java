package com.clidecoder.hls.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads typed values from a HOCON section and collects what is wrong instead of failing at the first
 * problem, so one startup attempt reports every bad key. Messages use the full key ({@code hls.x.y}).
 */
final class ConfigReader {
  private final Config config;
  private final String prefix;
  private final List<String> problems;

  ConfigReader(Config config, String prefix, List<String> problems) {
    this.config = config;
    this.prefix = prefix;
    this.problems = problems;
  }

  /**
   * The reader of a sub-object. When the value there is not an object, that is reported once and an
   * empty reader is returned whose findings are dropped: the rest of the config is still checked, and
   * the missing sub-keys are not reported on top.
   */
  ConfigReader section(String path) {
    try {
      return new ConfigReader(config.getConfig(path), key(path) + ".", problems);
    } catch (ConfigException.Missing e) {
      problems.add(key(path) + ": is required (an object of settings)" + origin(path));
    } catch (ConfigException e) {
      // The type only, not the value: the section may be the one holding secrets.
      problems.add(key(path) + ": is a " + config.getValue(path).valueType().name().toLowerCase(java.util.Locale.ROOT)
          + ", expected an object of settings" + origin(path));
    }
    return new ConfigReader(ConfigFactory.empty(), key(path) + ".", new ArrayList<>());
  }

  /** Where this reader collects problems (a throwaway list for a section that was not an object). */
  List<String> problems() {
    return problems;
  }

  Config rawConfig() {
    return config;
  }

  String key(String path) {
    return prefix + path;
  }

  void problem(String path, Object value, String allowed) {
    problems.add(key(path) + ": " + describe(value) + " is not valid (" + allowed + ")" + origin(path));
  }

  /** Where a value came from when that is not the file: a value set by the environment is not in it. */
  private String origin(String path) {
    if (!config.hasPath(path)) return "";
    String description = config.getValue(path).origin().description();
    return description.startsWith(ConfigLoader.ENV_ORIGIN) ? " [from " + description + "]" : "";
  }

  boolean has(String path) {
    return config.hasPath(path);
  }

  String string(String path, String fallback) {
    return read(path, () -> config.getString(path), "a string", fallback);
  }

  Optional<String> optionalString(String path) {
    if (!config.hasPath(path)) return Optional.empty();
    String s = string(path, "");
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  Optional<Secret> secret(String path) {
    // Never echo the value of a secret in a problem message.
    if (!config.hasPath(path)) return Optional.empty();
    if (config.getValue(path).valueType() != ConfigValueType.STRING) {
      problems.add(key(path) + ": must be a string" + origin(path));
      return Optional.empty();
    }
    String s = config.getString(path).strip();
    return s.isEmpty() ? Optional.empty() : Optional.of(Secret.of(s));
  }

  boolean bool(String path, boolean fallback) {
    return read(path, () -> config.getBoolean(path), "true or false", fallback);
  }

  long positiveLong(String path) {
    long v = read(path, () -> config.getLong(path), "a whole number above 0", 0L);
    if (v < 1) problem(path, v, "a whole number above 0");
    return v;
  }

  int intIn(String path, int min, int max, int fallback) {
    int v = read(path, () -> config.getInt(path), "a whole number in " + min + ".." + max, fallback);
    if (v < min || v > max) {
      problem(path, v, "allowed: " + min + ".." + max);
      return fallback;
    }
    return v;
  }

  long bytes(String path, long min, long fallback) {
    long v = read(path, () -> config.getBytes(path), "a size in bytes such as 25MiB", fallback);
    if (v < min) {
      problem(path, v, "must be at least " + min);
      return fallback;
    }
    return v;
  }

  double doubleIn(String path, double min, double max, double fallback) {
    double v = read(path, () -> config.getDouble(path), "a number", fallback);
    if (v < min || v > max || Double.isNaN(v)) {
      problem(path, v, "allowed: " + min + ".." + max);
      return fallback;
    }
    return v;
  }

  Duration duration(String path, Duration fallback) {
    Duration d = read(path, () -> config.getDuration(path), "a duration such as 10s or 5m", fallback);
    if (d.isNegative()) {
      problem(path, d, "must not be negative");
      return fallback;
    }
    return d;
  }

  List<String> strings(String path) {
    return read(path, () -> config.getStringList(path), "a list of strings", List.of());
  }

  URI httpUrl(String path, String fallback) {
    String s = string(path, fallback);
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme();
      if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
        problem(path, s, "an http:// or https:// URL with a host");
        return URI.create(fallback);
      }
      return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    } catch (URISyntaxException e) {
      problem(path, s, "an http:// or https:// URL with a host");
      return URI.create(fallback);
    }
  }

  private <T> T read(String path, Supplier<T> getter, String expected, T fallback) {
    try {
      return getter.get();
    } catch (ConfigException.Missing e) {
      problems.add(key(path) + ": is required (" + expected + ")");
    } catch (ConfigException e) {
      Object raw = config.hasPath(path) ? config.getValue(path).unwrapped() : null;
      problem(path, raw, "expected " + expected);
    }
    return fallback;
  }

  private static String describe(Object value) {
    if (value == null) return "null";
    if (value instanceof String s) return "\"" + s + "\"";
    return String.valueOf(value);
  }
}
