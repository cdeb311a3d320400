package com.clidecoder.hls.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Turns the seed's {@code config/settings.yaml} into an HLS HOCON file (docs/migration.md ("settings.yaml to HOCON") has
 * the table). A secret's value is never written: each secret becomes a {@code ${?ENV}} substitution and
 * a note saying which variable to set. Keys HLS has no counterpart for are carried as comments.
 */
public final class SeedSettingsImport {
  /** The HOCON text and what the user should be told on stderr (never a secret's value). */
  public record Result(String hocon, List<String> notes) {}

  /** The YAML cannot be read: one line naming the line and column. */
  public static final class MalformedYaml extends RuntimeException {
    MalformedYaml(String message) {
      super(message);
    }
  }

  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern SECRET_LIKE = Pattern.compile("(?i)token|secret|key|passw|credential|private");
  private static final Pattern REPO_NAME = RepositoryRulesReader.NAME;

  private final String source;
  private final HoconWriter out = new HoconWriter();
  private final List<String> notes = new ArrayList<>();

  private SeedSettingsImport(String source) {
    this.source = source;
  }

  /** @param source how the file is named in notes and in the output's header */
  public static Result convert(String yaml, String source) {
    Map<String, Object> root = parse(yaml, source);
    SeedSettingsImport i = new SeedSettingsImport(source);
    i.out.comment("Imported by bin/hls config import from " + source + " (the seed's settings.yaml).");
    i.out.comment("Check it with: bin/hls config check --config THIS_FILE");
    i.out.open("hls");
    i.server(YamlTree.section(root, "server"));
    i.database(YamlTree.section(root, "database"));
    i.github(YamlTree.section(root, "github"));
    i.claude(YamlTree.section(root, "claude"));
    Map<String, Object> features = YamlTree.section(root, "features");
    i.features(features);
    i.logging(YamlTree.section(root, "logging"));
    i.repositories(root.get("repositories"), features.get("auto_labeling"));
    for (String key : root.keySet()) {
      if (!List.of("server", "database", "github", "claude", "features", "logging", "repositories").contains(key)) {
        i.unmapped(key, root.get(key));
      }
    }
    i.out.close();
    return new Result(i.out.text(), List.copyOf(i.notes));
  }

  private static Map<String, Object> parse(String yaml, String source) {
    Object loaded;
    try {
      loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (MarkedYAMLException e) {
      // The problem and its mark only: the context snippet could quote a secret written on that line.
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String at = m != null ? " line " + (m.getLine() + 1) + " column " + (m.getColumn() + 1) : "";
      throw new MalformedYaml(source + at + ": malformed YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new MalformedYaml(source + ": malformed YAML: " + e.getClass().getSimpleName());
    }
    if (loaded == null) return Map.of();
    if (!(loaded instanceof Map<?, ?> map)) {
      throw new MalformedYaml(source + " line 1 column 1: expected a mapping of settings (server:, github:, ...) at the top");
    }
    return YamlTree.stringKeys(map);
  }

  private void server(Map<String, Object> s) {
    out.open("server");
    plain(s, "server.", "host", "host");
    plain(s, "server.", "port", "port");
    plain(s, "server.", "webhook_path", "webhook-path");
    rest(s, "server.", "host", "port", "webhook_path");
    out.close();
  }

  private void database(Map<String, Object> s) {
    out.open("database");
    plain(s, "database.", "path", "path");
    rest(s, "database.", "path");
    out.close();
  }

  private void github(Map<String, Object> s) {
    out.open("github");
    secret(s, "github.", "token", "token", "GITHUB_TOKEN");
    secret(s, "github.", "webhook_secret", "webhook-secret", "HLS_WEBHOOK_SECRET");
    rest(s, "github.", "token", "webhook_secret");
    out.close();
  }

  private void claude(Map<String, Object> s) {
    out.open("claude");
    secret(s, "claude.", "api_key", "api-key", "ANTHROPIC_API_KEY");
    plain(s, "claude.", "model", "model");
    plain(s, "claude.", "max_tokens", "max-tokens");
    rest(s, "claude.", "api_key", "model", "max_tokens");
    out.close();
  }

  private void features(Map<String, Object> s) {
    out.open("features");
    plain(s, "features.", "signature_validation", "signature-validation");
    if (s.containsKey("async_processing")) {
      out.comment("seed features.async_processing = " + YamlTree.render(s.get("async_processing"))
          + ": HLS always queues first and analyses later; there is no switch for it.");
      if (!Boolean.TRUE.equals(s.get("async_processing"))) {
        notes.add("features.async_processing: HLS always processes asynchronously; carried as a comment");
      }
    }
    if (s.containsKey("auto_labeling")) {
      out.comment("seed features.auto_labeling = " + YamlTree.render(s.get("auto_labeling"))
          + ": folded into each repository's labels.auto-apply below.");
    }
    rest(s, "features.", "signature_validation", "async_processing", "auto_labeling");
    out.close();
  }

  private void logging(Map<String, Object> s) {
    out.open("logging");
    plain(s, "logging.", "level", "level");
    plain(s, "logging.", "file", "file");
    rest(s, "logging.", "level", "file");
    out.close();
  }

  private void repositories(Object list, Object autoLabeling) {
    if (list == null) return;
    if (!(list instanceof List<?> entries)) {
      unmapped("repositories", list);
      return;
    }
    out.comment("Replaces HLS's default rule for every repository (name = \"*\").");
    out.openList("repositories");
    boolean catchAllTaken = false;
    for (int n = 0; n < entries.size(); n++) {
      String at = "repositories." + n + ".";
      if (!(entries.get(n) instanceof Map<?, ?> raw)) {
        unmapped("repositories." + n, entries.get(n));
        continue;
      }
      Map<String, Object> e = YamlTree.stringKeys(raw);
      String name = String.valueOf(e.getOrDefault("name", ""));
      if (!REPO_NAME.matcher(name).matches()) {
        if (catchAllTaken) {
          unmapped("repositories." + n, e);
          continue;
        }
        catchAllTaken = true;
        notes.add(at + "name " + HoconWriter.quote(name) + " is not owner/repo: imported as \"*\" (every repository);"
            + " write the owner/repo it stands for to limit the rule");
        out.comment("seed name: " + name + " (not owner/repo; put the real owner/repo here to limit this rule)");
        name = "*";
      } else if (name.equals("*")) {
        catchAllTaken = true;
      }
      out.openObject();
      out.value("name", name);
      plain(e, at, "enabled", "enabled");
      events(e, at);
      labels(YamlTree.section(e, "labels"), at + "labels.", autoLabeling);
      out.open("comments");
      plain(YamlTree.section(e, "comments"), at + "comments.", "auto_post", "auto-post");
      rest(YamlTree.section(e, "comments"), at + "comments.", "auto_post");
      out.close();
      rest(e, at, "name", "enabled", "events", "labels", "comments");
      out.close();
    }
    out.closeList();
  }

  private void events(Map<String, Object> e, String at) {
    if (!e.containsKey("events")) return;
    if (!(e.get("events") instanceof List<?> events)) {
      unmapped(at + "events", e.get("events"));
      return;
    }
    List<String> kept = new ArrayList<>();
    for (Object ev : events) {
      if (HlsConfig.HANDLED_EVENTS.contains(String.valueOf(ev))) kept.add(String.valueOf(ev));
      else unmapped(at + "events", ev);
    }
    out.value("events", kept);
  }

  private void labels(Map<String, Object> l, String at, Object autoLabeling) {
    out.open("labels");
    if (Boolean.FALSE.equals(autoLabeling)) {
      out.comment("features.auto_labeling = false turns labelling off here (seed labels.auto_apply = "
          + YamlTree.render(l.getOrDefault("auto_apply", true)) + ")");
      out.value("auto-apply", false);
    } else {
      plain(l, at, "auto_apply", "auto-apply");
    }
    out.comment("HLS's default: the embedded classifier's \"feature\" is GitHub's \"enhancement\" label.");
    out.raw("map { feature = \"enhancement\" }");
    rest(l, at, "auto_apply");
    out.close();
  }

  /** A value copied as it is; {@code config check} judges its type and range. */
  private void plain(Map<String, Object> s, String at, String yamlKey, String hoconKey) {
    if (!s.containsKey(yamlKey)) return;
    Object v = s.get(yamlKey);
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      unmapped(at + yamlKey, v);
      return;
    }
    if (v != null) out.value(hoconKey, v);
  }

  /** A secret: a substitution of the variable the YAML names, or of HLS's own variable for a literal. */
  private void secret(Map<String, Object> s, String at, String yamlKey, String hoconKey, String hlsVariable) {
    if (!s.containsKey(yamlKey) || s.get(yamlKey) == null || String.valueOf(s.get(yamlKey)).isBlank()) return;
    String value = String.valueOf(s.get(yamlKey)).strip();
    Matcher ref = ENV_REFERENCE.matcher(value);
    if (ref.matches()) {
      out.raw(hoconKey + " = ${?" + ref.group(1) + "}");
      if (!ref.group(1).equals(hlsVariable)) {
        notes.add(at + yamlKey + ": read from $" + ref.group(1) + " as in the seed (HLS's own variable is " + hlsVariable + ")");
      }
      return;
    }
    out.comment("the seed's file held this secret's value; it is not copied: set " + hlsVariable);
    out.raw(hoconKey + " = ${?" + hlsVariable + "}");
    notes.add(at + yamlKey + " had a literal value in " + source + ": not written; set the environment variable "
        + hlsVariable + " to it (and remove it from the YAML)");
  }

  private void rest(Map<String, Object> s, String at, String... mapped) {
    for (String key : s.keySet()) {
      if (!List.of(mapped).contains(key)) unmapped(at + key, s.get(key));
    }
  }

  private void unmapped(String key, Object value) {
    // A key HLS does not know may still hold a credential (a private key, a password): never copy those.
    String shown = SECRET_LIKE.matcher(key).find() ? "(value not copied: it may be a secret)" : YamlTree.render(value);
    out.comment("seed " + key + " = " + shown + ": HLS has no such setting");
    notes.add(key + ": HLS has no such setting; carried as a comment");
  }
}
