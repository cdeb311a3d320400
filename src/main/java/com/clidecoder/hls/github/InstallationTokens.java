package com.clidecoder.hls.github;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.stream.Materializer;

/**
 * Installation tokens of the GitHub App, one cache entry per installation: fetched with the app JWT from
 * {@code POST /app/installations/{id}/access_tokens}, renewed {@code renew-before} ahead of {@code expires_at}
 * or after a 401. Concurrent callers share one fetch (the cached future); nothing blocks.
 */
public final class InstallationTokens {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(InstallationTokens.class);

  private record Token(Secret secret, Instant expiresAt) {}

  private final HlsConfig.App app;
  private final String base;
  private final Http http;
  private final Materializer materializer;
  private final Executor continuations;
  private final Duration timeout;
  private final Clock clock;
  private final Map<Long, CompletableFuture<Token>> cache = new ConcurrentHashMap<>();
  private volatile String status;

  InstallationTokens(ActorSystem<?> system, HlsConfig.GitHub config, HlsConfig.App app, Clock clock) {
    this.app = app;
    String url = config.apiUrl().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.continuations = system.executionContext();
    this.timeout = config.requestTimeout();
    this.clock = clock;
    this.status = "app " + app.id() + ": no installation token yet";
  }

  /** The token of {@code installation}, else of the configured installation-id. */
  public CompletionStage<Secret> token(Optional<Long> installation) {
    Optional<Long> id = installation.or(app::installationId);
    if (id.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "app " + app.id() + ": the delivery names no installation and hls.github.app.installation-id is not set"));
    }
    long key = id.get();
    Instant renewAt = clock.instant().plus(app.renewBefore());
    CompletableFuture<Token> f = cache.compute(key, (k, cur) -> {
      if (cur != null && (!cur.isDone() || usable(cur, renewAt))) return cur;
      return fetch(k);
    });
    return f.thenApply(Token::secret);
  }

  private static boolean usable(CompletableFuture<Token> f, Instant renewAt) {
    return !f.isCompletedExceptionally() && f.join().expiresAt().isAfter(renewAt);
  }

  /** Drops {@code used} from the cache (unless a newer token replaced it already); true: a retry may help. */
  boolean forget(Optional<Long> installation, Secret used) {
    installation.or(app::installationId).ifPresent(id -> cache.computeIfPresent(id, (k, cur) ->
        cur.isDone() && !cur.isCompletedExceptionally() && cur.join().secret().equals(used) ? null : cur));
    return true;
  }

  String status() {
    return status;
  }

  /** A fresh app JWT, for the {@code /app} requests made with it rather than with an installation token. */
  String appJwt() {
    return AppJwt.sign(app, clock.instant());
  }

  private CompletableFuture<Token> fetch(long installation) {
    HttpRequest request = HttpRequest.POST(base + "/app/installations/" + installation + "/access_tokens")
        .addHeaders(java.util.List.of(
            Authorization.oauth2(AppJwt.sign(app, clock.instant())),
            HttpHeader.parse("Accept", GitHubClient.JSON_MEDIA),
            HttpHeader.parse("X-GitHub-Api-Version", GitHubClient.API_VERSION),
            HttpHeader.parse("User-Agent", GitHubClient.USER_AGENT)));
    return http.singleRequest(request)
        .thenComposeAsync(r -> r.entity().toStrict(timeout.toMillis(), 1024 * 1024, materializer)
            .thenApply(e -> parse(installation, r.status().intValue(), e.getData().utf8String())), continuations)
        .toCompletableFuture()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((t, err) -> {
          if (err != null) {
            status = "app " + app.id() + ": cannot get an installation token: " + rootMessage(err);
            log.warn("event=installation_token_failed app={} installation={} reason={}", app.id(), installation,
                rootMessage(err));
          } else {
            status = "app " + app.id() + ": installation token ok";
            log.info("event=installation_token app={} installation={} expires_at={}", app.id(), installation,
                t.expiresAt());
          }
        });
  }

  private Token parse(long installation, int status, String body) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (Exception e) {
      throw new IllegalStateException("HTTP " + status + " with a body that is not JSON");
    }
    if (status != 201 || !json.path("token").isTextual()) {
      // GitHub's message only; the body of a success is never echoed (it holds the token).
      String message = status == 201 ? "no token in the answer" : json.path("message").asText("HTTP " + status);
      throw new IllegalStateException(message + " (HTTP " + status + ", installation " + installation + ")");
    }
    Instant expiresAt;
    try {
      expiresAt = Instant.parse(json.path("expires_at").asText());
    } catch (java.time.DateTimeException e) {
      // Found against Prism's generated answers; the token is not kept without a time to renew it by.
      throw new IllegalStateException("expires_at is not an ISO-8601 time (HTTP 201, installation " + installation + ")");
    }
    return new Token(Secret.of(json.get("token").asText()), expiresAt);
  }

  private static String rootMessage(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t != t.getCause()) t = t.getCause();
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
