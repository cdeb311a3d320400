package com.clidecoder.hls.intake;

import com.clidecoder.hls.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks {@code X-Hub-Signature-256}: {@code sha256=} and the lowercase hex HMAC-SHA256 of the raw body
 * bytes under the webhook secret, compared in constant time as GitHub advises.
 */
public final class SignatureVerifier {
  private static final String PREFIX = "sha256=";
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  public SignatureVerifier(Secret secret) {
    this.key = new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** True only when {@code header} is present, well-formed and matches {@code body}. */
  public boolean verify(byte[] body, Optional<String> header) {
    if (header.isEmpty()) return false;
    String value = header.get().trim();
    if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) return false;
    byte[] presented;
    try {
      presented = HexFormat.of().parseHex(value.substring(PREFIX.length()));
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    // isEqual does not stop at the first differing byte; a length mismatch (e.g. a SHA-1 digest) is just false.
    return MessageDigest.isEqual(mac(body), presented);
  }

  /** The header value GitHub would send for {@code body}: {@code sha256=<hex>}. */
  public String sign(byte[] body) {
    return PREFIX + HexFormat.of().formatHex(mac(body));
  }

  private byte[] mac(byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every Java 17 runtime ships HmacSHA256 and accepts any non-empty raw key: this is a broken JVM.
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
