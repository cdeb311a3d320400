package com.clidecoder.hls.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The typed, validated view of the {@code hls} HOCON section, built once by {@link ConfigLoader}. */
public record HlsConfig(
    Server server,
    Database database,
    GitHub github,
    Claude claude,
    Workers workers,
    Analysis analysis,
    Admin admin,
    Api api,
    Features features,
    Logging logging,
    Triage triage,
    RepositoryRules repositories,
    Spool spool,
    Reconcile reconcile,
    Optional<Path> sourceFile) {

  public record Server(
      String host, int port, String webhookPath, long maxPayloadBytes, Duration commitTimeout) {}

  /**
   * @param retention age after which final events are deleted daily; zero keeps them forever
   * @param payloadRetention age after which completed and skipped events keep only a trimmed payload;
   *     zero keeps payloads as long as their events
   */
  public record Database(Path path, Duration busyTimeout, int poolSize, int maxBatch, int intakeBuffer,
      Duration retention, Duration payloadRetention) {
    /** The default retentions (90 days, payloads 30), for callers that build a database section by hand (benches). */
    public Database(Path path, Duration busyTimeout, int poolSize, int maxBatch, int intakeBuffer) {
      this(path, busyTimeout, poolSize, maxBatch, intakeBuffer, Duration.ofDays(90), Duration.ofDays(30));
    }
  }

  public record GitHub(
      URI apiUrl,
      Optional<Secret> token,
      Optional<Secret> webhookSecret,
      boolean dryRun,
      Duration writeInterval,
      Optional<String> botLogin,
      int diffMaxBytes,
      Duration requestTimeout,
      Duration labelsCacheTtl,
      int maxCommentChars,
      Optional<App> app) {
    public GitHub(URI apiUrl, Optional<Secret> token, Optional<Secret> webhookSecret, boolean dryRun,
        Duration writeInterval, Optional<String> botLogin, int diffMaxBytes, Duration requestTimeout,
        Duration labelsCacheTtl, int maxCommentChars) {
      this(apiUrl, token, webhookSecret, dryRun, writeInterval, botLogin, diffMaxBytes, requestTimeout,
          labelsCacheTtl, maxCommentChars, Optional.empty());
    }

    /** Dry-run is forced when there is neither a token nor an app: nothing could be written anyway. */
    public boolean effectiveDryRun() {
      return dryRun || (token.isEmpty() && app.isEmpty());
    }

    /**
     * These settings with {@code learned} (the App's {@code <slug>[bot]} from {@code GET /app}) as the bot login,
     * unless one is configured: a configured {@code bot-login} wins.
     */
    public GitHub withBotLogin(Optional<String> learned) {
      if (botLogin.isPresent() || learned.isEmpty()) return this;
      return new GitHub(apiUrl, token, webhookSecret, dryRun, writeInterval, learned, diffMaxBytes, requestTimeout,
          labelsCacheTtl, maxCommentChars, app);
    }

    /** Which identity writes, in words for {@code config check} (never a credential). */
    public String identity() {
      if (app.isPresent()) return "GitHub App " + app.get().id() + " (installation tokens)";
      return token.isPresent() ? "personal token" : "none (dry run)";
    }
  }

  /** {@code hls.github.app}: the GitHub App HLS acts as, with installation tokens renewed {@code renewBefore} ahead. */
  public record App(long id, java.nio.file.Path privateKeyFile, AppPrivateKey privateKey,
      Optional<Long> installationId, Duration renewBefore) {}

  public enum OutputMode {
    JSON_SCHEMA("json-schema"),
    TOOL("tool");

    public final String code;

    OutputMode(String code) {
      this.code = code;
    }
  }

  public record Price(double inputPerMtok, double outputPerMtok) {}

  public record Claude(
      URI apiUrl,
      Optional<Secret> apiKey,
      String model,
      int maxTokens,
      OutputMode outputMode,
      double dailyBudgetUsd,
      Duration requestTimeout,
      Path promptsDir,
      Map<String, Price> prices) {
    /** The price of a model, or the {@code default} entry for models the table does not list. */
    public Price priceOf(String model) {
      Price p = prices.get(model);
      return p != null ? p : prices.getOrDefault("default", new Price(0, 0));
    }

    /** Without an API key the embedded offline analyst does the work. */
    public boolean offline() {
      return apiKey.isEmpty();
    }
  }

  /** @param enabled false holds processing (the intake keeps queueing): maintenance, incidents. */
  public record Workers(
      boolean enabled,
      int maxConcurrentAnalyses,
      int maxRetries,
      Duration backoffMin,
      Duration backoffMax,
      double randomFactor,
      Duration pollInterval,
      Duration leaseTimeout,
      Duration repoIdleTimeout,
      Duration shutdownDeadline) {}

  /** Which actions of each event type are analysed (the rest are skipped). */
  public record Analysis(Map<String, Set<String>> actions, Set<String> failingConclusions) {}

  public record Admin(Optional<Secret> token) {}

  /** Read routes: open to everyone ({@code publicRead}), or to holders of the read or admin token. */
  public record Api(boolean publicRead, Optional<Secret> readToken) {}

  public record Features(boolean signatureValidation) {}

  public record Logging(String level, Path file) {}

  /** The embedded triage classifier: where its models live and the probability below which it abstains. */
  public record Triage(Path modelsDir, double minConfidence) {}

  /**
   * The handler path's spool (bin/queue-hls-event writes it while HLS is unreachable): the service
   * drains it at start and every {@code drainInterval}. A relative {@code dir} is taken from the HLS
   * folder (see {@code spool.SpoolLocation}).
   */
  public record Spool(Path dir, Duration drainInterval) {}

  /** The reconciler (issue 13): asks GitHub to redeliver failed deliveries HLS never saw. */
  public record Reconcile(boolean enabled, Duration interval, Duration lookback, int maxRedeliveries, List<Hook> hooks) {}

  /** A hook of a personal-token setup: exactly one of {@code repository} ("o/r") or {@code org}. */
  public record Hook(Optional<String> repository, Optional<String> org, long id) {}

  /** Event types HLS handles; anything else is acknowledged as ignored. */
  public static final List<String> HANDLED_EVENTS =
      List.of("issues", "pull_request", "pull_request_review", "workflow_run");

  /** This config with {@link GitHub#withBotLogin} applied; itself when nothing changes. */
  public HlsConfig withBotLogin(Optional<String> learned) {
    GitHub filled = github.withBotLogin(learned);
    if (filled == github) return this;
    return new HlsConfig(server, database, filled, claude, workers, analysis, admin, api, features, logging, triage,
        repositories, spool, reconcile, sourceFile);
  }

  /** The webhook secret to check signatures with, when validation applies. */
  public Optional<Secret> signatureSecret() {
    return features.signatureValidation() ? github.webhookSecret() : Optional.empty();
  }
}
