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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads HOCON: environment overrides, then the user's file, then {@code reference.conf}. Validates
 * everything at once and throws {@link ConfigProblems} listing every bad key.
 */
public final class ConfigLoader {
  /** Environment variables that override config keys; they win over the file. */
  public static final Map<String, String> ENV_KEYS =
      Map.ofEntries(
          Map.entry("HLS_PORT", "hls.server.port"),
          Map.entry("HLS_DATABASE", "hls.database.path"),
          Map.entry("GITHUB_API_URL", "hls.github.api-url"),
          Map.entry("GITHUB_TOKEN", "hls.github.token"),
          Map.entry("GITHUB_APP_ID", "hls.github.app.id"),
          Map.entry("GITHUB_APP_PRIVATE_KEY_FILE", "hls.github.app.private-key-file"),
          Map.entry("HLS_WEBHOOK_SECRET", "hls.github.webhook-secret"),
          Map.entry("ANTHROPIC_BASE_URL", "hls.claude.api-url"),
          Map.entry("ANTHROPIC_API_KEY", "hls.claude.api-key"),
          Map.entry("HLS_ADMIN_TOKEN", "hls.admin.token"),
          Map.entry("HLS_SPOOL_DIR", "hls.spool.dir"),
          Map.entry("HLS_READ_TOKEN", "hls.api.read-token"));

  /** Origin description of values taken from the environment, so problems can say where they came from. */
  static final String ENV_ORIGIN = "environment variable ";

  static final List<String> SECRET_KEYS =
      List.of("github.token", "github.webhook-secret", "claude.api-key", "admin.token", "api.read-token");

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
    // hls-pekko.conf sits above every reference.conf (see its header) and below the user's file.
    Config reference = ConfigFactory.parseResources("hls-pekko.conf").withFallback(ConfigFactory.defaultReference());
    List<String> problems = new ArrayList<>(UnknownKeys.find(user, reference));
    Config merged;
    try {
      merged = envOverrides(env).withFallback(user).withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new ConfigProblems(List.of("configuration cannot be resolved: " + e.getMessage()));
    }
    HlsConfig hls;
    try {
      hls = HlsConfigBuilder.build(merged, file, problems);
    } catch (ConfigException e) {
      // A shape the readers did not foresee: still one clean report, not a stack trace.
      problems.add("configuration is not usable: " + e.getMessage());
      throw new ConfigProblems(problems);
    }
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
      throw new ConfigProblems(List.of(syntaxProblem(file, e)));
    }
  }

  /**
   * The parser quotes the text it stumbled on, which may be a token or key written on the same line
   * ({@code token "SECRET"} without {@code =} is reported as key 'token "SECRET"'). Keep the line
   * and the parser's words, mask every quoted excerpt longer than one character.
   */
  static String syntaxProblem(Path file, ConfigException e) {
    String detail = e.getMessage();
    if (e.origin() != null && detail.startsWith(e.origin().description() + ": ")) {
      detail = detail.substring(e.origin().description().length() + 2);
    }
    detail = Pattern.compile("'([^']*)'").matcher(detail)
        .replaceAll(m -> m.group(1).length() <= 1 ? Matcher.quoteReplacement(m.group()) : "'…'");
    int line = e.origin() != null ? e.origin().lineNumber() : -1;
    return "config file " + file + (line > 0 ? " line " + line : "") + ": syntax error: " + detail;
  }

  private static Config envOverrides(Map<String, String> env) {
    Config overrides = ConfigFactory.empty("environment");
    for (Map.Entry<String, String> e : new TreeMap<>(ENV_KEYS).entrySet()) {
      String v = env.get(e.getKey());
      if (v != null && !v.isBlank()) {
        overrides = overrides.withValue(e.getValue(), ConfigValueFactory.fromAnyRef(v.strip(), ENV_ORIGIN + e.getKey()));
      }
    }
    return overrides;
  }
}
