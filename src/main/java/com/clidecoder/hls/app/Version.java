package com.clidecoder.hls.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version HLS was built as (the pom's, filtered into {@code hls-version.properties}), read once. */
public final class Version {
  private static final String CURRENT = read();

  private Version() {}

  /** e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the classes run without their resources. */
  public static String current() {
    return CURRENT;
  }

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("/hls-version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
