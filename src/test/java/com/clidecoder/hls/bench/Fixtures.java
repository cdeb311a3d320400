package com.clidecoder.hls.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real GitHub payloads of ../shared/fixtures/github-webhooks that HLS queues (ping, push, comments are ignored). */
public final class Fixtures {
  /** One payload with the event type GitHub sends it under. */
  public record Delivery(String event, String file, byte[] body) {}

  private static final String[][] QUEUED = {
      {"issues", "issues.opened.json"}, {"issues", "issues.edited.json"}, {"issues", "issues.labeled.json"},
      {"pull_request", "pull_request.opened.json"}, {"pull_request", "pull_request.synchronize.json"},
      {"pull_request_review", "pull_request_review.submitted.json"}, {"workflow_run", "workflow_run.completed.json"},
  };

  private Fixtures() {}

  /** The same payloads, in the same order, as bench/intake.lua sends. */
  public static List<Delivery> queued(Path dir) throws IOException {
    List<Delivery> out = new ArrayList<>();
    for (String[] f : QUEUED) out.add(new Delivery(f[0], f[1], Files.readAllBytes(dir.resolve(f[1]))));
    return out;
  }
}
