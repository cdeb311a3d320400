package com.clidecoder.hls.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.testkit.AppKeys;
import com.clidecoder.hls.testkit.TestConfigs;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app JWT: RS256 by the app's key, iss = app id, iat 60 s back, exp 9 min ahead. */
class AppJwtTest {
  private static final KeyPair PAIR = AppKeys.generate();
  @TempDir Path dir;

  @Test
  void jwtIsSignedWithTheAppKeyAndCarriesGitHubsClaims() throws Exception {
    Instant now = Instant.parse("2026-12-04T12:00:00Z");
    SignedJWT jwt = SignedJWT.parse(AppJwt.sign(app(), now));
    assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
    assertTrue(jwt.verify(new RSASSAVerifier((RSAPublicKey) PAIR.getPublic())), "signature by the app's key");
    assertEquals("321", jwt.getJWTClaimsSet().getIssuer());
    assertEquals(now.minusSeconds(60), jwt.getJWTClaimsSet().getIssueTime().toInstant());
    assertEquals(now.plusSeconds(540), jwt.getJWTClaimsSet().getExpirationTime().toInstant());
  }

  @Test
  void anotherKeyDoesNotVerify() throws Exception {
    SignedJWT jwt = SignedJWT.parse(AppJwt.sign(app(), Instant.now()));
    assertFalse(jwt.verify(new RSASSAVerifier((RSAPublicKey) AppKeys.generate().getPublic())));
  }

  private HlsConfig.App app() {
    Path file = AppKeys.write(dir.resolve("app.pem"), AppKeys.pkcs1Pem(PAIR));
    return TestConfigs.load(dir, "hls.github.app { id = 321, private-key-file = \"" + file + "\" }")
        .hls().github().app().orElseThrow();
  }
}
