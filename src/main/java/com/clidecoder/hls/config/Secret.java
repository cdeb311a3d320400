package com.clidecoder.hls.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** A credential from config. Its {@code toString} masks it so it cannot leak into logs, errors or stats. */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("empty secret");
    return new Secret(value);
  }

  /** The raw value, for the one place that must send or compare it. */
  public String reveal() {
    return value;
  }

  /** Constant-time comparison against a presented credential. */
  public boolean matches(String presented) {
    if (presented == null) return false;
    return MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "****";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
