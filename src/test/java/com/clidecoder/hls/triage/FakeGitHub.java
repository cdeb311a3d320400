package com.clidecoder.hls.triage;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.testkit.JsonExchange;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A GitHub REST stand-in on loopback (port 0) for {@code GET /repos/{o}/{r}/issues}: filters by the
 * {@code labels} parameter, pages with {@code per_page}/{@code page} and a {@code Link} header as
 * GitHub does, and can be told to answer the next requests with a canned error (rate limits, 5xx).
 */
public final class FakeGitHub implements AutoCloseable {
  /** A canned answer: status, headers, body. */
  public record Canned(int status, Map<String, String> headers, String body) {}

  /** What the fake received: path with query, and the Authorization header. */
  public record Received(String pathAndQuery, String authorization) {}

  private final HttpServer server;
  private final List<ObjectNode> issues = new ArrayList<>();
  private final Deque<Canned> canned = new ConcurrentLinkedDeque<>();
  public final List<Received> received = new CopyOnWriteArrayList<>();
  private final int pageSize;

  public FakeGitHub(int pageSize) throws IOException {
    this.pageSize = pageSize;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v3");
  }

  /** Adds a closed issue (or a pull request) with the given labels. */
  public FakeGitHub issue(long number, String title, String body, boolean pullRequest, String... labels) {
    ObjectNode item = Json.MAPPER.createObjectNode();
    item.put("number", number).put("title", title).put("state", "closed");
    if (body == null) item.putNull("body");
    else item.put("body", body);
    ArrayNode names = item.putArray("labels");
    for (String l : labels) names.addObject().put("id", l.hashCode()).put("name", l).put("color", "ededed");
    if (pullRequest) item.putObject("pull_request").put("url", "https://api.github.com/repos/o/r/pulls/" + number);
    synchronized (issues) {
      issues.add(item);
    }
    return this;
  }

  public void answerNext(Canned answer) {
    canned.add(answer);
  }

  private void handle(HttpExchange ex) throws IOException {
    URI uri = ex.getRequestURI();
    received.add(new Received(uri.getRawPath() + "?" + uri.getRawQuery(), ex.getRequestHeaders().getFirst("Authorization")));
    Canned next = canned.poll();
    if (next != null) {
      next.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      send(ex, next.status(), next.body());
      return;
    }
    if (!uri.getRawPath().matches("/api/v3/repos/[^/]+/[^/]+/issues") || !"GET".equals(ex.getRequestMethod())) {
      send(ex, 404, "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}");
      return;
    }
    Map<String, String> query = query(uri.getRawQuery());
    String label = query.getOrDefault("labels", "");
    int page = Integer.parseInt(query.getOrDefault("page", "1"));
    int perPage = Math.min(pageSize, Integer.parseInt(query.getOrDefault("per_page", "30")));
    List<ObjectNode> matching = new ArrayList<>();
    synchronized (issues) {
      for (ObjectNode i : issues) {
        for (var l : i.get("labels")) if (l.get("name").asText().equals(label)) matching.add(i);
      }
    }
    int from = (page - 1) * perPage;
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = from; i < Math.min(matching.size(), from + perPage); i++) out.add(matching.get(i));
    if (from + perPage < matching.size()) {
      String base = url() + uri.getRawPath().substring("/api/v3".length()) + "?state=closed&labels=" + query.get("labels_raw") + "&per_page=" + perPage;
      int last = (matching.size() + perPage - 1) / perPage;
      ex.getResponseHeaders().add("Link", "<" + base + "&page=" + (page + 1) + ">; rel=\"next\", <" + base + "&page=" + last + ">; rel=\"last\"");
    }
    ex.getResponseHeaders().add("x-ratelimit-remaining", "4999");
    send(ex, 200, Json.MAPPER.writeValueAsString(out));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) return q;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq < 0) continue;
      String k = pair.substring(0, eq);
      q.put(k, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      if (k.equals("labels")) q.put("labels_raw", pair.substring(eq + 1));
    }
    return q;
  }

  /** GitHub answers JSON with a charset. */
  private static void send(HttpExchange ex, int status, String body) throws IOException {
    JsonExchange.reply(ex, status, "application/json; charset=utf-8", body);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
