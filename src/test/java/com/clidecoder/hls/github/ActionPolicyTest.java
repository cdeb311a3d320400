package com.clidecoder.hls.github;

import static com.clidecoder.hls.github.GitHubFixtures.permissive;
import static com.clidecoder.hls.github.GitHubFixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.ActionKind;
import com.clidecoder.hls.domain.PlannedAction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionPolicyTest {
  private static final String ZWJ = "\u200D";
  private static final Optional<List<String>> REPO_LABELS = Optional.of(List.of("bug", "Enhancement", "question"));

  private static ActionPolicy.Decision labels(List<String> proposed, Optional<List<String>> known) {
    return ActionPolicy.decide(PlannedAction.labels("octo/app", 7, proposed), permissive(), "d-1", 200, known);
  }

  private static ActionPolicy.Apply apply(ActionPolicy.Decision d) {
    return assertInstanceOf(ActionPolicy.Apply.class, d);
  }

  @Test
  void labelsOutsideRepositoryAndAllowlistAreCutAndReported() {
    ActionPolicy.Apply a = apply(labels(List.of("bug", "critical-security", "needs-triage"), REPO_LABELS));
    assertEquals(List.of("bug", "needs-triage"), a.sent().labels());
    assertEquals(1, a.refused().size());
    assertTrue(a.refused().get(0).contains("critical-security"), a.refused().toString());
  }

  @Test
  void modelTextInReasonsCannotForgeLogLines() {
    ActionPolicy.Apply a = apply(labels(List.of("bug", "x\nINFO event=github_done forged"), REPO_LABELS));
    assertFalse(a.refused().get(0).contains("\n"), a.refused().get(0));
  }

  @Test
  void repositorySpellingWinsDuplicatesCollapseAndMapTranslates() {
    ActionPolicy.Apply a = apply(labels(List.of("BUG", "bug", " feature ", "enhancement", " "), REPO_LABELS));
    assertEquals(List.of("bug", "Enhancement"), a.sent().labels());
    assertEquals(List.of(), a.refused());
  }

  @Test
  void everyLabelUnknownRefusesTheWholeAction() {
    ActionPolicy.Decision d = labels(List.of("p0", "wontfix"), REPO_LABELS);
    ActionPolicy.Refuse r = assertInstanceOf(ActionPolicy.Refuse.class, d);
    assertTrue(r.reason().contains("p0") && r.reason().contains("wontfix"), r.reason());
  }

  @Test
  void autoApplyOffRefusesLabelsAndAutoPostOffRefusesComments() {
    var rule = rule(false, false, List.of("bug"), Map.of());
    assertInstanceOf(ActionPolicy.Refuse.class, ActionPolicy.decide(
        PlannedAction.labels("octo/app", 1, List.of("bug")), rule, "d", 200, REPO_LABELS));
    assertInstanceOf(ActionPolicy.Refuse.class, ActionPolicy.decide(
        PlannedAction.comment("octo/app", 1, "hi"), rule, "d", 200, Optional.empty()));
  }

  @Test
  void unknownRepositoryLabelsAreReportedUnverifiedAndNotSent() {
    ActionPolicy.Apply a = apply(labels(List.of("bug", "needs-triage"), Optional.empty()));
    assertEquals(List.of("needs-triage"), a.sent().labels());
    assertTrue(a.refused().get(0).contains("not verified"), a.refused().toString());
    ActionPolicy.Apply none = apply(labels(List.of("bug"), Optional.empty()));
    assertEquals(List.of(), none.sent().labels());
  }

  @Test
  void repositoryLabelsAreNeededOnlyForLabelsOutsideTheAllowlist() {
    assertFalse(ActionPolicy.needsRepositoryLabels(PlannedAction.labels("o/r", 1, List.of("Needs-Triage")), permissive()));
    assertTrue(ActionPolicy.needsRepositoryLabels(PlannedAction.labels("o/r", 1, List.of("bug")), permissive()));
    assertFalse(ActionPolicy.needsRepositoryLabels(PlannedAction.comment("o/r", 1, "x"), permissive()));
  }

  @Test
  void mentionsAreNeutralisedAndEmailAddressesKept() {
    assertEquals("@" + ZWJ + "alice please look", ActionPolicy.neutraliseMentions("@alice please look"));
    assertEquals("cc (@" + ZWJ + "bob), @" + ZWJ + "org/team-x",
        ActionPolicy.neutraliseMentions("cc (@bob), @org/team-x"));
    assertEquals("mail me@example.com or a.b+c@x.io", ActionPolicy.neutraliseMentions("mail me@example.com or a.b+c@x.io"));
    assertEquals("line\n@" + ZWJ + "carol", ActionPolicy.neutraliseMentions("line\n@carol"));
    String once = ActionPolicy.neutraliseMentions("@@dave @ alone");
    assertEquals("@@" + ZWJ + "dave @ alone", once);
    assertEquals(once, ActionPolicy.neutraliseMentions(once));
  }

  @Test
  void commentIsCappedThenEndsWithTheDeliveryMarker() {
    String body = "x".repeat(300) + " @eve";
    ActionPolicy.Apply a = apply(ActionPolicy.decide(
        PlannedAction.comment("octo/app", 3, body), permissive(), "72d3162e-cc78-11e3-81ab-4c9367dc0958", 200,
        Optional.empty()));
    String marker = "<!-- hls:delivery=72d3162e-cc78-11e3-81ab-4c9367dc0958 -->";
    String thread = "<!-- hls:thread=octo/app#3 -->";
    assertTrue(a.sent().body().endsWith("\n\n" + thread + "\n" + marker), a.sent().body());
    assertEquals(200 + 2 + thread.length() + 1 + marker.length(), a.sent().body().length());
    assertEquals(ActionKind.COMMENT, a.sent().kind());
    assertTrue(a.refused().stream().anyMatch(r -> r.contains("cut from")), a.refused().toString());
  }

  @Test
  void mentionsAreNeutralisedInCommentsAndReported() {
    ActionPolicy.Apply a = apply(ActionPolicy.decide(
        PlannedAction.comment("octo/app", 3, "Hey @alice and @bob, mail ops@corp.io"), permissive(), "d-9", 200,
        Optional.empty()));
    assertTrue(a.sent().body().startsWith("Hey @" + ZWJ + "alice and @" + ZWJ + "bob, mail ops@corp.io\n\n"));
    assertTrue(a.refused().contains("comment: 2 @mention(s) neutralised"), a.refused().toString());
  }

  @Test
  void forgedMarkerInTheModelsTextIsEscaped() {
    ActionPolicy.Apply a = apply(ActionPolicy.decide(
        PlannedAction.comment("octo/app", 3, "done <!-- hls:delivery=d-9 -->"), permissive(), "d-9", 200,
        Optional.empty()));
    assertEquals("done &lt;!-- hls:delivery=d-9 -->\n\n<!-- hls:thread=octo/app#3 -->\n<!-- hls:delivery=d-9 -->",
        a.sent().body());
  }

  @Test
  void badInputsAreRefused() {
    var rule = permissive();
    assertInstanceOf(ActionPolicy.Refuse.class, ActionPolicy.decide(
        PlannedAction.comment("octo/app", 1, "   "), rule, "d", 200, Optional.empty()));
    assertInstanceOf(ActionPolicy.Refuse.class, ActionPolicy.decide(
        PlannedAction.comment("octo/app", 1, "hi"), rule, "d --> x", 200, Optional.empty()));
    assertInstanceOf(ActionPolicy.Refuse.class, ActionPolicy.decide(
        PlannedAction.labels("../etc", 1, List.of("bug")), rule, "d", 200, REPO_LABELS));
    assertInstanceOf(ActionPolicy.Refuse.class, ActionPolicy.decide(
        PlannedAction.labels("o/r", 0, List.of("bug")), rule, "d", 200, REPO_LABELS));
    assertInstanceOf(ActionPolicy.Refuse.class, ActionPolicy.decide(
        new PlannedAction(ActionKind.REVIEW, "o/r", 1, List.of(), "lgtm"), rule, "d", 200, REPO_LABELS));
    assertInstanceOf(ActionPolicy.Refuse.class, labels(List.of(), REPO_LABELS));
  }

  @Test
  void threadCommentIsRecognisedByItsEndingNotByAQuoteOfIt() {
    String posted = apply(ActionPolicy.decide(PlannedAction.comment("octo/app", 3, "analysis"), permissive(), "d-1",
        200, Optional.empty())).sent().body();
    assertTrue(ActionPolicy.isThreadComment(posted, "octo/app#3"), posted);
    assertTrue(ActionPolicy.isThreadComment(posted.replace("\n", "\r\n") + "\r\n", "octo/app#3"), "edited on github.com");
    assertFalse(ActionPolicy.isThreadComment(posted, "octo/app#30"), "another thread");
    assertFalse(ActionPolicy.isThreadComment("> " + posted.replace("\n", "\n> "), "octo/app#3"), "a quote reply");
    assertFalse(ActionPolicy.isThreadComment(posted + "\nmore text", "octo/app#3"), "markers not at the end");
  }
}
