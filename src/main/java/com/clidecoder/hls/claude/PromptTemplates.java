package com.clidecoder.hls.claude;

import com.clidecoder.hls.domain.AnalysisRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Finds prompt templates: {@code <name>.txt} in the configured folder ({@code hls.claude.prompts-dir},
 * relative to the working directory) first, so users can edit them, then the copy bundled in the jar
 * under {@code prompts/}. Files on disk are read on every call: they are small, and an edit applies to
 * the next analysis without a restart. The bundled copies cannot change while the jar runs, so each is
 * read from the jar once. Call only off the actor threads (it reads files).
 */
public final class PromptTemplates {
  /** The system prompt shared by all event types. */
  public static final String SYSTEM = "system";

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final String BUNDLED = "prompts/";

  private final Path dir;
  /** Bundled template texts by file name (only those found: names come from a request header). */
  private final Map<String, String> bundled = new ConcurrentHashMap<>();

  public PromptTemplates(Path dir) {
    this.dir = dir;
  }

  /** A template and where it came from (a file path or {@code classpath:prompts/...}). */
  public record Template(String name, String origin, String text) {}

  /** The template named {@code name} (an event type or {@link #SYSTEM}), or empty when there is none. */
  public Optional<Template> find(String name) {
    // Event types come from a header; a strict name keeps "../" and friends out of the file lookup.
    if (!NAME.matcher(name).matches()) return Optional.empty();
    String file = name + ".txt";
    Path onDisk = dir.resolve(file);
    try {
      if (Files.isRegularFile(onDisk)) {
        return Optional.of(new Template(name, onDisk.toString(), Files.readString(onDisk, StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read prompt template " + file + " from " + dir, e);
    }
    String text = bundled.get(file);
    if (text == null) {
      Optional<String> read = readBundled(file);
      if (read.isEmpty()) return Optional.empty();
      text = read.get();
      bundled.put(file, text);
    }
    return Optional.of(new Template(name, "classpath:" + BUNDLED + file, text));
  }

  private static Optional<String> readBundled(String file) {
    try (InputStream in = PromptTemplates.class.getClassLoader().getResourceAsStream(BUNDLED + file)) {
      return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled prompt template " + BUNDLED + file, e);
    }
  }

  /**
   * The system prompt and the event type's template filled from the request, or empty when the event
   * type has no template (a permanent condition for that event until a template is added).
   */
  public Optional<Prompt> prompt(AnalysisRequest request) {
    Optional<Template> user = find(request.eventType());
    if (user.isEmpty()) return Optional.empty();
    String system = find(SYSTEM).map(Template::text).orElse("");
    return Optional.of(PromptRenderer.render(system, user.get().text(), request));
  }

  /** The message for an event type without a template. */
  public String missing(String eventType) {
    return "no prompt template for event type '" + eventType + "': add " + dir.resolve(eventType + ".txt")
        + " (there is no bundled copy either)";
  }

  public Path dir() {
    return dir;
  }
}
