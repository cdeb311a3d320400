package com.clidecoder.hls.claude;

import com.clidecoder.hls.testkit.FakeAnthropic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.claude.AnalysisOutcome.Failure;
import com.clidecoder.hls.claude.AnalysisOutcome.Success;
import com.clidecoder.hls.claude.ClaudeAnalyst.FailureKind;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.HlsConfig.OutputMode;
import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.domain.Priority;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnthropicClientTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Prompt PROMPT = new Prompt("You triage issues.",
      "Title:\n<untrusted_data source=\"issue.title\">\nApp crashes\n</untrusted_data>");

  /** The outage retry has its own tests; the classification tests see one attempt's outcome. */
  static final AnthropicClient.OutageRetry ONE_ATTEMPT =
      new AnthropicClient.OutageRetry(1, Duration.ZERO, Duration.ofSeconds(30));

  FakeAnthropic fake;

  @BeforeEach
  void startFake() {
    fake = FakeAnthropic.start();
  }

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  private AnalysisOutcome call(HlsConfig.Claude config) {
    AnthropicClient client = new AnthropicClient(testKit.system(), config, Clock.systemUTC(), ONE_ATTEMPT);
    try {
      return client.analyse("issues", PROMPT).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the client's stage must complete normally", e);
    }
  }

  private AnalysisOutcome call() {
    return call(ClaudeConfigs.online(fake.url()));
  }

  private static Failure failure(AnalysisOutcome outcome) {
    return assertInstanceOf(Failure.class, outcome, () -> "expected a failure, got " + outcome);
  }

  @Test
  void answersAreReadWithoutStartingAThreadPerCall() {
    // pekko-http's futures are Scala futures seen as CompletableFutures: their plain thenApply runs on
    // the JDK's default async executor, which starts a new thread per task when the common pool has
    // parallelism 1 (2 cores or fewer, as on the machines HLS is benchmarked on).
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 5; i++) {
      fake.enqueue(FakeAnthropic.jsonAnswer(FakeAnthropic.goodAnalysis(), 1200, 300));
      assertInstanceOf(Success.class, call()); // warms up the pool, the dispatcher and the fake's threads
    }
    long before = threads.getTotalStartedThreadCount();
    for (int i = 0; i < 40; i++) {
      fake.enqueue(FakeAnthropic.jsonAnswer(FakeAnthropic.goodAnalysis(), 1200, 300));
      assertInstanceOf(Success.class, call());
    }
    long started = threads.getTotalStartedThreadCount() - before;
    assertTrue(started < 20, "threads started for 40 calls: " + started);
  }

  @Test
  void structuredOutputRequestHasTheWireShapeAndNoTemperature() {
    fake.enqueue(FakeAnthropic.jsonAnswer(FakeAnthropic.goodAnalysis(), 1200, 300));
    call();
    FakeAnthropic.Received r = fake.takeRequest();
    assertEquals("POST", r.method());
    assertEquals("/v1/messages", r.path());
    assertEquals(ClaudeConfigs.API_KEY, r.header("x-api-key"));
    assertEquals("2023-06-01", r.header("anthropic-version"));
    assertEquals("application/json", r.header("content-type"));
    JsonNode body = r.json();
    assertEquals(ClaudeConfigs.MODEL, body.path("model").asText());
    assertEquals(1024, body.path("max_tokens").asInt());
    assertFalse(body.has("temperature"), "newer models reject temperature");
    assertFalse(body.has("tools"));
    assertFalse(body.has("tool_choice"));
    assertEquals("You triage issues.", body.path("system").asText());
    assertEquals("user", body.path("messages").path(0).path("role").asText());
    assertEquals(PROMPT.user(), r.userText());
    JsonNode format = body.path("output_config").path("format");
    assertEquals("json_schema", format.path("type").asText());
    JsonNode schema = format.path("schema");
    assertEquals("object", schema.path("type").asText());
    assertFalse(schema.path("additionalProperties").asBoolean(true));
    assertEquals(List.of("summary", "labels", "comment", "priority", "confidence"),
        Json.list(schema.path("required")));
    assertEquals(List.of("low", "medium", "high", "critical"),
        Json.list(schema.path("properties").path("priority").path("enum")));
    assertFalse(schema.path("properties").path("confidence").has("minimum"),
        "structured outputs reject numeric bounds; the range is checked client-side");
  }

  @Test
  void successCarriesAnalysisTokensCostPromptAndRawBody() {
    FakeAnthropic.Answer answer = FakeAnthropic.jsonAnswer(FakeAnthropic.goodAnalysis(), 1200, 300);
    fake.enqueue(answer);
    AnalysisRecord record = assertInstanceOf(Success.class, call()).record();
    assertEquals("anthropic", record.provider());
    assertEquals(ClaudeConfigs.MODEL, record.model());
    assertEquals("issues", record.analysisType());
    assertEquals(1200, record.inputTokens());
    assertEquals(300, record.outputTokens());
    // 1200 * $3/Mtok + 300 * $15/Mtok = 0.0036 + 0.0045
    assertEquals(0.0081, record.costUsd(), 1e-12);
    assertEquals(answer.body(), record.rawResponse());
    assertTrue(record.prompt().contains("You triage issues.") && record.prompt().contains("App crashes"));
    assertTrue(record.processingTimeMs() >= 0);
    assertEquals(List.of("bug"), record.analysis().labels());
    assertEquals(Priority.HIGH, record.analysis().priority());
    assertEquals(0.86, record.analysis().confidence());
  }

  @Test
  void costUsesThePriceOfTheConfiguredModel() {
    HlsConfig.Claude base = ClaudeConfigs.online(fake.url());
    HlsConfig.Claude haiku = new HlsConfig.Claude(base.apiUrl(), base.apiKey(), "claude-haiku-4-5",
        base.maxTokens(), base.outputMode(), base.dailyBudgetUsd(), base.requestTimeout(), base.promptsDir(), base.prices());
    fake.enqueue(FakeAnthropic.jsonAnswer(FakeAnthropic.goodAnalysis(), 2_000_000, 100_000));
    AnalysisRecord record = assertInstanceOf(Success.class, call(haiku)).record();
    assertEquals(2.0 * 1.0 + 0.1 * 5.0, record.costUsd(), 1e-9);
    assertEquals("claude-haiku-4-5", fake.takeRequest().json().path("model").asText());
  }

  @Test
  void thinkingBlockBeforeTheTextBlockIsSkipped() {
    fake.enqueue(FakeAnthropic.message(
        List.of(FakeAnthropic.thinkingBlock(), FakeAnthropic.textBlock(FakeAnthropic.goodAnalysis().toString())),
        "end_turn", 10, 20));
    assertEquals(List.of("bug"), assertInstanceOf(Success.class, call()).record().analysis().labels());
  }

  @Test
  void toolModeForcesRecordAnalysisAndReadsTheToolUseInput() {
    HlsConfig.Claude config = ClaudeConfigs.online(fake.url(), OutputMode.TOOL, Path.of("none"));
    fake.enqueue(FakeAnthropic.message(
        List.of(FakeAnthropic.textBlock("Let me record that."), FakeAnthropic.toolUseBlock(FakeAnthropic.goodAnalysis())),
        "tool_use", 50, 60));
    AnalysisRecord record = assertInstanceOf(Success.class, call(config)).record();
    assertEquals(Priority.HIGH, record.analysis().priority());
    JsonNode body = fake.takeRequest().json();
    assertFalse(body.has("output_config"));
    assertFalse(body.has("temperature"));
    assertEquals("tool", body.path("tool_choice").path("type").asText());
    assertEquals("record_analysis", body.path("tool_choice").path("name").asText());
    assertEquals(1, body.path("tools").size());
    assertEquals("record_analysis", body.path("tools").path(0).path("name").asText());
    assertEquals(List.of("summary", "labels", "comment", "priority", "confidence"),
        Json.list(body.path("tools").path(0).path("input_schema").path("required")));
  }

  @Test
  void toolModeWithoutToolUseBlockIsRetryable() {
    HlsConfig.Claude config = ClaudeConfigs.online(fake.url(), OutputMode.TOOL, Path.of("none"));
    fake.enqueue(FakeAnthropic.message(List.of(FakeAnthropic.textBlock(FakeAnthropic.goodAnalysis().toString())),
        "end_turn", 5, 5));
    Failure f = failure(call(config));
    assertEquals(FailureKind.RETRYABLE, f.kind());
    assertTrue(f.message().contains("tool_use"), f.message());
  }

  @Test
  void overloaded529IsAnOutageAndItsRetryAfterLongerThanTheProbeIsKept() {
    fake.enqueue(FakeAnthropic.error(529, "overloaded_error", "Overloaded").withHeader("retry-after", "47"));
    Failure f = failure(call());
    assertEquals(FailureKind.PAUSE_OUTAGE, f.kind());
    assertEquals(Optional.of(Duration.ofSeconds(47)), f.retryAfter());
    assertTrue(f.message().contains("529") && f.message().contains("overloaded_error"), f.message());
  }

  @Test
  void rateLimit429HonoursRetryAfter() {
    fake.enqueue(FakeAnthropic.error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
        .withHeader("retry-after", "30"));
    Failure f = failure(call());
    assertEquals(FailureKind.RETRYABLE, f.kind());
    assertEquals(Optional.of(Duration.ofSeconds(30)), f.retryAfter());
  }

  @Test
  void rateLimit429WithoutRetryAfterIsStillRetryable() {
    fake.enqueue(FakeAnthropic.error(429, "rate_limit_error", "This request would exceed your account's rate limit."));
    Failure f = failure(call());
    assertEquals(FailureKind.RETRYABLE, f.kind());
    assertEquals(Optional.empty(), f.retryAfter());
  }

  @Test
  void spendLimit429WithoutRetryAfterPausesAnalysis() {
    fake.enqueue(FakeAnthropic.spendLimit());
    Failure f = failure(call());
    assertEquals(FailureKind.PAUSE_SPEND_LIMIT, f.kind());
    assertTrue(f.message().contains("usage limits"), f.message());
  }

  @Test
  void badRequest400IsPermanentWithTheApiMessage() {
    fake.enqueue(FakeAnthropic.error(400, "invalid_request_error", "max_tokens: Field required"));
    Failure f = failure(call());
    assertEquals(FailureKind.PERMANENT, f.kind());
    assertTrue(f.message().contains("invalid_request_error: max_tokens: Field required"), f.message());
  }

  @Test
  void unauthorized401PausesAndNeverEchoesTheKey() {
    fake.enqueue(FakeAnthropic.error(401, "authentication_error", "invalid x-api-key " + ClaudeConfigs.API_KEY));
    Failure f = failure(call());
    assertEquals(FailureKind.PAUSE_AUTH, f.kind());
    assertFalse(f.message().contains(ClaudeConfigs.API_KEY), f.message());
    assertTrue(f.message().contains("authentication_error"), f.message());
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 504, 502})
  void serverErrorsAreAnOutage(int status) {
    fake.enqueue(FakeAnthropic.error(status, "api_error", "Internal server error"));
    Failure f = failure(call());
    assertEquals(FailureKind.PAUSE_OUTAGE, f.kind());
    assertEquals(Optional.of(Duration.ofSeconds(30)), f.retryAfter(), "the probe interval");
  }

  @ParameterizedTest
  @ValueSource(ints = {404, 413})
  void notFoundAndTooLargeArePermanent(int status) {
    fake.enqueue(FakeAnthropic.error(status, status == 404 ? "not_found_error" : "request_too_large", "nope"));
    assertEquals(FailureKind.PERMANENT, failure(call()).kind());
  }

  @Test
  void forbidden403PausesLikeAuth() {
    fake.enqueue(FakeAnthropic.error(403, "permission_error", "Your API key does not have permission"));
    assertEquals(FailureKind.PAUSE_AUTH, failure(call()).kind());
  }

  @Test
  void htmlErrorPageFromAProxyIsAnOutage() {
    fake.enqueue(new FakeAnthropic.Answer(502, java.util.Map.of("content-type", "text/html"),
        "<html><body>Bad Gateway</body></html>", Duration.ZERO));
    Failure f = failure(call());
    assertEquals(FailureKind.PAUSE_OUTAGE, f.kind());
    assertTrue(f.message().contains("Bad Gateway"), f.message());
  }

  @Test
  void malformedJsonTextIsRetryableAndKeepsUsage() {
    fake.enqueue(FakeAnthropic.message(List.of(FakeAnthropic.textBlock("{\"summary\": \"cut")), "end_turn", 100, 40));
    Failure f = failure(call());
    assertEquals(FailureKind.RETRYABLE, f.kind());
    assertTrue(f.message().contains("not valid JSON"), f.message());
    assertEquals(100, f.usage().orElseThrow().inputTokens());
    assertEquals(40, f.usage().orElseThrow().outputTokens());
  }

  @Test
  void maxTokensStopIsRetryableWithAClearMessage() {
    fake.enqueue(FakeAnthropic.message(List.of(FakeAnthropic.textBlock("{\"summary\": \"a very long")), "max_tokens", 900, 1024));
    Failure f = failure(call());
    assertEquals(FailureKind.RETRYABLE, f.kind());
    assertTrue(f.message().contains("max_tokens") && f.message().contains("hls.claude.max-tokens"), f.message());
    // 900 * 3 / 1e6 + 1024 * 15 / 1e6: the truncated answer was billed
    assertEquals(0.0027 + 0.01536, f.usage().orElseThrow().costUsd(), 1e-12);
  }

  @Test
  void refusalIsRetryable() {
    fake.enqueue(FakeAnthropic.message(List.of(FakeAnthropic.textBlock("")), "refusal", 10, 2));
    Failure f = failure(call());
    assertEquals(FailureKind.RETRYABLE, f.kind());
    assertTrue(f.message().contains("refused"), f.message());
  }

  @ParameterizedTest
  @ValueSource(strings = {"priority:urgent", "confidence:1.5", "missing:comment", "extra:mood", "labels:notalist"})
  void schemaViolationsAreRetryable(String violation) {
    ObjectNode answer = FakeAnthropic.goodAnalysis();
    String[] kv = violation.split(":");
    switch (kv[0]) {
      case "priority" -> answer.put("priority", kv[1]);
      case "confidence" -> answer.put("confidence", Double.parseDouble(kv[1]));
      case "missing" -> answer.remove(kv[1]);
      case "extra" -> answer.put(kv[1], "grumpy");
      case "labels" -> answer.put("labels", kv[1]);
      default -> throw new IllegalArgumentException(violation);
    }
    fake.enqueue(FakeAnthropic.jsonAnswer(answer, 10, 10));
    Failure f = failure(call());
    assertEquals(FailureKind.RETRYABLE, f.kind());
    assertTrue(f.message().contains("schema"), f.message());
  }

  @Test
  void connectionRefusedIsAnOutageSaidInWords() throws IOException {
    int port = closedPort();
    Failure f = failure(call(ClaudeConfigs.online(URI.create("http://127.0.0.1:" + port))));
    assertEquals(FailureKind.PAUSE_OUTAGE, f.kind());
    assertEquals("cannot connect to http://127.0.0.1:" + port + ": connection refused", f.message());
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void slowAnswerPastTheRequestTimeoutIsAnOutageSaidInWords() {
    fake.enqueue(FakeAnthropic.jsonAnswer(FakeAnthropic.goodAnalysis(), 1, 1).delayed(Duration.ofSeconds(3)));
    Failure f = failure(call(ClaudeConfigs.withTimeout(ClaudeConfigs.online(fake.url()), Duration.ofMillis(500))));
    assertEquals(FailureKind.PAUSE_OUTAGE, f.kind());
    assertEquals("Anthropic did not answer within 500 ms", f.message());
  }

  @Test
  void anOutageShorterThanTheRetryIsAbsorbedWithinTheCall() throws Exception {
    fake.enqueue(FakeAnthropic.error(503, "api_error", "Service unavailable"),
        FakeAnthropic.error(529, "overloaded_error", "Overloaded"),
        FakeAnthropic.jsonAnswer(FakeAnthropic.goodAnalysis(), 10, 10));
    AnthropicClient client = new AnthropicClient(testKit.system(), ClaudeConfigs.online(fake.url()), Clock.systemUTC(),
        new AnthropicClient.OutageRetry(3, Duration.ofMillis(100), Duration.ofSeconds(30)));
    AnalysisOutcome outcome = client.analyse("issues", PROMPT).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertInstanceOf(Success.class, outcome, () -> "got " + outcome);
    assertEquals(3, fake.requestCount());
  }

  @Test
  void anOutageOutlastingTheRetryAsksForAPauseAfterTheLastAttempt() throws Exception {
    for (int i = 0; i < 3; i++) fake.enqueue(FakeAnthropic.error(500, "api_error", "Internal server error"));
    fake.enqueue(FakeAnthropic.jsonAnswer(FakeAnthropic.goodAnalysis(), 10, 10));
    AnthropicClient client = new AnthropicClient(testKit.system(), ClaudeConfigs.online(fake.url()), Clock.systemUTC(),
        new AnthropicClient.OutageRetry(3, Duration.ofMillis(100), Duration.ofSeconds(7)));
    long started = System.nanoTime();
    Failure f = failure(client.analyse("issues", PROMPT).toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals(FailureKind.PAUSE_OUTAGE, f.kind());
    assertEquals(Optional.of(Duration.ofSeconds(7)), f.retryAfter(), "probe after the configured interval");
    assertEquals(3, fake.requestCount(), "three attempts, not four");
    assertTrue(System.nanoTime() - started >= 300_000_000L, "waited 100 ms then 200 ms between the attempts");
  }

  @Test
  void apiUrlWithTrailingSlashStillHitsV1Messages() {
    fake.enqueue(FakeAnthropic.jsonAnswer(FakeAnthropic.goodAnalysis(), 1, 1));
    call(ClaudeConfigs.online(URI.create(fake.url() + "/")));
    assertEquals("/v1/messages", fake.takeRequest().path());
  }

  /** Small JSON helpers for assertions. */
  static final class Json {
    static List<String> list(JsonNode array) {
      List<String> out = new java.util.ArrayList<>();
      array.forEach(n -> out.add(n.asText()));
      return out;
    }
  }
}
