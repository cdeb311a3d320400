package com.clidecoder.hls.testkit;

import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.AssertionFailedError;

/**
 * GitHub's published REST contract on loopback: a Prism mock server ({@code @stoplight/prism-cli}) serving
 * {@code @octokit/openapi}'s {@code api.github.com.json} with request validation answering errors
 * ({@code --errors}), behind a small shim. The shim forwards every request unchanged except its
 * {@code Accept} header (Prism only negotiates {@code application/json}, GitHub's media types are
 * {@code application/vnd.github*}); of Prism's answer it drops only {@code Link}, the spec's placeholder
 * example ({@code <https://api.github.com/resource?page=2>; rel="next"}) on another origin, which HLS rightly
 * refuses to follow. Every exchange is recorded with what Prism said about the request.
 *
 * <p>One Prism per JVM (it takes seconds and ~300 MB to load the 13 MB description): test classes take it
 * as a parameter through {@link Resolver}; JUnit closes it (an AutoCloseable in the root store) when the run ends.
 */
public final class PrismGitHub implements AutoCloseable {
  /** One request the shim passed on and Prism's answer. Header keys are lower case. */
  public record Exchange(String method, String target, Map<String, String> headers, String body,
      int status, String contentType, String slViolations, String answer) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The path without the query. */
    public String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    /** What Prism reported against the request: schema violations, unknown path or method, bad media type. */
    public List<String> requestViolations() {
      List<String> out = new ArrayList<>();
      for (JsonNode v : parse(slViolations)) {
        if (v.path("location").path(0).asText().equals("request")) out.add(describe(v));
      }
      if (contentType.startsWith("application/problem+json")) {
        JsonNode problem = parse(answer);
        String type = problem.path("type").asText();
        if (type.startsWith(PRISM_ERRORS) && !RESPONSE_SIDE.contains(type.substring(PRISM_ERRORS.length()))) {
          JsonNode validation = problem.path("validation");
          if (validation.isArray() && !validation.isEmpty()) {
            for (JsonNode v : validation) out.add(describe(v));
          } else {
            out.add(problem.path("title").asText() + ": " + problem.path("detail").asText());
          }
        }
      }
      return out.stream().distinct().toList();
    }

    @Override
    public String toString() {
      return method + " " + target + " -> " + status;
    }
  }

  private static final String PRISM_ERRORS = "https://stoplight.io/prism/errors#";
  /** Prism errors about its own mock answer (an example that breaks its schema), not about the request. */
  private static final Set<String> RESPONSE_SIDE = Set.of("VIOLATIONS", "NO_RESPONSE_DEFINED", "UNKNOWN");
  /** Headers java.net.http sets itself and refuses from callers. */
  private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
      "upgrade", "transfer-encoding", "keep-alive");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Process prism;
  private final Path log;
  private final URI prismUrl;
  private final HttpServer shim;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final Duration startup;

  private PrismGitHub(String node, Path prismCli, Path spec) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    prismUrl = URI.create("http://127.0.0.1:" + port);
    log = Files.createTempFile("prism-", ".log");
    long start = System.nanoTime();
    // -d: answers generated from the schemas (the static examples of some operations break their own schema,
    // which --errors turns into a 500); --seed keeps them the same from run to run.
    prism = new ProcessBuilder(node, prismCli.toString(), "mock", "-d", "--seed", "hls", "--errors",
        "-h", "127.0.0.1", "-p", String.valueOf(port), spec.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      prism.destroyForcibly();
      throw e;
    }
    startup = Duration.ofNanos(System.nanoTime() - start);
    shim = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    shim.setExecutor(executor);
    shim.createContext("/", this::relay);
    shim.start();
    System.out.println("prism: ready in " + startup.toMillis() + " ms on " + prismUrl + " (log " + log + ")");
  }

  /** Starts Prism on the installed description, or skips the calling test when node or the install is absent. */
  public static PrismGitHub start() {
    try {
      return new PrismGitHub(NpmPackages.node(), cli(), spec());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Prism", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while Prism started", e);
    }
  }

  private static Path cli() {
    return NpmPackages.file("@stoplight/prism-cli/dist/index.js");
  }

  private static Path spec() {
    return NpmPackages.file("@octokit/openapi/generated/api.github.com.json");
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest probe = HttpRequest.newBuilder(prismUrl.resolve("/rate_limit"))
        .header("Accept", "application/json").timeout(Duration.ofSeconds(5)).build();
    while (System.nanoTime() < deadline) {
      if (!prism.isAlive()) throw new IllegalStateException("Prism exited (" + prism.exitValue() + "): " + logTail());
      try {
        forward.send(probe, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        Thread.sleep(250);
      }
    }
    throw new IllegalStateException("Prism did not answer within " + START_TIMEOUT.toSeconds() + " s: " + logTail());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The shim's base URL: what HLS is configured with as {@code github.api-url}. */
  public String url() {
    return "http://127.0.0.1:" + shim.getAddress().getPort();
  }

  public Duration startup() {
    return startup;
  }

  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  public void clear() {
    exchanges.clear();
  }

  /** Fails naming every request Prism found against GitHub's contract since the last {@link #clear()}. */
  public void assertNoViolations() {
    List<String> problems = new ArrayList<>();
    for (Exchange e : exchanges) {
      List<String> v = e.requestViolations();
      if (!v.isEmpty()) problems.add(e.method() + " " + e.target() + " (Prism answered " + e.status() + "): " + v);
    }
    if (!problems.isEmpty()) {
      throw new AssertionFailedError("requests that break GitHub's OpenAPI contract:\n  " + String.join("\n  ", problems));
    }
  }

  private void relay(HttpExchange in) throws IOException {
    try (in) {
      byte[] body = in.getRequestBody().readAllBytes();
      Map<String, String> headers = new TreeMap<>();
      in.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      String target = in.getRequestURI().getRawPath()
          + (in.getRequestURI().getRawQuery() == null ? "" : "?" + in.getRequestURI().getRawQuery());
      HttpRequest.Builder out = HttpRequest.newBuilder(prismUrl.resolve(target)).timeout(Duration.ofSeconds(30))
          .method(in.getRequestMethod(), body.length == 0 && headers.get("content-type") == null
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach((k, v) -> {
        if (NOT_FORWARDED.contains(k)) return;
        out.header(k, k.equals("accept") ? "application/json" : v);
      });
      HttpResponse<byte[]> answer = forward.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
      String contentType = answer.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
      String violations = answer.headers().firstValue("sl-violations").orElse("");
      exchanges.add(new Exchange(in.getRequestMethod(), target, headers, new String(body, StandardCharsets.UTF_8),
          answer.statusCode(), contentType, violations, new String(answer.body(), StandardCharsets.UTF_8)));
      answer.headers().map().forEach((k, v) -> {
        String key = k.toLowerCase(Locale.ROOT);
        if (!key.equals("link") && !NOT_FORWARDED.contains(key) && !key.equals("date")) {
          in.getResponseHeaders().put(k, v);
        }
      });
      in.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
      if (answer.body().length > 0) {
        try (OutputStream os = in.getResponseBody()) {
          os.write(answer.body());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      in.sendResponseHeaders(502, -1);
    }
  }

  private static JsonNode parse(String json) {
    if (json == null || json.isBlank()) return Json.MAPPER.createArrayNode();
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      return Json.MAPPER.createArrayNode();
    }
  }

  private static String describe(JsonNode v) {
    List<String> at = new ArrayList<>();
    v.path("location").forEach(p -> at.add(p.asText()));
    return String.join(".", at) + ": " + v.path("message").asText() + " [" + v.path("severity").asText() + "]";
  }

  @Override
  public void close() {
    shim.stop(0);
    executor.shutdownNow();
    // The node process this class started, by its handle; its children (none without -m) too.
    prism.descendants().forEach(ProcessHandle::destroy);
    prism.destroy();
    try {
      if (!prism.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) prism.destroyForcibly();
    } catch (InterruptedException e) {
      prism.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      System.err.println("prism: cannot delete " + log + ": " + e.getMessage());
    }
  }

  /**
   * Resolves a {@code PrismGitHub} parameter (of {@code @BeforeAll}, say) to the one Prism of this test run,
   * started on first use and closed when the run ends.
   */
  public static final class Resolver implements BeforeAllCallback, ParameterResolver {
    /** Skips the class, saying why, before any parameter is resolved (a resolver's skip would be an error). */
    @Override
    public void beforeAll(ExtensionContext c) {
      try {
        NpmPackages.node();
        cli();
        spec();
      } catch (org.opentest4j.TestAbortedException e) {
        // Surefire counts a class skipped here as no test at all: say it where the build log shows it.
        System.err.println("SKIPPED " + c.getDisplayName() + ": " + e.getMessage());
        throw e;
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
      return p.getParameter().getType() == PrismGitHub.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
      return c.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
          .getOrComputeIfAbsent(PrismGitHub.class, k -> start(), PrismGitHub.class);
    }
  }
}
