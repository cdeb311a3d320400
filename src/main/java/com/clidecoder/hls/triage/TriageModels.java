package com.clidecoder.hls.triage;

import com.clidecoder.hls.domain.TriageHint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Where triage models live: one file per repository in the models folder ({@code hls.triage.models-dir}),
 * an optional {@code default.model} there that replaces the bundled one, and the default model shipped
 * in the jar. Loaded models are cached and reloaded when their file changes (a retrain while running).
 */
public final class TriageModels {
  /** The default model inside the jar, produced by the command in docs/triage.md. */
  public static final String BUNDLED_DEFAULT = "triage/default-model.bin";
  /** A default model in the models folder takes precedence over the bundled one. */
  public static final String LOCAL_DEFAULT = "default.model";

  private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

  private record Loaded(FileTime modified, TriageModel model) {}

  private final Path dir;
  private final Map<Path, Loaded> cache = new ConcurrentHashMap<>();

  public TriageModels(Path modelsDir) {
    this.dir = modelsDir;
  }

  public Path dir() {
    return dir;
  }

  /** The file of a repository's model: {@code owner__repo.model}, lower-cased. */
  public Path pathFor(String repo) {
    if (!REPO.matcher(repo).matches() || repo.contains("..")) {
      throw new IllegalArgumentException("not a repository name (owner/repo): " + repo);
    }
    return dir.resolve(repo.toLowerCase(Locale.ROOT).replace("/", "__") + ".model");
  }

  /** The repository's own model when one was trained for it. */
  public Optional<TriageModel> forRepo(String repo) {
    return cached(pathFor(repo));
  }

  /** The repository's model, else {@link #defaultModel}. */
  public TriageModel modelFor(String repo) {
    return forRepo(repo).orElseGet(this::defaultModel);
  }

  /** The models folder's {@code default.model} when there is one, else the bundled default. */
  public TriageModel defaultModel() {
    return cached(dir.resolve(LOCAL_DEFAULT)).orElseGet(TriageModels::bundledDefault);
  }

  /** Predicts with {@link #modelFor}. */
  public TriageHint predict(String repo, String title, String body) {
    return modelFor(repo).predict(title, body);
  }

  /** Saves a repository's model where {@link #forRepo} finds it. */
  public Path save(String repo, TriageModel model) throws IOException {
    Path file = pathFor(repo);
    model.save(file);
    cache.remove(file);
    return file;
  }

  private Optional<TriageModel> cached(Path file) {
    if (!Files.isRegularFile(file)) return Optional.empty();
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      Loaded hit = cache.get(file);
      if (hit != null && hit.modified().equals(modified)) return Optional.of(hit.model());
      TriageModel model = TriageModel.load(file);
      cache.put(file, new Loaded(modified, model));
      return Optional.of(model);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load triage model " + file, e);
    }
  }

  /** The default model bundled in the jar (loaded once per JVM; it cannot change). */
  public static TriageModel bundledDefault() {
    return Holder.MODEL;
  }

  private static final class Holder {
    static final TriageModel MODEL = loadBundled();

    private static TriageModel loadBundled() {
      try (InputStream in = TriageModels.class.getClassLoader().getResourceAsStream(BUNDLED_DEFAULT)) {
        if (in == null) throw new IllegalStateException("the bundled triage model " + BUNDLED_DEFAULT + " is missing from the classpath");
        return TriageModel.read(in, "classpath:" + BUNDLED_DEFAULT);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the bundled triage model", e);
      }
    }
  }
}
