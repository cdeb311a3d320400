package com.clidecoder.hls.config;

import com.clidecoder.hls.config.HlsConfig.OutputMode;
import com.clidecoder.hls.config.HlsConfig.Price;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds {@link HlsConfig} from merged HOCON, adding a problem for every invalid value. */
final class HlsConfigBuilder {
  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private HlsConfigBuilder() {}

  static HlsConfig build(Config merged, Optional<Path> file, List<String> problems) {
    ConfigReader hls = new ConfigReader(merged, "", problems).section("hls");
    return new HlsConfig(
        server(hls.section("server")),
        database(hls.section("database")),
        github(hls.section("github")),
        claude(hls.section("claude")),
        workers(hls.section("workers")),
        analysis(hls),
        new HlsConfig.Admin(hls.section("admin").secret("token")),
        new HlsConfig.Api(hls.section("api").bool("public-read", false), hls.section("api").secret("read-token")),
        new HlsConfig.Features(hls.section("features").bool("signature-validation", true)),
        logging(hls.section("logging")),
        triage(hls.section("triage")),
        new RepositoryRules(RepositoryRulesReader.read(hls.rawConfig(), hls.problems())),
        spool(hls.section("spool")),
        reconcile(hls.section("reconcile")),
        file);
  }

  private static HlsConfig.Server server(ConfigReader r) {
    String host = r.string("host", "127.0.0.1");
    if (host.isBlank()) r.problem("host", host, "an interface name or address such as 127.0.0.1");
    String path = r.string("webhook-path", "/webhook");
    if (!path.matches("/[A-Za-z0-9._~/-]*") || path.endsWith("/") && path.length() > 1) {
      r.problem("webhook-path", path, "a path such as /webhook: starts with /, no trailing /");
      path = "/webhook";
    }
    return new HlsConfig.Server(
        host,
        r.intIn("port", 0, 65535, 8001),
        path,
        r.bytes("max-payload-bytes", 1024, 26214400L),
        positive(r, "commit-timeout", Duration.ofSeconds(10)));
  }

  private static HlsConfig.Database database(ConfigReader r) {
    String raw = r.string("path", "data/webhooks.db");
    Path path = Path.of(raw);
    if (raw.isBlank() || Files.isDirectory(path)) {
      r.problem("path", raw, "a file path such as data/webhooks.db");
    } else if (!folderWritable(path.toAbsolutePath().getParent())) {
      r.problem("path", raw, "its folder must be writable or creatable by this user");
    }
    return new HlsConfig.Database(
        path,
        r.duration("busy-timeout", Duration.ofSeconds(5)),
        r.intIn("pool-size", 2, 64, 4),
        r.intIn("max-batch", 1, 10000, 256),
        r.intIn("intake-buffer", 1, 1_000_000, 10000),
        days(r, "retention", 90, "every event"),
        days(r, "payload-retention", 30, "every payload"));
  }

  /** Zero turns a retention off; anything else must be whole days, at least one (a typo of 90s must not purge). */
  private static Duration days(ConfigReader r, String key, int defaultDays, String keeps) {
    Duration d = r.duration(key, Duration.ofDays(defaultDays));
    if (!d.isZero() && (d.compareTo(Duration.ofDays(1)) < 0 || d.toHours() % 24 != 0)) {
      r.problem(key, d, "whole days such as " + defaultDays + "d (at least 1d), or 0 to keep " + keeps);
      return Duration.ofDays(defaultDays);
    }
    return d;
  }

  /** True when the folder exists and is writable, or its nearest existing ancestor is. */
  static boolean folderWritable(Path folder) {
    Path p = folder;
    while (p != null && !Files.exists(p)) p = p.getParent();
    return p != null && Files.isDirectory(p) && Files.isWritable(p);
  }

  private static HlsConfig.GitHub github(ConfigReader r) {
    Optional<String> bot = r.optionalString("bot-login");
    return new HlsConfig.GitHub(
        r.httpUrl("api-url", "https://api.github.com"),
        r.secret("token"),
        r.secret("webhook-secret"),
        r.bool("dry-run", false),
        r.duration("write-interval", Duration.ofSeconds(1)),
        bot,
        r.intIn("diff-max-bytes", 0, 10_000_000, 100000),
        positive(r, "request-timeout", Duration.ofSeconds(30)),
        r.duration("labels-cache-ttl", Duration.ofMinutes(10)),
        r.intIn("max-comment-chars", 100, 65000, 4000),
        app(r.section("app")));
  }

  /** The app section is off while id and private-key-file are both unset; half of it is a problem. */
  private static Optional<HlsConfig.App> app(ConfigReader r) {
    boolean hasId = r.has("id");
    boolean hasKey = r.optionalString("private-key-file").isPresent();
    Optional<Long> installation = r.has("installation-id")
        ? Optional.of(r.positiveLong("installation-id")) : Optional.empty();
    Duration renewBefore = r.duration("token-renew-before", Duration.ofMinutes(5));
    if (!hasId && !hasKey) return Optional.empty();
    if (!hasId) {
      r.problems().add(r.key("id") + ": is required when " + r.key("private-key-file") + " is set (the App ID)");
      return Optional.empty();
    }
    long id = r.positiveLong("id");
    if (!hasKey) {
      r.problems().add(r.key("private-key-file") + ": is required when " + r.key("id") + " is set (the app's PEM file)");
      return Optional.empty();
    }
    Path file = Path.of(r.optionalString("private-key-file").orElseThrow());
    AppPrivateKey.Result read = AppPrivateKey.read(file);
    if (read.key().isEmpty()) {
      r.problems().add(r.key("private-key-file") + ": the file " + file + " " + read.problem());
      return Optional.empty();
    }
    return Optional.of(new HlsConfig.App(id, file, read.key().get(), installation, renewBefore));
  }

  private static HlsConfig.Claude claude(ConfigReader r) {
    String mode = r.string("output-mode", "json-schema");
    OutputMode outputMode = OutputMode.JSON_SCHEMA;
    if (mode.equals("tool")) outputMode = OutputMode.TOOL;
    else if (!mode.equals("json-schema")) r.problem("output-mode", mode, "allowed: json-schema, tool");
    String model = r.string("model", "claude-sonnet-4-5");
    if (model.isBlank()) r.problem("model", model, "a model name such as claude-sonnet-4-5");
    return new HlsConfig.Claude(
        r.httpUrl("api-url", "https://api.anthropic.com"),
        r.secret("api-key"),
        model,
        r.intIn("max-tokens", 256, 128000, 4000),
        outputMode,
        r.doubleIn("daily-budget-usd", 0, 1_000_000, 10.0),
        positive(r, "request-timeout", Duration.ofSeconds(120)),
        Path.of(r.string("prompts-dir", "conf/prompts")),
        prices(r));
  }

  private static Map<String, Price> prices(ConfigReader r) {
    Map<String, Price> prices = new LinkedHashMap<>();
    if (!r.has("prices")) return prices;
    Config raw;
    try {
      raw = r.rawConfig().getConfig("prices");
    } catch (ConfigException e) {
      r.problem("prices", null, "an object of { input-per-mtok, output-per-mtok } by model");
      return prices;
    }
    ConfigReader section = r.section("prices");
    for (String model : raw.root().keySet()) {
      ConfigReader p = section.section(ConfigUtil.joinPath(model));
      prices.put(
          model,
          new Price(
              p.doubleIn("input-per-mtok", 0, 10_000, 0),
              p.doubleIn("output-per-mtok", 0, 10_000, 0)));
    }
    return prices;
  }

  private static HlsConfig.Workers workers(ConfigReader r) {
    ConfigReader backoff = r.section("backoff");
    Duration min = positive(backoff, "min", Duration.ofSeconds(10));
    Duration max = positive(backoff, "max", Duration.ofMinutes(10));
    if (max.compareTo(min) < 0) backoff.problem("max", max, "must be at least backoff.min (" + min + ")");
    return new HlsConfig.Workers(
        r.bool("enabled", true),
        r.intIn("max-concurrent-analyses", 1, 1000, 4),
        r.intIn("max-retries", 0, 100, 5),
        min,
        max,
        backoff.doubleIn("random-factor", 0, 1, 0.2),
        positive(r, "poll-interval", Duration.ofSeconds(5)),
        positive(r, "lease-timeout", Duration.ofMinutes(5)),
        positive(r, "repo-idle-timeout", Duration.ofMinutes(2)),
        r.duration("shutdown-deadline", Duration.ofSeconds(20)));
  }

  private static HlsConfig.Analysis analysis(ConfigReader hls) {
    Map<String, Set<String>> actions = actionsByEvent(hls, "analyze");
    Set<String> conclusions = new LinkedHashSet<>(hls.strings("failing-conclusions"));
    return new HlsConfig.Analysis(actions, conclusions);
  }

  /** Reads an {@code analyze} block: event type to the list of actions analysed. */
  static Map<String, Set<String>> actionsByEvent(ConfigReader r, String path) {
    Map<String, Set<String>> actions = new LinkedHashMap<>();
    if (!r.has(path)) return actions;
    ConfigReader section = r.section(path);
    for (String event : section.rawConfig().root().keySet()) {
      if (!HlsConfig.HANDLED_EVENTS.contains(event)) {
        section.problem(event, event, "event types: " + String.join(", ", HlsConfig.HANDLED_EVENTS));
        continue;
      }
      actions.put(event, EventActions.read(section, event, event));
    }
    return actions;
  }

  private static HlsConfig.Logging logging(ConfigReader r) {
    String level = r.string("level", "INFO").toUpperCase(java.util.Locale.ROOT);
    if (!LEVELS.contains(level)) {
      r.problem("level", level, "allowed: " + String.join(", ", List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF")));
      level = "INFO";
    }
    return new HlsConfig.Logging(level, Path.of(r.string("file", "logs/hls.log")));
  }

  private static HlsConfig.Triage triage(ConfigReader r) {
    return new HlsConfig.Triage(
        Path.of(r.string("models-dir", "models")), r.doubleIn("min-confidence", 0, 1, 0.6));
  }

  private static HlsConfig.Spool spool(ConfigReader r) {
    String dir = r.string("dir", "spool");
    if (dir.isBlank() || Files.isRegularFile(Path.of(dir))) r.problem("dir", dir, "a folder path such as spool or /var/spool/hls");
    return new HlsConfig.Spool(Path.of(dir), positive(r, "drain-interval", Duration.ofSeconds(30)));
  }

  private static HlsConfig.Reconcile reconcile(ConfigReader r) {
    java.util.List<HlsConfig.Hook> hooks = new java.util.ArrayList<>();
    com.typesafe.config.Config raw = r.rawConfig();
    if (raw.hasPath("hooks")) {
      try {
        java.util.List<? extends com.typesafe.config.Config> entries = raw.getConfigList("hooks");
        for (int i = 0; i < entries.size(); i++) hooks.add(hook(r, i, entries.get(i)));
      } catch (com.typesafe.config.ConfigException.WrongType e) {
        r.problem("hooks", raw.getValue("hooks").render(), "a list of { repository = \"o/r\", id = N } or { org = \"o\", id = N }");
      }
    }
    return new HlsConfig.Reconcile(r.bool("enabled", false), positive(r, "interval", Duration.ofMinutes(10)),
        positive(r, "lookback", Duration.ofHours(24)), r.intIn("max-redeliveries", 1, 10_000, 50), java.util.List.copyOf(hooks));
  }

  private static HlsConfig.Hook hook(ConfigReader r, int i, com.typesafe.config.Config c) {
    String at = "hooks." + i;
    java.util.Optional<String> repo = c.hasPath("repository") ? java.util.Optional.of(c.getString("repository")) : java.util.Optional.empty();
    java.util.Optional<String> org = c.hasPath("org") ? java.util.Optional.of(c.getString("org")) : java.util.Optional.empty();
    if (repo.isPresent() == org.isPresent()) r.problem(at, c.root().render(com.typesafe.config.ConfigRenderOptions.concise()), "exactly one of repository or org");
    if (repo.isPresent() && !repo.get().matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) r.problem(at + ".repository", repo.get(), "owner/repo");
    long id = c.hasPath("id") && c.getValue("id").valueType() == com.typesafe.config.ConfigValueType.NUMBER ? c.getLong("id") : 0;
    if (id <= 0) r.problem(at + ".id", c.hasPath("id") ? c.getValue("id").render() : "missing", "the hook's numeric id, greater than zero");
    return new HlsConfig.Hook(repo, org, id);
  }

  private static Duration positive(ConfigReader r, String path, Duration fallback) {
    Duration d = r.duration(path, fallback);
    if (d.isZero()) {
      r.problem(path, "0", "must be greater than zero");
      return fallback;
    }
    return d;
  }
}
