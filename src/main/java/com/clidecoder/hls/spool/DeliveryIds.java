package com.clidecoder.hls.spool;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The delivery id used when a sender gives none: derived from the payload's bytes, as bin/queue-hls-event
 * derives it, so a redelivery of the same payload is a duplicate instead of a second analysis and comment.
 */
public final class DeliveryIds {
  /** Prefix of a derived id; the same in bin/queue-hls-event. */
  public static final String DERIVED_PREFIX = "sha256-";

  private DeliveryIds() {}

  /** {@code sha256-} and the first 32 hex digits of the SHA-256 of {@code body}. */
  public static String derivedFrom(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return DERIVED_PREFIX + HexFormat.of().formatHex(digest).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }
}
