package com.clidecoder.hls.testkit;

import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fake Anthropic Messages API on loopback (port 0) speaking the real wire format: message objects with
 * typed content blocks and usage, and error bodies {@code {"type":"error","error":{...}}} with the
 * status codes and {@code retry-after} headers the real API uses. Answers are scripted in order; every
 * request is recorded for assertions.
 */
public final class FakeAnthropic implements AutoCloseable {
  public static final String MODEL_SNAPSHOT = "claude-sonnet-4-5-20250929";

  /** One recorded request; header names are lower-cased. */
  public record Received(String method, String path, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("the client sent a body that is not JSON: " + body, e);
      }
    }

    public String userText() {
      return json().path("messages").path(0).path("content").asText();
    }
  }

  /** One scripted answer. */
  public record Answer(int status, Map<String, String> headers, String body, Duration delay) {
    public Answer withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Answer(status, h, body, delay);
    }

    public Answer delayed(Duration d) {
      return new Answer(status, headers, body, d);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final Deque<Answer> script = new ArrayDeque<>();
  private volatile CountDownLatch barrier = new CountDownLatch(0);
  private volatile java.util.function.Function<Received, Answer> whenScriptEmpty = null;

  /** Answers every request the script does not cover with {@code responder} (end-to-end tests). */
  public FakeAnthropic answerAll(java.util.function.Function<Received, Answer> responder) {
    this.whenScriptEmpty = responder;
    return this;
  }

  private FakeAnthropic() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static FakeAnthropic start() {
    try {
      return new FakeAnthropic();
    } catch (IOException e) {
      throw new AssertionError("cannot start the fake Anthropic server", e);
    }
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public synchronized void enqueue(Answer... answers) {
    script.addAll(List.of(answers));
  }

  /**
   * Holds every answer until {@code n} requests have arrived: proof that they were in flight together.
   * If they do not all arrive within 10 s, the waiting ones are answered 500 so the test fails.
   */
  public void holdAnswersUntil(int n) {
    barrier = new CountDownLatch(n);
  }

  public Received takeRequest() {
    try {
      Received r = received.poll(15, TimeUnit.SECONDS);
      if (r == null) throw new AssertionError("the fake Anthropic server received no request");
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public int requestCount() {
    return received.size();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, body));
      CountDownLatch latch = barrier;
      latch.countDown();
      boolean together = latch.await(10, TimeUnit.SECONDS);
      Answer answer;
      synchronized (this) {
        if (!together) answer = error(500, "api_error", "the fake's barrier was not reached: requests came one at a time");
        else if (script.isEmpty() && whenScriptEmpty != null) answer = whenScriptEmpty.apply(lastReceived(headers, ex, body));
        else if (script.isEmpty()) answer = error(500, "api_error", "the fake has no scripted answer left");
        else answer = script.poll();
      }
      if (!answer.delay().isZero()) Thread.sleep(answer.delay().toMillis());
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("content-type", "application/json");
      ex.getResponseHeaders().set("request-id", "req_011CTestFake");
      answer.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      ex.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Received lastReceived(Map<String, List<String>> headers, HttpExchange ex, String body) {
    return new Received(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, body);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- the wire format -------------------------------------------------------------------------

  public static ObjectNode analysisJson(String summary, List<String> labels, String comment, String priority, double confidence) {
    ObjectNode a = Json.MAPPER.createObjectNode();
    a.put("summary", summary);
    ArrayNode l = a.putArray("labels");
    labels.forEach(l::add);
    a.put("comment", comment);
    a.put("priority", priority);
    a.put("confidence", confidence);
    return a;
  }

  public static ObjectNode goodAnalysis() {
    return analysisJson("Crash on start-up when the config file is empty.", List.of("bug"),
        "Thanks! Could you share the version you run?", "high", 0.86);
  }

  public static ObjectNode textBlock(String text) {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("type", "text");
    b.put("text", text);
    return b;
  }

  public static ObjectNode thinkingBlock() {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("type", "thinking");
    b.put("thinking", "The reporter describes a crash with a stack trace, so this is a bug.");
    b.put("signature", "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds");
    return b;
  }

  public static ObjectNode toolUseBlock(JsonNode input) {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("type", "tool_use");
    b.put("id", "toolu_01A09q90qw90lq917835lq9");
    b.put("name", "record_analysis");
    b.set("input", input);
    return b;
  }

  public static Answer message(List<ObjectNode> content, String stopReason, long inputTokens, long outputTokens) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("id", "msg_013Zva2CMHLNnXjNJJKqJ2EF");
    m.put("type", "message");
    m.put("role", "assistant");
    m.put("model", MODEL_SNAPSHOT);
    ArrayNode c = m.putArray("content");
    content.forEach(c::add);
    m.put("stop_reason", stopReason);
    m.putNull("stop_sequence");
    ObjectNode usage = m.putObject("usage");
    usage.put("input_tokens", inputTokens);
    usage.put("cache_creation_input_tokens", 0);
    usage.put("cache_read_input_tokens", 0);
    usage.put("output_tokens", outputTokens);
    return new Answer(200, Map.of(), m.toString(), Duration.ZERO);
  }

  /** A structured-outputs answer: the analysis JSON as the text of a text block. */
  public static Answer jsonAnswer(JsonNode analysis, long inputTokens, long outputTokens) {
    return message(List.of(textBlock(analysis.toString())), "end_turn", inputTokens, outputTokens);
  }

  public static Answer error(int status, String type, String message) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("type", "error");
    ObjectNode inner = e.putObject("error");
    inner.put("type", type);
    inner.put("message", message);
    e.put("request_id", "req_011CSHoEeqs5C35K2UUqR7Fy");
    return new Answer(status, Map.of(), e.toString(), Duration.ZERO);
  }

  /** The monthly spend cap: a 429 rate_limit_error with an error code and, crucially, no retry-after. */
  public static Answer spendLimit() {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("type", "error");
    ObjectNode inner = e.putObject("error");
    inner.put("type", "rate_limit_error");
    inner.put("message", "You have reached your API usage limits: your organization has crossed its monthly"
        + " API usage threshold, set based on your organization's API tier. You will regain access on"
        + " 2026-09-01 at 00:00 UTC.");
    inner.putObject("details").put("error_code", "enforced_spend_limit_reached");
    e.put("request_id", "req_018EeWyXxfu5pfWkrYcMdjWG");
    return new Answer(429, Map.of(), e.toString(), Duration.ZERO);
  }
}
