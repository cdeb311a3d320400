package com.clidecoder.hls.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.testkit.RunningService;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may read and who may change: loopback vs relayed (nginx adds X-Forwarded-For) vs token, on a real
 * service; and the decision itself for a peer that really is remote.
 */
class AccessTest {
  static final String XFF = "X-Forwarded-For";

  @Test
  void withoutATokenMutatingRoutesAnswerLoopbackOnly(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir, "")) {
      assertEquals(200, svc.post("/api/events/retry-failed").statusCode());
      HttpResponse<String> relayed = svc.post("/api/events/retry-failed", XFF, "203.0.113.9");
      assertEquals(403, relayed.statusCode());
      assertTrue(relayed.body().contains("\"status\":\"rejected\""), relayed.body());
      assertTrue(relayed.body().contains("hls.admin.token"), relayed.body());
    }
  }

  @Test
  void withATokenMutatingRoutesNeedIt(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir, "", Map.of("HLS_ADMIN_TOKEN", "s3cret-admin"))) {
      HttpResponse<String> none = svc.post("/api/events/retry-failed");
      assertEquals(401, none.statusCode(), "loopback alone is not enough once a token is set");
      assertEquals("Bearer realm=\"hls\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
      assertEquals(403, svc.post("/api/events/retry-failed", "Authorization", "Bearer wrong").statusCode());
      assertEquals(403, svc.post("/api/events/retry-failed", "Authorization", "Bearer s3cret-admi").statusCode());
      assertEquals(401, svc.post("/api/events/retry-failed", "Authorization", "Basic czNjcmV0LWFkbWlu").statusCode());
      assertEquals(200, svc.post("/api/events/retry-failed", "Authorization", "Bearer s3cret-admin").statusCode());
      assertEquals(200, svc.post("/api/events/retry-failed", "Authorization", "Bearer s3cret-admin", XFF, "203.0.113.9")
          .statusCode(), "a token holder may come through nginx");
      assertFalse(none.body().contains("s3cret"), "refusals never echo the token");
    }
  }

  @Test
  void readRoutesAreLoopbackOnlyUnlessPublicRead(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir.resolve("private"), "")) {
      for (String path : new String[] {"/api/events", "/api/events/1", "/api/daily", "/metrics", "/", "/assets/dashboard.js"}) {
        int local = svc.get(path).statusCode();
        assertTrue(local == 200 || local == 404, path + " from loopback: " + local);
        assertEquals(403, svc.get(path, XFF, "203.0.113.9").statusCode(), path + " relayed");
      }
    }
    try (RunningService svc = new RunningService(dir.resolve("public"), "hls.api.public-read = true")) {
      assertEquals(200, svc.get("/api/events", XFF, "203.0.113.9").statusCode());
      assertEquals(200, svc.get("/metrics", XFF, "203.0.113.9").statusCode());
      assertEquals(403, svc.post("/api/events/retry-failed", XFF, "203.0.113.9").statusCode(),
          "public-read opens reading, not changing");
    }
  }

  @Test
  void aRemotePeerIsNotLoopbackEvenWithoutForwardingHeaders() throws Exception {
    HttpRequest remote = HttpRequest.POST("/api/reload")
        .addAttribute(AttributeKeys.remoteAddress, RemoteAddress.create(InetAddress.getByName("198.51.100.7")));
    HttpRequest local = HttpRequest.POST("/api/reload")
        .addAttribute(AttributeKeys.remoteAddress, RemoteAddress.create(InetAddress.getByName("127.0.0.1")));
    HttpRequest unknown = HttpRequest.POST("/api/reload");
    assertFalse(Access.isLoopback(remote));
    assertTrue(Access.isLoopback(local));
    assertFalse(Access.isLoopback(unknown), "no peer address known: not trusted");
    assertEquals(StatusCodes.FORBIDDEN, Access.decideMutating(Optional.empty(), remote).status());
    assertTrue(Access.decideMutating(Optional.empty(), local).allowed());
    Optional<Secret> token = Optional.of(Secret.of("tok"));
    assertTrue(Access.decideMutating(token, remote.addHeader(Authorization.oauth2("tok"))).allowed());
    assertEquals(StatusCodes.UNAUTHORIZED, Access.decideMutating(token, local).status());
  }
}
