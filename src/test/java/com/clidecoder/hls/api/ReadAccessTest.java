package com.clidecoder.hls.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.testkit.JupiterRouteTest;
import com.clidecoder.hls.testkit.TestConfigs;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.Cookie;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SetCookie;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may read: the dashboard's routes through pekko-http-testkit with the peer address set as the
 * server sets it, for bearer tokens, the login cookie, wrong tokens, remote clients without a token,
 * logout, and that no answer ever carries a token.
 */
class ReadAccessTest extends JupiterRouteTest {
  static final String READ = "read-tok-7f3a91";
  static final String ADMIN = "admin-tok-c02e55";
  static final String REMOTE = "198.51.100.7";

  @TempDir Path dir;

  private final AtomicReference<HlsConfig> config = new AtomicReference<>();

  private DashboardRoute dashboard(String hocon, Map<String, String> env) throws Exception {
    Path d = Files.createTempDirectory(dir, "cfg");
    config.set(TestConfigs.load(d, hocon, env).hls());
    return new DashboardRoute(config::get, "9.8.7-test", Instant.now().minusSeconds(100), Clock.systemUTC());
  }

  private DashboardRoute withTokens() throws Exception {
    return dashboard("", Map.of("HLS_READ_TOKEN", READ, "HLS_ADMIN_TOKEN", ADMIN));
  }

  private TestRouteResult run(DashboardRoute route, HttpRequest request) {
    TestRouteResult r = testRoute(route.route()).run(request);
    assertNoSecret(r);
    return r;
  }

  private static HttpRequest from(String address, HttpRequest request) throws Exception {
    return request.addAttribute(AttributeKeys.remoteAddress, RemoteAddress.create(InetAddress.getByName(address)));
  }

  private static HttpRequest loginPost(String address, String body, HttpHeader... headers) throws Exception {
    HttpRequest r = HttpRequest.POST("/login").withEntity(HttpEntities.create(ContentTypes.APPLICATION_X_WWW_FORM_URLENCODED, body));
    for (HttpHeader h : headers) r = r.addHeader(h);
    return from(address, r);
  }

  private static void assertNoSecret(TestRouteResult r) {
    String everything = r.entityString() + r.response().getHeaders();
    assertFalse(everything.contains(READ) || everything.contains(ADMIN), "a token leaked into an answer: " + everything);
  }

  private static String setCookie(TestRouteResult r) {
    return r.response().getHeader(SetCookie.class).map(HttpHeader::value).orElse("");
  }

  private static String cookieValue(String setCookie) {
    String first = setCookie.split(";")[0];
    return first.substring(first.indexOf('=') + 1);
  }

  @Test
  void withoutATokenConfiguredRemoteReadsAreRefusedAndLoopbackKeepsWorking() throws Exception {
    DashboardRoute route = dashboard("", Map.of());
    TestRouteResult remote = run(route, from(REMOTE, HttpRequest.GET("/api/info")));
    remote.assertStatusCode(403);
    assertTrue(remote.entityString().contains("hls.api.read-token"), remote.entityString());
    run(route, from("127.0.0.1", HttpRequest.GET("/api/info"))).assertStatusCode(200);
    run(route, from("127.0.0.1", HttpRequest.GET("/api/info").addHeader(RawHeader.create("X-Forwarded-For", "203.0.113.9"))))
        .assertStatusCode(403);
  }

  @Test
  void bearerReadOrAdminTokenOpensReadsAndAWrongOneIs401() throws Exception {
    DashboardRoute route = withTokens();
    run(route, from(REMOTE, HttpRequest.GET("/api/info").addHeader(Authorization.oauth2(READ)))).assertStatusCode(200);
    run(route, from(REMOTE, HttpRequest.GET("/api/info").addHeader(Authorization.oauth2(ADMIN)))).assertStatusCode(200);
    TestRouteResult wrong = run(route, from(REMOTE, HttpRequest.GET("/api/info").addHeader(Authorization.oauth2(READ + "x"))));
    wrong.assertStatusCode(401);
    JsonNode body = Json.MAPPER.readTree(wrong.entityString());
    assertEquals("rejected", body.path("status").asText());
    assertTrue(body.path("reason").asText().contains("matches neither"), body.toString());
    assertEquals("Bearer realm=\"hls\"", wrong.response().getHeader("WWW-Authenticate").map(HttpHeader::value).orElse(""));
    run(route, from("127.0.0.1", HttpRequest.GET("/api/info").addHeader(Authorization.oauth2("nope")))).assertStatusCode(401);
    run(route, from("127.0.0.1", HttpRequest.GET("/api/info"))).assertStatusCode(200);
  }

  @Test
  void remoteWithoutTokenGetsJson401FromTheApiAndTheLoginFormFromThePage() throws Exception {
    DashboardRoute route = withTokens();
    TestRouteResult api = run(route, from(REMOTE, HttpRequest.GET("/api/info")));
    api.assertStatusCode(401);
    assertTrue(api.entityString().contains("\"reason\""), api.entityString());
    // nginx relays from loopback but adds X-Forwarded-For: still remote.
    run(route, from("127.0.0.1", HttpRequest.GET("/api/info").addHeader(RawHeader.create("X-Forwarded-For", "203.0.113.9"))))
        .assertStatusCode(401);
    TestRouteResult page = run(route, from(REMOTE, HttpRequest.GET("/")));
    page.assertStatusCode(401);
    assertTrue(page.entityString().contains("<form id=\"login\" method=\"post\" action=\"login\">"), page.entityString());
    assertFalse(page.entityString().contains("id=\"recent\""), "the dashboard itself is not served");
    run(route, from(REMOTE, HttpRequest.GET("/assets/dashboard.js"))).assertStatusCode(401);
  }

  @Test
  void loginSetsAStrictHttpOnlyCookieThatIsNotTheTokenAndOpensReads() throws Exception {
    DashboardRoute route = withTokens();
    TestRouteResult login = run(route, loginPost(REMOTE, "token=" + READ, RawHeader.create("X-Forwarded-Proto", "https")));
    login.assertStatusCode(303);
    assertEquals("./", login.response().getHeader("Location").map(HttpHeader::value).orElse(""));
    String set = setCookie(login);
    assertTrue(set.startsWith(ReadSession.COOKIE + "="), set);
    assertTrue(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Secure"), set);
    assertFalse(set.contains("Path="), "scoped by the browser to where the login was posted (/hls/ behind nginx)");
    String value = cookieValue(set);

    HttpRequest withCookie = from(REMOTE, HttpRequest.GET("/api/info").addHeader(Cookie.create(ReadSession.COOKIE, value)));
    TestRouteResult info = run(route, withCookie);
    info.assertStatusCode(200);
    JsonNode i = Json.MAPPER.readTree(info.entityString());
    assertEquals("9.8.7-test", i.path("version").asText());
    assertTrue(i.path("uptime_seconds").asLong() >= 100, i.toString());
    assertEquals("dry-run", i.path("github").asText());
    assertEquals("offline", i.path("analyst").asText());
    TestRouteResult page = run(route, from(REMOTE, HttpRequest.GET("/").addHeader(Cookie.create(ReadSession.COOKIE, value))));
    page.assertStatusCode(200);
    assertTrue(page.entityString().contains("id=\"recent\""), "the dashboard itself");

    // Over plain http the cookie is not marked Secure (it would never come back).
    assertFalse(setCookie(run(route, loginPost(REMOTE, "token=" + ADMIN))).contains("Secure"));
  }

  @Test
  void aWrongOrMissingTokenAtLoginGetsTheFormAgainAndNoCookie() throws Exception {
    DashboardRoute route = withTokens();
    TestRouteResult wrong = run(route, loginPost(REMOTE, "token=guess"));
    wrong.assertStatusCode(401);
    assertTrue(wrong.entityString().contains("That token is not right.") && wrong.entityString().contains("<form"), wrong.entityString());
    assertEquals("", setCookie(wrong));
    run(route, loginPost(REMOTE, "token=")).assertStatusCode(401);
    TestRouteResult notAForm = run(route, from(REMOTE, HttpRequest.POST("/login")
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"token\":\"x\"}"))));
    notAForm.assertStatusCode(400);
    assertTrue(notAForm.entityString().contains("form field"), notAForm.entityString());
  }

  @Test
  void aForgedExpiredOrStaleCookieIsRefused() throws Exception {
    DashboardRoute route = withTokens();
    String value = cookieValue(setCookie(run(route, loginPost(REMOTE, "token=" + READ))));
    String tampered = value.substring(0, value.length() - 2) + (value.endsWith("AA") ? "BB" : "AA");
    String later = (Long.parseLong(value.substring(0, value.indexOf('.'))) + 3600) + value.substring(value.indexOf('.'));
    for (String bad : List.of(tampered, later, "", "garbage", READ)) {
      run(route, from(REMOTE, HttpRequest.GET("/api/info").addHeader(Cookie.create(ReadSession.COOKIE, bad))))
          .assertStatusCode(401);
    }
    List<Secret> keys = List.of(Secret.of(READ));
    assertTrue(ReadSession.valid(value, keys, Instant.now()));
    assertFalse(ReadSession.valid(value, keys, Instant.now().plus(ReadSession.LIFETIME).plus(Duration.ofMinutes(1))), "expired");
    // A new read token ends the sessions made with the old one.
    config.set(TestConfigs.load(Files.createTempDirectory(dir, "rotated"), "",
        Map.of("HLS_READ_TOKEN", "rotated-tok", "HLS_ADMIN_TOKEN", ADMIN)).hls());
    TestRouteResult stale = run(route, from(REMOTE, HttpRequest.GET("/api/info").addHeader(Cookie.create(ReadSession.COOKIE, value))));
    stale.assertStatusCode(401);
    assertTrue(stale.entityString().contains("log in again"), stale.entityString());
  }

  @Test
  void logoutClearsTheCookie() throws Exception {
    DashboardRoute route = withTokens();
    TestRouteResult out = run(route, from(REMOTE, HttpRequest.POST("/logout")));
    out.assertStatusCode(303);
    String set = setCookie(out);
    assertTrue(set.startsWith(ReadSession.COOKIE + "=;") && set.contains("Max-Age=0"), set);
    run(route, from(REMOTE, HttpRequest.GET("/logout"))).assertStatusCode(405);
  }

  @Test
  void theCookieGrantsReadingOnlyWritesStillNeedTheAdminBearer() throws Exception {
    DashboardRoute route = withTokens();
    String value = cookieValue(setCookie(run(route, loginPost(REMOTE, "token=" + ADMIN))));
    var write = Access.mutating(config.get(), () -> Directives.complete("written"));
    TestRouteResult refused = testRoute(write).run(from(REMOTE, HttpRequest.POST("/api/reload")
        .addHeader(Cookie.create(ReadSession.COOKIE, value))));
    refused.assertStatusCode(401);
    testRoute(write).run(from(REMOTE, HttpRequest.POST("/api/reload").addHeader(Authorization.oauth2(READ))))
        .assertStatusCode(403);
    testRoute(write).run(from(REMOTE, HttpRequest.POST("/api/reload").addHeader(Authorization.oauth2(ADMIN))))
        .assertStatusCode(200);
  }
}
