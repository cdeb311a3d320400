package com.clidecoder.hls.api;

import com.clidecoder.hls.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Cookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.headers.SetCookie;

/**
 * The dashboard's login cookie: {@code <expiry epoch seconds>.<HMAC-SHA256 of it keyed by the token>}.
 * It proves the holder knew a read token without carrying it, needs no state (a restart keeps people
 * logged in), and dies with its expiry or as soon as the token it was made with changes. It grants
 * reading only; writes still need the admin token as a bearer header.
 *
 * <p>No {@code Path} attribute: the browser scopes the cookie to the folder the login was posted from,
 * so behind nginx at {@code /hls/} it is sent to {@code /hls/...} only.
 */
final class ReadSession {
  static final String COOKIE = "hls_session";
  static final Duration LIFETIME = Duration.ofHours(12);
  private static final String PURPOSE = "hls-read-session:";

  private ReadSession() {}

  /** A fresh cookie value made with {@code key}, valid for {@link #LIFETIME} from {@code now}. */
  static String mint(Secret key, Instant now) {
    String expiry = Long.toString(now.plus(LIFETIME).getEpochSecond());
    return expiry + "." + mac(key, expiry);
  }

  /** True when {@code value} was minted with one of {@code keys} and has not expired. */
  static boolean valid(String value, List<Secret> keys, Instant now) {
    int dot = value.indexOf('.');
    if (dot <= 0) return false;
    String expiry = value.substring(0, dot);
    long expires;
    try {
      expires = Long.parseLong(expiry);
    } catch (NumberFormatException e) {
      return false;
    }
    if (now.getEpochSecond() >= expires) return false;
    byte[] presented = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    for (Secret key : keys) {
      if (MessageDigest.isEqual(presented, mac(key, expiry).getBytes(StandardCharsets.US_ASCII))) return true;
    }
    return false;
  }

  /** The session cookie the request carries, if any. */
  static Optional<String> presented(HttpRequest request) {
    for (var header : request.getHeaders()) {
      if (header instanceof Cookie c) {
        for (HttpCookiePair pair : c.getCookies()) {
          if (pair.name().equals(COOKIE)) return Optional.of(pair.value());
        }
      }
    }
    return Optional.empty();
  }

  static SetCookie set(String value, boolean secure) {
    return SetCookie.create(cookie(value, secure).withMaxAge(LIFETIME.toSeconds()));
  }

  /** Replaces the cookie with an empty one that expires at once (logout). */
  static SetCookie clear(boolean secure) {
    return SetCookie.create(cookie("", secure).withMaxAge(0));
  }

  /** Secure when the browser reached us over https: directly, or through a proxy that says so. */
  static boolean overHttps(HttpRequest request) {
    if (request.getUri().getScheme().equalsIgnoreCase("https")) return true;
    return request.getHeader("x-forwarded-proto").map(h -> h.value().strip().equalsIgnoreCase("https")).orElse(false);
  }

  private static HttpCookie cookie(String value, boolean secure) {
    return HttpCookie.create(COOKIE, value).withHttpOnly(true).withSameSite(SameSite.Strict).withSecure(secure);
  }

  private static String mac(Secret key, String expiry) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] out = mac.doFinal((PURPOSE + expiry).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
