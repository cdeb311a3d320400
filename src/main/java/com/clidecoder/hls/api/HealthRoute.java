package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.clidecoder.hls.store.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /health}: 200 while the database answers, 503 when it does not. */
public final class HealthRoute {
  private final Database db;
  private final Executor jdbc;

  public HealthRoute(Database db, Executor jdbc) {
    this.db = db;
    this.jdbc = jdbc;
  }

  public Route route() {
    return path("health", () -> get(() ->
        onSuccess(CompletableFuture.supplyAsync(db::ping, jdbc), up -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("status", up ? "ok" : "down");
          body.put("database", up ? "ok" : "unreachable");
          return complete(up ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body, JsonReplies.JSON);
        })));
  }
}
