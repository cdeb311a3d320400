package com.clidecoder.hls.app;

import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.config.ConfigProblems;
import com.clidecoder.hls.config.HlsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the file the service started with (same environment overrides) and publishes the new
 * {@link HlsConfig} to its listeners, so rules, labels, prompts and budgets apply to the next event. An
 * invalid file is refused with the loader's own messages and the running config stays. Settings bound
 * at start (listening address, webhook path, body cap, database) are reported as needing a restart.
 */
public final class ConfigReloader {
  private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

  private final ConfigLoader.Loaded initial;
  private final Map<String, String> env;
  private final AtomicReference<HlsConfig> current;
  private final List<Consumer<HlsConfig>> listeners = new CopyOnWriteArrayList<>();

  public ConfigReloader(ConfigLoader.Loaded initial, Map<String, String> env) {
    this.initial = initial;
    this.env = Map.copyOf(env);
    this.current = new AtomicReference<>(initial.hls());
  }

  /** What a reload did. */
  public sealed interface Result {}

  /**
   * The new config is in force. {@code restartRequired} names keys whose new value applies only after
   * a restart; {@code listenerFailures} names listeners that threw while taking it.
   */
  public record Reloaded(HlsConfig config, List<String> restartRequired, List<String> listenerFailures)
      implements Result {}

  /** The file was not used; the running config stays. */
  public record Rejected(List<String> problems) implements Result {}

  public HlsConfig current() {
    return current.get();
  }

  /** Called with every config that a reload puts in force (not with the one the service started on). */
  public void addListener(Consumer<HlsConfig> listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  /** Reads and validates the file again; blocks on file I/O, so call it off the default dispatcher. */
  public synchronized Result reload() {
    HlsConfig next;
    try {
      next = ConfigLoader.load(initial.hls().sourceFile(), env).hls();
    } catch (ConfigProblems e) {
      log.warn("event=reload_rejected file={} problems={}", fileName(), e.problems().size());
      e.problems().forEach(p -> log.warn("event=reload_problem problem=\"{}\"", p));
      return new Rejected(e.problems());
    }
    HlsConfig previous = current.getAndSet(next);
    // Restart-bound keys are compared with what the service started on: a second reload must not hide them.
    List<String> restart = restartRequired(initial.hls(), next);
    List<String> failures = new ArrayList<>();
    for (Consumer<HlsConfig> listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        // One broken listener must not keep the others on the old config; it is reported, not hidden.
        log.error("event=reload_listener_failed listener={} error={}", listener.getClass().getName(), e.toString(), e);
        failures.add(listener.getClass().getName() + ": " + e.getMessage());
      }
    }
    log.info("event=reloaded file={} changed={} restart_required={}",
        fileName(), !previous.equals(next), restart.isEmpty() ? "none" : String.join(",", restart));
    return new Reloaded(next, restart, failures);
  }

  private String fileName() {
    return initial.hls().sourceFile().map(Object::toString).orElse("(embedded defaults)");
  }

  /** Keys under {@code hls} whose value differs from the running service's and only apply at start. */
  static List<String> restartRequired(HlsConfig started, HlsConfig next) {
    List<String> keys = new ArrayList<>();
    HlsConfig.Server a = started.server();
    HlsConfig.Server b = next.server();
    if (!a.host().equals(b.host())) keys.add("server.host");
    if (a.port() != b.port()) keys.add("server.port");
    if (!a.webhookPath().equals(b.webhookPath())) keys.add("server.webhook-path");
    if (a.maxPayloadBytes() != b.maxPayloadBytes()) keys.add("server.max-payload-bytes");
    HlsConfig.Database da = started.database();
    HlsConfig.Database db = next.database();
    if (!da.path().equals(db.path())) keys.add("database.path");
    if (!da.busyTimeout().equals(db.busyTimeout())) keys.add("database.busy-timeout");
    if (da.poolSize() != db.poolSize()) keys.add("database.pool-size");
    if (da.maxBatch() != db.maxBatch()) keys.add("database.max-batch");
    if (da.intakeBuffer() != db.intakeBuffer()) keys.add("database.intake-buffer");
    if (!started.logging().file().equals(next.logging().file())) keys.add("logging.file");
    // The models are looked up in the folder the service started with; min-confidence applies at once.
    if (!started.triage().modelsDir().equals(next.triage().modelsDir())) keys.add("triage.models-dir");
    return keys;
  }
}
