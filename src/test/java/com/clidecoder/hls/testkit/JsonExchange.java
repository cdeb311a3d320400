package com.clidecoder.hls.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Answers a request to a test's JDK HttpServer with a JSON body: the one way the small fakes reply. */
public final class JsonExchange {
  private JsonExchange() {}

  /** {@code application/json}, as HLS itself answers. */
  public static void reply(HttpExchange exchange, int status, String json) throws IOException {
    reply(exchange, status, "application/json", json);
  }

  public static void reply(HttpExchange exchange, int status, String contentType, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    exchange.close();
  }
}
