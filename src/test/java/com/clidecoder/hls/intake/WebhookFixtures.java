package com.clidecoder.hls.intake;

import com.clidecoder.hls.testkit.SharedFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Webhook bodies with the header GitHub sends them with and the outcome their manifest implies. */
record WebhookFixtures(String file, String event, boolean expectQueued, byte[] body) {

  /**
   * Every body in {@code ../shared/fixtures/github-webhooks} (skips when absent). Its MANIFEST marks
   * the event types HLS does not handle with the note "unsupported/other event": those are ignored,
   * the rest are queued.
   */
  static List<WebhookFixtures> shared() {
    Path dir = SharedFixtures.webhooks();
    List<WebhookFixtures> out = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(dir.resolve("MANIFEST.tsv"));
      List<String> header = List.of(lines.get(0).split("\t"));
      int file = header.indexOf("file");
      int event = header.indexOf("x_github_event");
      int notes = header.indexOf("notes");
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) continue;
        String[] f = line.split("\t");
        boolean unsupported = f[notes].contains("unsupported");
        out.add(new WebhookFixtures(f[file], f[event], !unsupported, Files.readAllBytes(dir.resolve(f[file]))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The project's own GitHub-shaped bodies in {@code src/test/resources/webhooks} (always present). */
  static List<WebhookFixtures> own() {
    List<WebhookFixtures> out = new ArrayList<>();
    String manifest = new String(resource("MANIFEST.tsv"), StandardCharsets.UTF_8);
    for (String line : manifest.lines().skip(1).toList()) {
      if (line.isBlank()) continue;
      String[] f = line.split("\t");
      out.add(new WebhookFixtures(f[0], f[1], f[2].equals("queued"), resource(f[0])));
    }
    return out;
  }

  static byte[] own(String file) {
    return resource(file);
  }

  private static byte[] resource(String name) {
    try (InputStream in = WebhookFixtures.class.getResourceAsStream("/webhooks/" + name)) {
      if (in == null) throw new IllegalStateException("missing test resource webhooks/" + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return file;
  }
}
