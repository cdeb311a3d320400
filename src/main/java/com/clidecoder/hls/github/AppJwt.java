package com.clidecoder.hls.github;

import com.clidecoder.hls.config.HlsConfig;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The GitHub App's own JWT (RS256, signed by nimbus-jose-jwt), which authenticates {@code /app} requests and
 * the exchange for installation tokens. GitHub allows at most 10 minutes; {@code iat} is 60 s in the past
 * because GitHub rejects a token issued "in the future" by a clock a little ahead.
 */
public final class AppJwt {
  static final Duration BACKDATE = Duration.ofSeconds(60);
  static final Duration LIFETIME = Duration.ofMinutes(9);

  private AppJwt() {}

  /** A JWT for {@code app} issued at {@code now}; the string is a credential: send it, never log it. */
  public static String sign(HlsConfig.App app, Instant now) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(Long.toString(app.id()))
        .issueTime(Date.from(now.minus(BACKDATE)))
        .expirationTime(Date.from(now.plus(LIFETIME)))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    try {
      jwt.sign(new RSASSASigner(app.privateKey().key()));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the GitHub App JWT for app " + app.id(), e);
    }
    return jwt.serialize();
  }
}
