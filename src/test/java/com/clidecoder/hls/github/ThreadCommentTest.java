package com.clidecoder.hls.github;

import static com.clidecoder.hls.github.GitHubFixtures.TOKEN;
import static com.clidecoder.hls.github.GitHubFixtures.live;
import static com.clidecoder.hls.github.GitHubFixtures.permissive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.PlannedAction;
import com.clidecoder.hls.github.GitHubActuator.Done;
import com.clidecoder.hls.github.GitHubActuator.Outcome;
import com.clidecoder.hls.github.GitHubActuator.Perform;
import com.clidecoder.hls.testkit.FakeGitHub;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One comment per thread at the actuator: edit the known comment, find a lost one by its marker, never post twice. */
class ThreadCommentTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String COMMENTS = "/repos/octo/app/issues/5/comments";
  private static final String EDIT = "/repos/octo/app/issues/comments/\\d+";

  private FakeGitHub fake;
  private TestProbe<Outcome> probe;

  @BeforeEach
  void start() {
    fake = FakeGitHub.start(TOKEN);
    probe = kit.createTestProbe();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  /** The comment HLS posted for {@code delivery}, as ActionPolicy writes it. */
  private static String hlsComment(String text, String delivery) {
    return text + "\n\n" + ActionPolicy.threadMarker("octo/app#5") + "\n" + ActionPolicy.marker(delivery);
  }

  private long existing(String body) {
    fake.existingComment("octo/app", 5, body);
    return fake.comments("octo/app", 5).get(fake.comments("octo/app", 5).size() - 1).id();
  }

  private Done perform(String delivery, boolean mayHaveLanded, Optional<String> threadComment) {
    kit.spawn(GitHubActuator.create(live(fake.url()))).tell(new Perform(7, delivery,
        PlannedAction.comment("octo/app", 5, "analysis of " + delivery), permissive(), mayHaveLanded, threadComment,
        probe.ref()));
    return assertInstanceOf(Done.class, probe.receiveMessage(WAIT));
  }

  @Test
  void knownThreadCommentIsEditedInPlaceWithTheLatestDelivery() {
    long id = existing(hlsComment("first analysis", "d-1"));
    Done done = perform("d-2", false, Optional.of(String.valueOf(id)));
    assertEquals(Optional.of(String.valueOf(id)), done.githubId());
    assertEquals(0, fake.received("POST", COMMENTS).size());
    assertEquals(0, fake.received("GET", COMMENTS).size(), "a known id needs no listing");
    FakeGitHub.Edit edit = fake.edits().get(0);
    assertEquals(id, edit.id());
    assertTrue(edit.after().startsWith("analysis of d-2"), edit.after());
    assertTrue(edit.after().endsWith(ActionPolicy.marker("d-2")), edit.after());
    assertEquals(1, fake.comments("octo/app", 5).size());
  }

  @Test
  void lostRowFindsTheCommentByItsThreadMarkerOnALaterPage() {
    fake.pageSize(2);
    existing("a human comment");
    existing("> quoting HLS:\n> " + ActionPolicy.threadMarker("octo/app#5") + "\n> " + ActionPolicy.marker("d-0"));
    long id = existing(hlsComment("first analysis", "d-1"));
    existing("another human comment");
    Done done = perform("d-2", false, Optional.empty());
    assertEquals(Optional.of(String.valueOf(id)), done.githubId());
    assertEquals(0, fake.received("POST", COMMENTS).size());
    assertEquals(2, fake.received("GET", COMMENTS).size(), "two pages read, the search stops at the hit");
    assertEquals(1, fake.edits().size());
    assertEquals(id, fake.edits().get(0).id());
  }

  @Test
  void retryAfterTheEditLandedNeitherPostsNorEditsAgain() {
    long id = existing(hlsComment("analysis of d-3", "d-3"));
    Done done = perform("d-3", true, Optional.of(String.valueOf(id)));
    assertEquals(Optional.of(String.valueOf(id)), done.githubId());
    assertEquals(0, fake.received("PATCH", EDIT).size());
    assertEquals(0, fake.received("POST", COMMENTS).size());
  }

  @Test
  void firstCommentOfAThreadIsPostedOnceAfterOneLookUp() {
    Done done = perform("d-1", false, Optional.empty());
    assertEquals(1, fake.received("GET", COMMENTS).size());
    assertEquals(1, fake.received("POST", COMMENTS).size());
    assertEquals(Optional.of(String.valueOf(fake.comments("octo/app", 5).get(0).id())), done.githubId());
    assertTrue(ActionPolicy.isThreadComment(fake.comments("octo/app", 5).get(0).body(), "octo/app#5"));
  }

  @Test
  void commentDeletedOnGitHubIsReplacedByANewOne() {
    long id = existing(hlsComment("first analysis", "d-1"));
    fake.deleteComment(id);
    Done done = perform("d-2", false, Optional.of(String.valueOf(id)));
    assertEquals(1, fake.received("PATCH", EDIT).size());
    assertEquals(1, fake.received("POST", COMMENTS).size());
    assertFalse(done.githubId().equals(Optional.of(String.valueOf(id))));
    assertEquals(1, fake.comments("octo/app", 5).size());
  }
}
