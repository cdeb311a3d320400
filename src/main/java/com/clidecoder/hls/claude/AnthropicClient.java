package com.clidecoder.hls.claude;

import com.clidecoder.hls.claude.AnalysisOutcome.Failure;
import com.clidecoder.hls.claude.ClaudeAnalyst.FailureKind;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * Non-blocking client of the Anthropic Messages API ({@code POST {api-url}/v1/messages}) on pekko-http's
 * pooled client. Every answer, error or exception becomes an {@link AnalysisOutcome}; the returned stage
 * never fails. The API key goes into the {@code x-api-key} header only and is scrubbed from any message.
 */
public final class AnthropicClient {
  static final String ANTHROPIC_VERSION = "2023-06-01";

  private final ActorSystem<?> system;
  private final HlsConfig.Claude config;
  private final Secret apiKey;
  private final Clock clock;
  private final ConnectionPoolSettings pool;
  private final MessageReader reader;
  /**
   * Runs the first step after each pekko-http future. Those are Scala futures seen as CompletableFutures,
   * whose plain thenApply/thenCompose run asynchronously on the JDK default: on 2 cores that starts a
   * new thread per step (common pool parallelism 1), two threads per analysis (docs/benchmarks.md).
   */
  private final Executor continuations;

  public AnthropicClient(ActorSystem<?> system, HlsConfig.Claude config, Clock clock) {
    this.system = system;
    this.config = config;
    this.apiKey = config.apiKey().orElseThrow(() -> new IllegalArgumentException(
        "hls.claude.api-key is not set: use the offline analyst instead"));
    this.clock = clock;
    // No pool retries: a POST is not idempotent and retries are durable in the queue, with backoff.
    // The pipeline caps analyses in flight; the pool's default of 4 connections must not cap them lower
    // (connections open lazily, so a roomy cap costs nothing). The idle timeout closes a connection that
    // stalls mid-answer; the deadline in analyse() bounds the whole call.
    this.pool = ConnectionPoolSettings.create(system.classicSystem())
        .withMaxRetries(0)
        .withMaxConnections(32)
        .withMaxOpenRequests(64)
        .withConnectionSettings(
            ClientConnectionSettings.create(system.classicSystem()).withIdleTimeout(config.requestTimeout()));
    this.reader = new MessageReader(config);
    this.continuations = system.executionContext();
  }

  /** Sends one prompt; {@code analysisType} is stored with the result (the event type). */
  public CompletionStage<AnalysisOutcome> analyse(String analysisType, Prompt prompt) {
    long started = System.nanoTime();
    String body = MessagesRequest.body(config.model(), config.maxTokens(), config.outputMode(), prompt);
    HttpRequest request = HttpRequest.POST(endpoint())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.getBytes(StandardCharsets.UTF_8)))
        .addHeader(RawHeader.create("x-api-key", apiKey.reveal()))
        .addHeader(RawHeader.create("anthropic-version", ANTHROPIC_VERSION));
    Http http = Http.get(system);
    long timeoutMs = config.requestTimeout().toMillis();
    CompletableFuture<AnalysisOutcome> call = http
        .singleRequest(request, http.defaultClientHttpsContext(), pool, system.classicSystem().log())
        .thenComposeAsync(response -> readResponse(response, timeoutMs, prompt, analysisType, started), continuations)
        .toCompletableFuture();
    return call
        .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
        .exceptionally(this::transportFailure);
  }

  private CompletionStage<AnalysisOutcome> readResponse(
      HttpResponse response, long timeoutMs, Prompt prompt, String analysisType, long started) {
    int status = response.status().intValue();
    Optional<String> retryAfter = response.getHeader("retry-after").map(HttpHeader::value);
    return response.entity()
        .toStrict(timeoutMs, Materializer.matFromSystem(system))
        .thenApplyAsync(strict -> {
          String text = strict.getData().utf8String();
          long elapsedMs = (System.nanoTime() - started) / 1_000_000;
          AnalysisOutcome outcome = status >= 200 && status < 300
              ? reader.read(text, prompt, analysisType, elapsedMs)
              : ApiErrors.classify(status, retryAfter, text, clock.instant());
          return scrub(outcome);
        }, continuations);
  }

  /** Connection refused, reset, TLS failure, timeout: all transient from the queue's point of view. */
  private AnalysisOutcome transportFailure(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = cause instanceof TimeoutException
        ? "Anthropic request timed out after " + describe(config.requestTimeout())
        : "Anthropic request failed: " + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    return scrub(Failure.of(FailureKind.RETRYABLE, message));
  }

  /** Belt and braces: whatever an error echoes, the key never reaches a message, a log or the database. */
  private AnalysisOutcome scrub(AnalysisOutcome outcome) {
    if (outcome instanceof Failure f && f.message().contains(apiKey.reveal())) {
      return new Failure(f.kind(), f.message().replace(apiKey.reveal(), "****"), f.retryAfter(), f.usage());
    }
    return outcome;
  }

  private String endpoint() {
    return config.apiUrl().toString().replaceAll("/+$", "") + "/v1/messages";
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
