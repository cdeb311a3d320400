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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub REST API on loopback (port 0) speaking the wire format HLS uses: labels and comments lists with
 * Link pagination, POST labels (which, like GitHub, creates labels that do not exist), POST comments, PATCH
 * of an issue comment (every edit recorded; 404 for an unknown id), PR diffs, 401 for a wrong token, and one-shot scripted answers (5xx, rate limits, error bodies, a write that
 * lands but answers late, a dropped connection). It records every request with its arrival time.
 */
public final class FakeGitHub implements AutoCloseable {
  /** One request as it arrived. {@code headers} keys are lower case. */
  public record Received(
      String method,
      String path,
      String query,
      Map<String, String> headers,
      String body,
      long arrivalNanos,
      Instant arrivedAt) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean isWrite() {
      return method.equals("POST") || method.equals("PATCH");
    }
  }

  public record Comment(long id, String body) {}

  /** One PATCH of a comment: the body it replaced and the new one. */
  public record Edit(long id, String before, String after) {}

  public record Response(int status, Map<String, String> headers, String body) {}

  /** A scripted answer; {@code normal} performs the request's normal effect and gives its answer. */
  @FunctionalInterface
  public interface Reply {
    void respond(HttpExchange exchange, Supplier<Response> normal) throws IOException;
  }

  private record Scripted(String method, Pattern path, Reply reply) {}

  private static final String DOCS = "https://docs.github.com/rest";
  private static final Pattern REPO = Pattern.compile("/repos/([^/]+/[^/]+)(/.*)");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final String token;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, List<String>> labels = new ConcurrentHashMap<>();
  private final Map<String, List<String>> issueLabels = new ConcurrentHashMap<>();
  private final Map<String, List<Comment>> comments = new ConcurrentHashMap<>();
  private final Map<String, String> diffs = new ConcurrentHashMap<>();
  private final List<Edit> edits = new CopyOnWriteArrayList<>();
  private final List<String> createdLabels = new CopyOnWriteArrayList<>();
  private final Deque<Scripted> script = new ArrayDeque<>();
  private final AtomicLong nextId = new AtomicLong(1000);
  private final AtomicInteger writesInFlight = new AtomicInteger();
  private final AtomicInteger maxWritesInFlight = new AtomicInteger();
  private volatile int pageSize = 100;
  // Outage modes (OutageSuite, GitHubOutageTest): the token refused for a while, an expiring token.
  private volatile boolean refuseToken;
  private volatile String tokenExpiration;

  private FakeGitHub(String token) throws IOException {
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public static FakeGitHub start(String token) {
    try {
      return new FakeGitHub(token);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind the fake GitHub", e);
    }
  }

  /** While on, every request is answered 401 "Bad credentials", as for a revoked or expired token. */
  public FakeGitHub refuseToken(boolean on) {
    refuseToken = on;
    return this;
  }

  /** Sends {@code github-authentication-token-expiration} on every answer, as GitHub does for expiring tokens. */
  public FakeGitHub tokenExpiration(String value) {
    tokenExpiration = value;
    return this;
  }

  // --- GitHub App (issue 13) ---
  private volatile FakeGitHubApp app;

  /** Also acts as the GitHub App side: {@code /app}, installation tokens checked per write. */
  public FakeGitHub app(FakeGitHubApp app) {
    this.app = app;
    return this;
  }
  // --- end GitHub App ---

  // --- hook deliveries (issue 13.3), see FakeHookDeliveries ---
  private final List<FakeHookDeliveries> hooks = new CopyOnWriteArrayList<>();

  /** Serves this hook's delivery log and redeliveries (the app's hook checks the app JWT, others the token). */
  public FakeGitHub hook(FakeHookDeliveries hook) {
    hooks.add(hook);
    return this;
  }
  // --- end hook deliveries ---

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public FakeGitHub labels(String repository, String... names) {
    labels.put(repository.toLowerCase(Locale.ROOT), new CopyOnWriteArrayList<>(List.of(names)));
    return this;
  }

  /** Items per page, whatever {@code per_page} asks, to exercise pagination with few items. */
  public FakeGitHub pageSize(int size) {
    this.pageSize = size;
    return this;
  }

  public FakeGitHub diff(String repository, int number, String text) {
    diffs.put(issue(repository, number), text);
    return this;
  }

  public FakeGitHub existingComment(String repository, int number, String body) {
    commentsOf(issue(repository, number)).add(new Comment(nextId.incrementAndGet(), body));
    return this;
  }

  /** The next request matching {@code method} and {@code pathRegex} gets {@code reply} (once). */
  public synchronized FakeGitHub script(String method, String pathRegex, Reply reply) {
    script.addLast(new Scripted(method, Pattern.compile(pathRegex), reply));
    return this;
  }

  public synchronized FakeGitHub script(String method, String pathRegex, int times, Reply reply) {
    for (int i = 0; i < times; i++) script(method, pathRegex, reply);
    return this;
  }

  public static Reply error(int status, String message) {
    return respond(status, Map.of(), errorBody(message));
  }

  /** 403 with {@code x-ratelimit-remaining: 0}: wait until {@code x-ratelimit-reset}. */
  public static Reply primaryRateLimit(long resetEpochSeconds) {
    return respond(403, Map.of(
            "x-ratelimit-limit", "5000", "x-ratelimit-remaining", "0", "x-ratelimit-used", "5000",
            "x-ratelimit-reset", String.valueOf(resetEpochSeconds), "x-ratelimit-resource", "core"),
        errorBody("API rate limit exceeded for user ID 1."));
  }

  /** 403 saying "secondary rate limit", with {@code retry-after} when given. */
  public static Reply secondaryRateLimit(Optional<Integer> retryAfterSeconds) {
    Map<String, String> headers = retryAfterSeconds
        .map(s -> Map.of("retry-after", String.valueOf(s), "x-ratelimit-remaining", "4000"))
        .orElse(Map.of("x-ratelimit-remaining", "4000"));
    return respond(403, headers, errorBody(
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."));
  }

  public static Reply respond(int status, Map<String, String> headers, String body) {
    return (ex, normal) -> send(ex, new Response(status, headers, body));
  }

  /** The request takes effect (the comment exists), but the answer comes only after {@code delay}. */
  public static Reply landThenAnswerAfter(Duration delay) {
    return (ex, normal) -> {
      Response r = normal.get();
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      send(ex, r);
    };
  }

  /** The request takes effect, then the connection is closed without an answer. */
  public static Reply landThenDrop() {
    return (ex, normal) -> {
      normal.get();
      ex.close();
    };
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<Received> received(String method, String pathRegex) {
    Pattern p = Pattern.compile(pathRegex);
    return received.stream().filter(r -> r.method().equals(method) && p.matcher(r.path()).matches()).toList();
  }

  public List<Received> writes() {
    return received.stream().filter(Received::isWrite).toList();
  }

  public List<Comment> comments(String repository, int number) {
    return List.copyOf(commentsOf(issue(repository, number)));
  }

  /** Every PATCH of an issue comment that took effect, in order. */
  public List<Edit> edits() {
    return List.copyOf(edits);
  }

  /** Deletes a comment, as a user can on github.com. */
  public FakeGitHub deleteComment(long id) {
    comments.values().forEach(list -> list.removeIf(c -> c.id() == id));
    return this;
  }

  public List<String> issueLabels(String repository, int number) {
    return List.copyOf(issueLabels.getOrDefault(issue(repository, number), List.of()));
  }

  /** Labels that POST labels created because the repository did not have them. */
  public List<String> createdLabels() {
    return List.copyOf(createdLabels);
  }

  public int maxConcurrentWrites() {
    return maxWritesInFlight.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> headers = new ConcurrentHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
    String query = ex.getRequestURI().getRawQuery();
    Received req = new Received(ex.getRequestMethod(), ex.getRequestURI().getPath(),
        query == null ? "" : query, Map.copyOf(headers), body, System.nanoTime(), Instant.now());
    received.add(req);
    if (req.isWrite()) maxWritesInFlight.accumulateAndGet(writesInFlight.incrementAndGet(), Math::max);
    try {
      if (tokenExpiration != null) ex.getResponseHeaders().set("github-authentication-token-expiration", tokenExpiration);
      // --- GitHub App (issue 13): /app routes, installation tokens; see FakeGitHubApp ---
      FakeGitHubApp app = this.app;
      if (app != null) {
        Optional<Response> appAnswer = app.answer(req);
        if (appAnswer.isPresent()) {
          send(ex, appAnswer.get());
          return;
        }
      }
      boolean appToken = app != null && app.accepts(req);
      // --- end GitHub App ---
      boolean tokenOk = !refuseToken && (appToken || ("Bearer " + token).equals(req.header("authorization")));
      Optional<FakeHookDeliveries> hook = hooks.stream().filter(h -> h.handles(req.path())).findFirst();
      if (hook.isPresent() && req.path().startsWith("/app/")) {
        Optional<Response> refused = app == null
            ? Optional.of(new Response(401, Map.of(), errorBody("A JSON web token could not be decoded")))
            : app.jwtProblem(req);
        send(ex, refused.orElseGet(() -> hook.get().answer(req, url())));
        return;
      }
      if (!tokenOk) {
        send(ex, new Response(401, Map.of(), errorBody("Bad credentials")));
        return;
      }
      if (hook.isPresent()) {
        send(ex, hook.get().answer(req, url()));
        return;
      }
      Optional<Reply> scripted = takeScripted(req);
      if (scripted.isPresent()) {
        scripted.get().respond(ex, () -> normal(req));
      } else {
        send(ex, normal(req));
      }
    } finally {
      if (req.isWrite()) writesInFlight.decrementAndGet();
    }
  }

  private synchronized Optional<Reply> takeScripted(Received req) {
    for (var it = script.iterator(); it.hasNext(); ) {
      Scripted s = it.next();
      if (s.method().equals(req.method()) && s.path().matcher(req.path()).matches()) {
        it.remove();
        return Optional.of(s.reply());
      }
    }
    return Optional.empty();
  }

  private Response normal(Received req) {
    if (req.method().equals("GET") && req.path().equals("/rate_limit")) {
      return json(200, "{\"resources\":{\"core\":{\"limit\":5000,\"remaining\":4999,\"reset\":"
          + (Instant.now().getEpochSecond() + 3600) + ",\"used\":1}},\"rate\":{\"limit\":5000,\"remaining\":4999}}",
          Map.of());
    }
    Matcher m = REPO.matcher(req.path());
    if (!m.matches()) return notFound();
    String repo = m.group(1).toLowerCase(Locale.ROOT);
    String rest = m.group(2);
    Matcher issue = Pattern.compile("/issues/(\\d+)/(labels|comments)").matcher(rest);
    Matcher pull = Pattern.compile("/pulls/(\\d+)").matcher(rest);
    Matcher comment = Pattern.compile("/issues/comments/(\\d+)").matcher(rest);
    if (req.method().equals("PATCH") && comment.matches()) {
      return editComment(Long.parseLong(comment.group(1)), req.body());
    }
    if (req.method().equals("GET") && rest.equals("/labels")) {
      return page(req, labels.getOrDefault(repo, List.of()).stream().map(this::labelJson).toList());
    }
    if (issue.matches()) {
      String key = repo + "#" + issue.group(1);
      boolean isLabels = issue.group(2).equals("labels");
      if (req.method().equals("POST") && isLabels) return addLabels(repo, key, req.body());
      if (req.method().equals("POST")) return addComment(key, req.body());
      if (req.method().equals("GET") && !isLabels) {
        return page(req, commentsOf(key).stream().map(c -> commentJson(c)).toList());
      }
    }
    if (req.method().equals("GET") && pull.matches()) {
      String diff = diffs.get(repo + "#" + pull.group(1));
      if (diff == null) return notFound();
      if (!"application/vnd.github.diff".equals(req.header("accept"))) {
        return new Response(200, Map.of("content-type", "application/json"), "{\"number\":" + pull.group(1) + "}");
      }
      return new Response(200, Map.of("content-type", "text/plain; charset=utf-8"), diff);
    }
    return notFound();
  }

  private Response addLabels(String repo, String key, String body) {
    JsonNode names = readJson(body).path("labels");
    if (!names.isArray()) return new Response(422, Map.of(), errorBody("Invalid request."));
    List<String> repoLabels = labels.computeIfAbsent(repo, r -> new CopyOnWriteArrayList<>());
    List<String> onIssue = issueLabels.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    for (JsonNode n : names) {
      String name = n.asText();
      if (repoLabels.stream().noneMatch(l -> l.equalsIgnoreCase(name))) {
        repoLabels.add(name); // GitHub creates labels that do not exist yet
        createdLabels.add(name);
      }
      if (onIssue.stream().noneMatch(l -> l.equalsIgnoreCase(name))) onIssue.add(name);
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    onIssue.forEach(l -> out.add(labelJson(l)));
    return json(200, out.toString(), Map.of());
  }

  private Response addComment(String key, String body) {
    JsonNode text = readJson(body).path("body");
    if (!text.isTextual()) return new Response(422, Map.of(), errorBody("Validation Failed"));
    Comment c = new Comment(nextId.incrementAndGet(), text.asText());
    commentsOf(key).add(c);
    return json(201, commentJson(c).toString(), Map.of());
  }

  /** Like GitHub: the whole comment answers 200; an id on no issue is 404. */
  private Response editComment(long id, String body) {
    JsonNode text = readJson(body).path("body");
    if (!text.isTextual()) return new Response(422, Map.of(), errorBody("Validation Failed"));
    for (List<Comment> list : comments.values()) {
      for (int i = 0; i < list.size(); i++) {
        Comment c = list.get(i);
        if (c.id() != id) continue;
        Comment edited = new Comment(id, text.asText());
        list.set(i, edited);
        edits.add(new Edit(id, c.body(), edited.body()));
        return json(200, commentJson(edited).toString(), Map.of());
      }
    }
    return notFound();
  }

  /** GitHub-style pagination: {@code page} and {@code per_page}, a Link header with absolute URLs. */
  private Response page(Received req, List<? extends JsonNode> items) {
    int perPage = Math.min(pageSize, intParam(req.query(), "per_page", 30));
    int page = Math.max(1, intParam(req.query(), "page", 1));
    int from = Math.min(items.size(), (page - 1) * perPage);
    int to = Math.min(items.size(), from + perPage);
    ArrayNode out = Json.MAPPER.createArrayNode();
    items.subList(from, to).forEach(out::add);
    int last = Math.max(1, (items.size() + perPage - 1) / perPage);
    String base = url() + req.path() + "?per_page=" + intParam(req.query(), "per_page", 30) + "&page=";
    Map<String, String> headers = page < last
        ? Map.of("link", "<" + base + (page + 1) + ">; rel=\"next\", <" + base + last + ">; rel=\"last\"")
        : Map.of();
    return json(200, out.toString(), headers);
  }

  private ObjectNode labelJson(String name) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", Math.abs(name.hashCode())).put("node_id", "LA_" + name).put("url", url() + "/labels/" + name)
        .put("name", name).put("color", "ededed").put("default", false).putNull("description");
    return n;
  }

  private ObjectNode commentJson(Comment c) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", c.id()).put("node_id", "IC_" + c.id()).put("body", c.body())
        .put("html_url", url() + "/comments/" + c.id()).put("created_at", "2025-01-01T00:00:00Z");
    n.putObject("user").put("login", "hls-bot[bot]").put("type", "Bot");
    return n;
  }

  private List<Comment> commentsOf(String key) {
    return comments.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
  }

  private static String issue(String repository, int number) {
    return repository.toLowerCase(Locale.ROOT) + "#" + number;
  }

  private static Response notFound() {
    return new Response(404, Map.of(), errorBody("Not Found"));
  }

  private static Response json(int status, String body, Map<String, String> headers) {
    return new Response(status, headers, body);
  }

  private static String errorBody(String message) {
    return Json.MAPPER.createObjectNode().put("message", message).put("documentation_url", DOCS).toString();
  }

  private static JsonNode readJson(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode();
    }
  }

  private static int intParam(String query, String name, int fallback) {
    for (String kv : query.split("&")) {
      String[] p = kv.split("=", 2);
      if (p.length == 2 && p[0].equals(name)) {
        try {
          return Integer.parseInt(p[1]);
        } catch (NumberFormatException e) {
          return fallback;
        }
      }
    }
    return fallback;
  }

  private static void send(HttpExchange ex, Response r) throws IOException {
    byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("content-type", "application/json; charset=utf-8");
    r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
