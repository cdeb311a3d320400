package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.testkit.RunningService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed document's "Test Event Flow" against HLS on its embedded defaults: its own curl (no
 * repository) is refused with one line saying what to add, and the README's curl, read from the
 * README itself, is queued and completes with the offline analyst in dry-run.
 */
class SeedTestFlowTest {
  /** The seed document's payload, byte for byte. */
  private static final String SEED_PAYLOAD = "{\"action\":\"opened\",\"issue\":{\"title\":\"Test HLS Integration\"}}";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theSeedsCurlIsToldWhatIsMissingAndTheReadmesCurlCompletes() throws Exception {
    String section = readmeSection();
    String readmePayload = group(section, "-d '(\\{.*?\\})'\\s*$", "the curl's -d payload");
    String readmeRejection = group(section, "`(\\{\"status\":\"rejected\".*?\\})`", "the documented rejection");

    try (RunningService service = new RunningService(dir, "hls.workers.poll-interval = 200ms")) {
      assertTrue(service.loaded.hls().claude().offline(), "embedded defaults: no API key");
      assertTrue(service.loaded.hls().github().effectiveDryRun(), "embedded defaults: no token");

      HttpResponse<String> refused = post(service, "test-integration", SEED_PAYLOAD);
      assertEquals(400, refused.statusCode(), refused.body());
      JsonNode reason = JSON.readTree(refused.body());
      assertEquals("rejected", reason.path("status").asText());
      assertEquals(JSON.readTree(readmeRejection), reason, "the README quotes the answer exactly");
      assertFalse(reason.path("reason").asText().contains("\n"), "one line");
      assertTrue(reason.path("reason").asText().contains("\"repository\":{\"full_name\":\"OWNER/REPO\"}"), refused.body());

      HttpResponse<String> queued = post(service, "test-integration-1", readmePayload);
      assertEquals(202, queued.statusCode(), queued.body());
      long id = JSON.readTree(queued.body()).path("id").asLong();

      JsonNode event = awaitFinished(service, id);
      assertEquals("completed", event.path("status").asText(), event.toString());
      JsonNode analyses = event.path("analyses");
      assertEquals(1, analyses.size(), event.toString());
      assertEquals(AnalysisRecord.OFFLINE, analyses.get(0).path("provider").asText());
      for (JsonNode action : event.path("actions")) {
        assertTrue(action.path("dry_run").asBoolean(), "no token: every action is dry-run: " + action);
      }
    }
  }

  /**
   * Issue 12.4: the first real issue on the embedded defaults. The classifier is not sure what a typo
   * report is, so the analysis abstains and says why, and nothing is planned for GitHub.
   */
  @Test
  void aSpellingIssueOnTheDefaultsCompletesWithAnAbstentionAndNoPlannedAction() throws Exception {
    try (RunningService service = new RunningService(dir, "hls.workers.poll-interval = 200ms")) {
      double minConfidence = service.loaded.hls().triage().minConfidence();
      HttpResponse<String> queued = post(service, "spelling-1", SPELLING_ISSUE);
      assertEquals(202, queued.statusCode(), queued.body());

      JsonNode event = awaitFinished(service, JSON.readTree(queued.body()).path("id").asLong());

      assertEquals("completed", event.path("status").asText(), event.toString());
      JsonNode analysis = event.path("analyses").get(0);
      assertEquals(0, analysis.path("labels").size(), "no label: " + analysis);
      assertTrue(analysis.path("comment").isNull() || analysis.path("comment").asText().isEmpty(), analysis.toString());
      assertTrue(analysis.path("confidence").asDouble() < minConfidence, analysis.toString());
      assertTrue(analysis.path("summary").asText().contains("abstained")
          && analysis.path("summary").asText().contains("hls.triage.min-confidence"), analysis.toString());
      assertEquals(0, event.path("actions").size(), "nothing planned for GitHub: " + event.path("actions"));
    }
  }

  /** A typo report as GitHub sends it (issues.opened, trimmed to the fields HLS reads and a few more). */
  private static final String SPELLING_ISSUE = """
      {"action":"opened",
       "issue":{"url":"https://api.github.com/repos/octo-org/docs-site/issues/57","number":57,
         "title":"Spelling error in the README",
         "body":"In the README, under \\\"Getting started\\\", the second paragraph says \\\"recieve\\\" instead of \\\"receive\\\".",
         "user":{"login":"mona","id":583231,"type":"User"},"labels":[],"state":"open","locked":false,
         "assignees":[],"comments":0,"created_at":"2026-12-04T09:12:44Z","updated_at":"2026-12-04T09:12:44Z",
         "author_association":"NONE"},
       "repository":{"id":1296269,"name":"docs-site","full_name":"octo-org/docs-site","private":false,
         "owner":{"login":"octo-org","id":9919,"type":"Organization"},"default_branch":"main"},
       "sender":{"login":"mona","id":583231,"type":"User"}}""";

  private HttpResponse<String> post(RunningService service, String delivery, String payload) {
    return service.deliver("issues", delivery, payload);
  }

  private static JsonNode awaitFinished(RunningService service, long id) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    JsonNode event = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = service.get("/api/events/" + id);
      if (r.statusCode() == 200) {
        event = JSON.readTree(r.body());
        String status = event.path("status").asText();
        if (status.equals("completed") || status.equals("failed") || status.equals("skipped")) return event;
      }
      Thread.sleep(100);
    }
    fail("event " + id + " did not finish within 20 s: " + event);
    return null;
  }

  private static String readmeSection() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("\n## Test the event flow\n");
    assertTrue(start >= 0, "README has a section \"## Test the event flow\"");
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  private static String group(String text, String regex, String what) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), "README's Test the event flow section has " + what);
    return m.group(1);
  }
}
