package com.clidecoder.hls.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads HOCON: environment overrides, then the user's file, then {@code reference.conf}. Validates
 * everything at once and throws {@link ConfigProblems} listing every bad key.
 */
public final class ConfigLoader {
  /** Environment variables that override config keys; they win over the file. */
  public static final Map<String, String> ENV_KEYS =
      Map.of(
          "HLS_PORT", "hls.server.port",
          "HLS_DATABASE", "hls.database.path",
          "GITHUB_API_URL", "hls.github.api-url",
          "GITHUB_TOKEN", "hls.github.token",
          "HLS_WEBHOOK_SECRET", "hls.github.webhook-secret",
          "ANTHROPIC_BASE_URL", "hls.claude.api-url",
          "ANTHROPIC_API_KEY", "hls.claude.api-key",
          "HLS_ADMIN_TOKEN", "hls.admin.token");

  static final List<String> SECRET_KEYS =
      List.of("github.token", "github.webhook-secret", "claude.api-key", "admin.token");

  /** The validated config plus the merged HOCON it came from (pekko settings included). */
  public record Loaded(HlsConfig hls, Config merged) {
    /** The effective {@code hls} section as HOCON with every secret masked. */
    public String renderMasked() {
      Config section = merged.getConfig("hls");
      for (String key : SECRET_KEYS) {
        if (section.hasPath(key) && !section.getIsNull(key)) {
          section = section.withValue(key, ConfigValueFactory.fromAnyRef("****"));
        }
      }
      return "hls " + section.root().render(ConfigRenderOptions.defaults().setOriginComments(false));
    }
  }

  private ConfigLoader() {}

  /** The file named by {@code --config}, else {@code HLS_CONFIG}, else none (embedded defaults). */
  public static Optional<Path> chooseFile(Optional<Path> cliFile, Map<String, String> env) {
    if (cliFile.isPresent()) return cliFile;
    String fromEnv = env.get("HLS_CONFIG");
    return fromEnv == null || fromEnv.isBlank() ? Optional.empty() : Optional.of(Path.of(fromEnv));
  }

  public static Loaded load(Optional<Path> file, Map<String, String> env) {
    Config user = file.map(ConfigLoader::parseFile).orElse(ConfigFactory.empty());
    Config reference = ConfigFactory.defaultReference();
    List<String> problems = new ArrayList<>(UnknownKeys.find(user, reference));
    Config merged;
    try {
      merged = envOverrides(env).withFallback(user).withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new ConfigProblems(List.of("configuration cannot be resolved: " + e.getMessage()));
    }
    HlsConfig hls = HlsConfigBuilder.build(merged, file, problems);
    if (!problems.isEmpty()) throw new ConfigProblems(problems);
    return new Loaded(hls, merged);
  }

  /** Embedded defaults only; used by tests and by {@code serve} with no file and no environment. */
  public static Loaded defaults() {
    return load(Optional.empty(), Map.of());
  }

  private static Config parseFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigProblems(List.of("config file " + file + ": not found or not a regular file"));
    }
    if (!Files.isReadable(file)) {
      throw new ConfigProblems(List.of("config file " + file + ": not readable"));
    }
    try {
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigProblems(List.of("config file " + file + ": " + e.getMessage()));
    }
  }

  private static Config envOverrides(Map<String, String> env) {
    Map<String, Object> values = new HashMap<>();
    ENV_KEYS.forEach(
        (var, key) -> {
          String v = env.get(var);
          if (v != null && !v.isBlank()) values.put(key, v.strip());
        });
    return ConfigFactory.parseMap(values, "environment");
  }
}
