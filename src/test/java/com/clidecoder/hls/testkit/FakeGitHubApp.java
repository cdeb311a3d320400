package com.clidecoder.hls.testkit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GitHub App side of {@link FakeGitHub}: {@code GET /app} and the exchange of an app JWT for installation
 * tokens, verified as GitHub does (RS256 by the app's public key, iss, iat, exp at most 10 minutes out), and
 * installation tokens that expire after {@code tokenLifetime}. Writes with an expired or unknown token get
 * GitHub's 401; every write is recorded with the installation whose token it carried.
 */
public final class FakeGitHubApp {
  private static final String DOCS = "https://docs.github.com/rest";
  /** Installation tokens this fake issues: never GitHub's ghs_ prefix, so no scanner takes them for real ones. */
  public static final String TOKEN_PREFIX = "test-gh-inst-";
  private static final Pattern ACCESS_TOKENS = Pattern.compile("/app/installations/(\\d+)/access_tokens");

  /** One write seen with an installation token: whose, and whether it was still valid. */
  public record AppWrite(String method, String path, long installation, boolean expired) {}

  private record Issued(long installation, Instant expiresAt) {}

  private final long appId;
  private final String slug;
  private final RSAPublicKey publicKey;
  private final Duration tokenLifetime;
  private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
  private final List<AppWrite> writes = new CopyOnWriteArrayList<>();
  private final Map<Long, AtomicLong> issuedPer = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong(1);
  private final java.util.concurrent.atomic.AtomicInteger appUnavailable = new java.util.concurrent.atomic.AtomicInteger();

  public FakeGitHubApp(long appId, String slug, RSAPublicKey publicKey, Duration tokenLifetime) {
    this.appId = appId;
    this.slug = slug;
    this.publicKey = publicKey;
    this.tokenLifetime = tokenLifetime;
  }

  /** Installation tokens issued so far to {@code installation}. */
  public long tokensIssued(long installation) {
    return issuedPer.getOrDefault(installation, new AtomicLong()).get();
  }

  /** Every installation token issued so far becomes unknown (revoked), as after a key rotation. */
  public void revokeTokens() {
    tokens.clear();
  }

  /** The next {@code times} {@code GET /app} are answered 503, as in a GitHub outage. */
  public FakeGitHubApp appUnavailable(int times) {
    appUnavailable.set(times);
    return this;
  }

  public List<AppWrite> writes() {
    return List.copyOf(writes);
  }

  /** The answer to an /app request, or to a request whose installation token is expired or unknown. */
  Optional<FakeGitHub.Response> answer(FakeGitHub.Received req) {
    if (req.path().equals("/app") && req.method().equals("GET")) {
      if (appUnavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return Optional.of(json(503, "{\"message\":\"Service Unavailable\",\"documentation_url\":\"" + DOCS + "\"}"));
      }
      return Optional.of(jwtProblem(req).orElseGet(this::app));
    }
    Matcher m = ACCESS_TOKENS.matcher(req.path());
    if (m.matches() && req.method().equals("POST")) {
      return Optional.of(jwtProblem(req).orElseGet(() -> issue(Long.parseLong(m.group(1)))));
    }
    String auth = req.header("authorization");
    if (auth == null || !auth.startsWith("Bearer " + TOKEN_PREFIX)) return Optional.empty();
    Issued issued = tokens.get(auth.substring("Bearer ".length()));
    boolean expired = issued == null || !Instant.now().isBefore(issued.expiresAt());
    if (req.isWrite()) writes.add(new AppWrite(req.method(), req.path(), issued == null ? -1 : issued.installation(), expired));
    if (expired) {
      return Optional.of(new FakeGitHub.Response(401, Map.of("content-type", "application/json"),
          "{\"message\":\"Bad credentials\",\"documentation_url\":\"" + DOCS + "\",\"status\":\"401\"}"));
    }
    return Optional.empty();
  }

  /** True for a valid installation token (FakeGitHub then treats the request as authenticated). */
  boolean accepts(FakeGitHub.Received req) {
    String auth = req.header("authorization");
    if (auth == null || !auth.startsWith("Bearer ")) return false;
    Issued issued = tokens.get(auth.substring("Bearer ".length()));
    return issued != null && Instant.now().isBefore(issued.expiresAt());
  }

  /** GitHub's {@code GET /app} answer (the "App" schema's required fields, trimmed examples). */
  private FakeGitHub.Response app() {
    return json(200, "{\"id\":" + appId + ",\"slug\":\"" + slug + "\",\"node_id\":\"MDExOkludGVncmF0aW9uMQ==\","
        + "\"owner\":{\"login\":\"acme\",\"id\":1,\"node_id\":\"MDEyOk9yZ2FuaXphdGlvbjE=\",\"type\":\"Organization\","
        + "\"site_admin\":false,\"html_url\":\"https://github.com/acme\"},"
        + "\"name\":\"" + slug + "\",\"description\":\"Triage bot (test)\",\"external_url\":\"https://hls.example.com\","
        + "\"html_url\":\"https://github.com/apps/" + slug + "\",\"created_at\":\"2026-01-01T00:00:00Z\","
        + "\"updated_at\":\"2026-01-01T00:00:00Z\","
        + "\"permissions\":{\"issues\":\"write\",\"pull_requests\":\"write\",\"metadata\":\"read\"},"
        + "\"events\":[\"issues\",\"pull_request\",\"pull_request_review\",\"workflow_run\"]}");
  }

  private FakeGitHub.Response issue(long installation) {
    String token = TOKEN_PREFIX + installation + "x" + next.getAndIncrement();
    Instant expires = Instant.now().plus(tokenLifetime);
    tokens.put(token, new Issued(installation, expires));
    issuedPer.computeIfAbsent(installation, k -> new AtomicLong()).incrementAndGet();
    return json(201, "{\"token\":\"" + token + "\",\"expires_at\":\"" + expires
        + "\",\"permissions\":{\"issues\":\"write\",\"pull_requests\":\"write\",\"metadata\":\"read\"},"
        + "\"repository_selection\":\"all\"}");
  }

  /** GitHub's checks of an app JWT; empty when it is good. */
  Optional<FakeGitHub.Response> jwtProblem(FakeGitHub.Received req) {
    String auth = req.header("authorization");
    if (auth == null || !auth.startsWith("Bearer ")) return Optional.of(refusal("A JSON web token could not be decoded"));
    try {
      SignedJWT jwt = SignedJWT.parse(auth.substring("Bearer ".length()));
      if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new RSASSAVerifier(publicKey))) {
        return Optional.of(refusal("A JSON web token could not be decoded"));
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      Instant now = Instant.now();
      if (!Long.toString(appId).equals(c.getIssuer())) {
        return Optional.of(refusal("'Issuer' claim ('iss') must be an Integer"));
      }
      if (c.getIssueTime() == null || c.getIssueTime().toInstant().isAfter(now.plusSeconds(5))) {
        return Optional.of(refusal("'Issued at' claim ('iat') must be an Integer representing a time in the past."));
      }
      if (c.getExpirationTime() == null || !c.getExpirationTime().toInstant().isAfter(now)
          || c.getExpirationTime().toInstant().isAfter(c.getIssueTime().toInstant().plus(Duration.ofMinutes(10)))) {
        return Optional.of(refusal("'Expiration time' claim ('exp') is too far in the future"));
      }
      return Optional.empty();
    } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
      return Optional.of(refusal("A JSON web token could not be decoded"));
    }
  }

  private static FakeGitHub.Response refusal(String message) {
    return json(401, "{\"message\":\"" + message + "\",\"documentation_url\":\"" + DOCS + "\"}");
  }

  private static FakeGitHub.Response json(int status, String body) {
    return new FakeGitHub.Response(status, Map.of("content-type", "application/json"), body);
  }
}
