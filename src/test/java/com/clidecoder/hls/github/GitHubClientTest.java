package com.clidecoder.hls.github;

import static com.clidecoder.hls.github.GitHubFixtures.TOKEN;
import static com.clidecoder.hls.github.GitHubFixtures.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.testkit.FakeGitHub;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubClientTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private FakeGitHub fake;

  @BeforeEach
  void startFake() {
    fake = FakeGitHub.start(TOKEN);
  }

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  private GitHubClient client(Duration timeout, int diffMax) {
    return GitHubClient.create(kit.system(), config(fake.url(), Optional.of(TOKEN), false,
        Duration.ofMillis(50), timeout, diffMax)).orElseThrow();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void answersAreReadWithoutStartingAThreadPerRequest() throws Exception {
    // pekko-http's futures are Scala futures seen as CompletableFutures: their plain thenApply runs on
    // the JDK's default async executor, which starts a new thread per task when the common pool has
    // parallelism 1 (2 cores or fewer, as on the machines HLS is benchmarked on).
    fake.labels("octo/app", "bug");
    GitHubClient client = client(Duration.ofSeconds(5), 100);
    for (int i = 0; i < 5; i++) assertInstanceOf(GitHubResult.Ok.class, await(client.listLabels("octo/app")));
    long before = java.lang.management.ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
    for (int i = 0; i < 40; i++) assertInstanceOf(GitHubResult.Ok.class, await(client.listLabels("octo/app")));
    long started = java.lang.management.ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
    assertTrue(started < 20, "threads started for 40 requests: " + started);
  }

  @Test
  void labelListFollowsLinkPaginationWithGitHubsHeaders() throws Exception {
    fake.labels("octo/app", "a", "b", "c", "d", "bug").pageSize(2);
    var r = assertInstanceOf(GitHubResult.Ok.class, await(client(Duration.ofSeconds(5), 100).listLabels("octo/app")));
    assertEquals(List.of("a", "b", "c", "d", "bug"), r.value());
    List<FakeGitHub.Received> gets = fake.received("GET", "/repos/octo/app/labels");
    assertEquals(3, gets.size());
    assertTrue(gets.get(0).query().contains("per_page=100"), gets.get(0).query());
    for (FakeGitHub.Received g : gets) {
      assertEquals("Bearer " + TOKEN, g.header("authorization"));
      assertEquals("application/vnd.github+json", g.header("accept"));
      assertEquals("2022-11-28", g.header("x-github-api-version"));
      assertEquals("hook-line-sinker", g.header("user-agent"));
    }
  }

  @Test
  void commentSearchStopsAtThePageWithTheMatch() throws Exception {
    for (int i = 1; i <= 5; i++) fake.existingComment("octo/app", 9, "comment " + i);
    fake.pageSize(2);
    var found = assertInstanceOf(GitHubResult.Ok.class, await(client(Duration.ofSeconds(5), 100)
        .findComment("octo/app", 9, body -> body.equals("comment 3"))));
    assertEquals(Optional.of(String.valueOf(fake.comments("octo/app", 9).get(2).id())), found.value());
    assertEquals(2, fake.received("GET", "/repos/octo/app/issues/9/comments").size());
    var none = assertInstanceOf(GitHubResult.Ok.class, await(client(Duration.ofSeconds(5), 100)
        .findComment("octo/app", 9, body -> body.equals("absent"))));
    assertEquals(Optional.empty(), none.value());
  }

  @Test
  void diffIsReadUpToTheCapAndMarkedTruncated() throws Exception {
    String big = "diff --git a/f b/f\n" + "+line\n".repeat(2000);
    fake.diff("octo/app", 4, big).diff("octo/app", 5, "small diff\n");
    var cut = assertInstanceOf(GitHubResult.Ok.class, await(client(Duration.ofSeconds(5), 1000).pullRequestDiff("octo/app", 4)));
    GitHubClient.Diff diff = (GitHubClient.Diff) cut.value();
    assertTrue(diff.truncated());
    assertEquals(big.substring(0, 1000), diff.text());
    assertEquals("application/vnd.github.diff", fake.received("GET", "/repos/octo/app/pulls/4").get(0).header("accept"));
    var whole = assertInstanceOf(GitHubResult.Ok.class, await(client(Duration.ofSeconds(5), 1000).pullRequestDiff("octo/app", 5)));
    assertEquals(new GitHubClient.Diff("small diff\n", false), whole.value());
  }

  @Test
  void errorAnswersAndSilenceAreValues() throws Exception {
    var missing = assertInstanceOf(GitHubResult.HttpError.class,
        await(client(Duration.ofSeconds(5), 100).pullRequestDiff("octo/app", 404)));
    assertEquals(404, missing.status());
    assertEquals("Not Found", missing.message());
    // Margins of seconds on both sides of the 1 s timeout, for a loaded machine.
    fake.script("POST", ".*/comments", FakeGitHub.landThenAnswerAfter(Duration.ofSeconds(6)));
    long start = System.nanoTime();
    var silent = assertInstanceOf(GitHubResult.NoAnswer.class,
        await(client(Duration.ofSeconds(1), 100).createComment("octo/app", 1, "hi")));
    assertEquals("GitHub did not answer within 1 s", silent.message());
    assertTrue(System.nanoTime() - start < 4_000_000_000L, "answered at the timeout, not after the fake's delay");
    assertFalse(silent.message().contains(TOKEN));
  }

  @Test
  void invalidRepositoryNeverBecomesAPath() throws Exception {
    var r = assertInstanceOf(GitHubResult.HttpError.class,
        await(client(Duration.ofSeconds(5), 100).addLabels("octo/app/../../admin", 1, List.of("x"))));
    assertEquals(400, r.status());
    assertEquals(List.of(), fake.received());
  }

  @Test
  void editCommentPatchesTheCommentWithItsNewBody() throws Exception {
    fake.existingComment("octo/app", 9, "old");
    long id = fake.comments("octo/app", 9).get(0).id();
    GitHubClient client = client(Duration.ofSeconds(5), 100);
    assertEquals(new GitHubResult.Ok<>(Optional.of(String.valueOf(id))),
        await(client.editComment("octo/app", String.valueOf(id), "new \"body\"")));
    FakeGitHub.Received patch = fake.received("PATCH", "/repos/octo/app/issues/comments/" + id).get(0);
    assertEquals("{\"body\":\"new \\\"body\\\"\"}", patch.body());
    assertEquals("Bearer " + TOKEN, patch.header("authorization"));
    assertEquals("application/vnd.github+json", patch.header("accept"));
    assertEquals("new \"body\"", fake.comments("octo/app", 9).get(0).body());
    GitHubResult<?> gone = await(client.editComment("octo/app", "424242", "x"));
    assertEquals(404, assertInstanceOf(GitHubResult.HttpError.class, gone).status());
    assertEquals(400, assertInstanceOf(GitHubResult.HttpError.class,
        await(client.editComment("octo/app", "1/../../x", "x"))).status(), "an id never becomes a path");
  }
}
