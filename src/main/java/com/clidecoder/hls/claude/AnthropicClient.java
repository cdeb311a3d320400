package com.clidecoder.hls.claude;

import com.clidecoder.hls.claude.AnalysisOutcome.Failure;
import com.clidecoder.hls.claude.ClaudeAnalyst.FailureKind;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.TransportFailure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Non-blocking client of the Anthropic Messages API ({@code POST {api-url}/v1/messages}) on pekko-http's
 * pooled client. Every answer, error or exception becomes an {@link AnalysisOutcome}; the returned stage
 * never fails. The API key goes into the {@code x-api-key} header only and is scrubbed from any message.
 */
public final class AnthropicClient {
  static final String ANTHROPIC_VERSION = "2023-06-01";
  private static final Logger log = LoggerFactory.getLogger(AnthropicClient.class);

  /**
   * How an outage (no connection, no answer in time, 5xx, 529) is retried inside one call before it
   * becomes {@link FailureKind#PAUSE_OUTAGE}: {@code attempts} in all, waiting {@code delay} x the attempt
   * number between them (10 s then 20 s: a blip of half a minute is absorbed without a pause), or the
   * answer's retry-after when longer. While paused the pipeline probes every {@code probeEvery}.
   */
  public record OutageRetry(int attempts, Duration delay, Duration probeEvery) {
    public static final OutageRetry DEFAULT = new OutageRetry(3, Duration.ofSeconds(10), Duration.ofSeconds(30));

    Duration before(int attempt, Optional<Duration> retryAfter) {
      Duration d = delay.multipliedBy(attempt - 1);
      return retryAfter.filter(r -> r.compareTo(d) > 0).orElse(d);
    }
  }

  private final ActorSystem<?> system;
  private final HlsConfig.Claude config;
  private final Secret apiKey;
  private final Clock clock;
  private final ConnectionPoolSettings pool;
  private final MessageReader reader;
  private final OutageRetry outageRetry;
  /**
   * Runs the first step after each pekko-http future. Those are Scala futures seen as CompletableFutures,
   * whose plain thenApply/thenCompose run asynchronously on the JDK default: on 2 cores that starts a
   * new thread per step (common pool parallelism 1), two threads per analysis (docs/benchmarks.md).
   */
  private final Executor continuations;

  public AnthropicClient(ActorSystem<?> system, HlsConfig.Claude config, Clock clock) {
    this(system, config, clock, OutageRetry.DEFAULT);
  }

  public AnthropicClient(ActorSystem<?> system, HlsConfig.Claude config, Clock clock, OutageRetry outageRetry) {
    this.system = system;
    this.outageRetry = outageRetry;
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

  /**
   * Sends one prompt; {@code analysisType} is stored with the result (the event type). An outage is tried
   * again up to {@link OutageRetry#attempts()} times; what it still is after that asks for a pause.
   */
  public CompletionStage<AnalysisOutcome> analyse(String analysisType, Prompt prompt) {
    return attempt(analysisType, prompt, 1);
  }

  private CompletionStage<AnalysisOutcome> attempt(String analysisType, Prompt prompt, int attempt) {
    return once(analysisType, prompt).thenCompose(outcome -> {
      if (!(outcome instanceof Failure f) || f.kind() != FailureKind.PAUSE_OUTAGE) return done(outcome);
      if (attempt >= outageRetry.attempts()) {
        Duration probe = f.retryAfter().filter(r -> r.compareTo(outageRetry.probeEvery()) > 0)
            .orElse(outageRetry.probeEvery());
        return done(new Failure(f.kind(), f.message(), Optional.of(probe), f.usage()));
      }
      Duration wait = outageRetry.before(attempt + 1, f.retryAfter());
      log.info("event=anthropic_outage_retry attempt={} of={} in={} message=\"{}\"",
          attempt, outageRetry.attempts(), wait, f.message());
      return Patterns.after(wait, system.classicSystem().scheduler(), system.executionContext(),
          () -> attempt(analysisType, prompt, attempt + 1));
    });
  }

  private CompletionStage<AnalysisOutcome> once(String analysisType, Prompt prompt) {
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

  /**
   * Connection refused, reset, TLS failure, timeout: an outage. The stored message is in words; the
   * exception (which never carries the key: that is only in a header) goes to the log.
   */
  private AnalysisOutcome transportFailure(Throwable error) {
    String message = TransportFailure.describe(error, "Anthropic", config.apiUrl(), config.requestTimeout());
    log.warn("event=anthropic_unreachable message=\"{}\" error=\"{}\"", message, scrubbed(error.toString()));
    return scrub(Failure.of(FailureKind.PAUSE_OUTAGE, message));
  }

  private String scrubbed(String text) {
    return text.replace(apiKey.reveal(), "****");
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
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
}
