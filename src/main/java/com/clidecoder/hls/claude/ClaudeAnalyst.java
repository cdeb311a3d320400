package com.clidecoder.hls.claude;

import com.clidecoder.hls.claude.AnalysisOutcome.Failure;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.domain.AnalysisRequest;
import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Analyses events: with an API key through Claude ({@link AnthropicClient}), without one through the
 * {@link OfflineAnalyst}. Many analyses run at once (the pipeline caps how many); each HTTP call's result
 * comes back as a message, the actor never waits. Expected failures are {@link Failed} replies whose
 * {@link FailureKind} tells the pipeline to retry, give up, or pause all analysis.
 */
public final class ClaudeAnalyst {
  private static final Logger log = LoggerFactory.getLogger(ClaudeAnalyst.class);

  public sealed interface Command {}

  public record Analyse(AnalysisRequest request, ActorRef<Reply> replyTo) implements Command {}

  /** A config reload: the next request uses it (requests in flight finish with the old one). */
  public record Reconfigure(HlsConfig.Claude config) implements Command {}

  private record Finished(long eventId, ActorRef<Reply> replyTo, AnalysisOutcome outcome, Throwable error)
      implements Command {}

  public sealed interface Reply {
    long eventId();
  }

  public record Analysed(long eventId, AnalysisRecord record) implements Reply {}

  /** {@code usage} is present when the API billed the failed call (e.g. an answer cut off at max_tokens). */
  public record Failed(
      long eventId, FailureKind kind, String message, Optional<Duration> retryAfter, Optional<Usage> usage)
      implements Reply {
    public Failed(long eventId, FailureKind kind, String message, Optional<Duration> retryAfter) {
      this(eventId, kind, message, retryAfter, Optional.empty());
    }
  }

  public enum FailureKind {
    /** Try the event again later (after {@code retryAfter} when given); counts against max-retries. */
    RETRYABLE,
    /** This event cannot succeed as it is (bad request, no template): fail it. */
    PERMANENT,
    /** The API key is refused (401/403): pause all analysis; events wait. */
    PAUSE_AUTH,
    /** The organisation's spend limit is reached: pause all analysis like the daily budget does. */
    PAUSE_SPEND_LIMIT,
    /**
     * Anthropic is unreachable, timing out or answering 5xx/529 after the client's short retry
     * ({@link AnthropicClient.OutageRetry}): pause all analysis, probe after {@code retryAfter}; the
     * event goes back untouched (the outage is not its fault, so no retry is counted).
     */
    PAUSE_OUTAGE
  }

  /** What one configuration needs: the config, and the client when there is a key. */
  private record Settings(HlsConfig.Claude config, Optional<AnthropicClient> client, PromptTemplates templates) {}

  private final ActorContext<Command> ctx;
  private final OfflineAnalyst offline;
  private final Clock clock;
  private final AtomicReference<HlsConfig.Claude> latest;
  private final Executor fileIo;
  private final AnthropicClient.OutageRetry outageRetry;

  private ClaudeAnalyst(ActorContext<Command> ctx, OfflineAnalyst offline, Clock clock,
      AtomicReference<HlsConfig.Claude> latest, AnthropicClient.OutageRetry outageRetry) {
    this.ctx = ctx;
    this.outageRetry = outageRetry;
    this.offline = offline;
    this.clock = clock;
    this.latest = latest;
    this.fileIo = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  public static Behavior<Command> create(HlsConfig.Claude config) {
    return create(config, new RuleBasedAnalyst(), Clock.systemUTC());
  }

  public static Behavior<Command> create(HlsConfig.Claude config, OfflineAnalyst offline) {
    return create(config, offline, Clock.systemUTC());
  }

  public static Behavior<Command> create(HlsConfig.Claude config, OfflineAnalyst offline, Clock clock) {
    return create(config, offline, clock, AnthropicClient.OutageRetry.DEFAULT);
  }

  /** @param outageRetry how an outage is retried within a call before analysis pauses (tests shorten it) */
  public static Behavior<Command> create(HlsConfig.Claude config, OfflineAnalyst offline, Clock clock,
      AnthropicClient.OutageRetry outageRetry) {
    return Behaviors.setup(outer -> {
      // Outside the supervisor so a restart after a bug keeps the last Reconfigure, not the start config.
      AtomicReference<HlsConfig.Claude> latest = new AtomicReference<>(config);
      return Behaviors.supervise(Behaviors.<Command>setup(ctx -> {
            ClaudeAnalyst analyst = new ClaudeAnalyst(ctx, offline, clock, latest, outageRetry);
            return analyst.running(analyst.settings(latest.get()));
          }))
          .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2));
    });
  }

  private Settings settings(HlsConfig.Claude config) {
    Optional<AnthropicClient> client = config.offline()
        ? Optional.empty()
        : Optional.of(new AnthropicClient(ctx.getSystem(), config, clock, outageRetry));
    log.info("event=analyst_configured analyst={} model={} output_mode={} prompts_dir={}",
        config.offline() ? AnalysisRecord.OFFLINE : AnalysisRecord.ANTHROPIC, config.offline() ? offline.model() : config.model(),
        config.outputMode().code, config.promptsDir());
    return new Settings(config, client, new PromptTemplates(config.promptsDir()));
  }

  private Behavior<Command> running(Settings settings) {
    return Behaviors.receive(Command.class)
        .onMessage(Analyse.class, m -> onAnalyse(settings, m))
        .onMessage(Reconfigure.class, this::onReconfigure)
        .onMessage(Finished.class, this::onFinished)
        .build();
  }

  private Behavior<Command> onReconfigure(Reconfigure m) {
    latest.set(m.config());
    return running(settings(m.config()));
  }

  private Behavior<Command> onAnalyse(Settings settings, Analyse m) {
    AnalysisRequest request = m.request();
    if (settings.client().isEmpty()) {
      m.replyTo().tell(analyseOffline(request));
      return Behaviors.same();
    }
    AnthropicClient client = settings.client().get();
    PromptTemplates templates = settings.templates();
    // Templates are files: render on the blocking dispatcher, then the HTTP call runs on pekko-http.
    CompletionStage<AnalysisOutcome> outcome = CompletableFuture
        .supplyAsync(() -> templates.prompt(request), fileIo)
        .thenCompose(prompt -> prompt.isPresent()
            ? client.analyse(request.eventType(), prompt.get())
            : CompletableFuture.completedFuture(
                Failure.of(FailureKind.PERMANENT, templates.missing(request.eventType()))));
    ctx.pipeToSelf(outcome, (result, error) -> new Finished(request.eventId(), m.replyTo(), result, error));
    return Behaviors.same();
  }

  private Behavior<Command> onFinished(Finished m) {
    Reply reply;
    if (m.error() != null) {
      // The client turns every HTTP outcome into a value; this is a template read error or a bug.
      log.warn("event=analysis_error event_id={} error={}", m.eventId(), m.error().toString());
      reply = new Failed(m.eventId(), FailureKind.RETRYABLE,
          "analysis failed unexpectedly: " + m.error(), Optional.empty());
    } else if (m.outcome() instanceof AnalysisOutcome.Success s) {
      AnalysisRecord r = s.record();
      log.info("event=analysed event_id={} provider={} model={} input_tokens={} output_tokens={} cost_usd={} ms={}",
          m.eventId(), r.provider(), r.model(), r.inputTokens(), r.outputTokens(), r.costUsd(), r.processingTimeMs());
      reply = new Analysed(m.eventId(), r);
    } else {
      Failure f = (Failure) m.outcome();
      log.warn("event=analysis_failed event_id={} kind={} retry_after={} message={}",
          m.eventId(), f.kind(), f.retryAfter().map(Duration::toString).orElse("-"), f.message());
      reply = new Failed(m.eventId(), f.kind(), f.message(), f.retryAfter(), f.usage());
    }
    m.replyTo().tell(reply);
    return Behaviors.same();
  }

  /** Rules are pure and quick, so they run right here; a crash in them fails only this event. */
  private Reply analyseOffline(AnalysisRequest request) {
    long started = System.nanoTime();
    Analysis analysis;
    try {
      analysis = offline.analyse(request);
    } catch (RuntimeException e) {
      log.warn("event=offline_analysis_error event_id={} error={}", request.eventId(), e.toString());
      return new Failed(request.eventId(), FailureKind.PERMANENT, "offline analyst failed: " + e, Optional.empty());
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    String model = offline.model(request);
    String prompt = "offline analyst " + model + ": "
        + (request.hint().isPresent() ? "embedded classifier hint" : "keyword rules over title, body, labels and event type");
    AnalysisRecord record = new AnalysisRecord(AnalysisRecord.OFFLINE, model, request.eventType(), prompt,
        json(analysis), 0, 0, 0.0, elapsedMs, analysis);
    log.debug("event=analysed event_id={} provider=offline labels={}", request.eventId(), analysis.labels());
    return new Analysed(request.eventId(), record);
  }

  private static String json(Analysis analysis) {
    try {
      return Json.MAPPER.writeValueAsString(analysis);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an Analysis record always serialises", e);
    }
  }
}
