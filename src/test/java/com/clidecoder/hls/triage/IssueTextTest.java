package com.clidecoder.hls.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IssueTextTest {
  private static final FeatureSpec SPEC = FeatureSpec.defaults();
  private static final FeatureSpec STRIPPING = new FeatureSpec(1, 1, 1, 1, 2, 2, 5, 2, 6000, true, true);

  private static List<String> body(String text, FeatureSpec spec) {
    return IssueText.tokens("", text, spec).body();
  }

  @Test
  void fencedStackTraceBecomesOneMarkerAndItsFramesDisappear() {
    List<String> tokens = body("It breaks:\n```\nException in thread \"main\" java.lang.NullPointerException\n"
        + "    at com.acme.Widget.render(Widget.java:42)\n    at com.acme.Main.main(Main.java:7)\n```\nPlease fix.", SPEC);
    assertTrue(tokens.contains(IssueText.STACK_TRACE), tokens.toString());
    assertFalse(tokens.contains("widget"), "frames are reduced to the marker: " + tokens);
    assertTrue(tokens.containsAll(List.of("it", "breaks", "please", "fix")));
  }

  @Test
  void pythonTracebackPastedWithoutFenceIsAStackTraceToo() {
    List<String> tokens = body("Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\n"
        + "  File \"b.py\", line 9, in f\nValueError: bad", SPEC);
    assertTrue(tokens.contains(IssueText.STACK_TRACE), tokens.toString());
    assertFalse(tokens.contains("py"), tokens.toString());
  }

  @Test
  void codeAndErrorLogsGetTheirOwnMarkers() {
    assertEquals(IssueText.CODE, IssueText.codeMarker("const x = useState(0);\nreturn <div/>;"));
    assertEquals(IssueText.ERROR_LOG, IssueText.codeMarker("$ make\nfatal: cannot open file"));
    assertEquals(IssueText.STACK_TRACE, IssueText.codeMarker("#0 0x00007f in foo()\n#1 0x00008a in bar()"));
  }

  @Test
  void unansweredTemplateFieldsUrlsVersionsAndHashesAreReduced() {
    List<String> tokens = body("### Version\n\n_No response_\n\nSee https://example.com/x?y=1 on 4.8.0-rc1, commit 4e1a38c6df91f96ca8a2ef07413ffdb1d59c30cc.\n"
        + "![shot](https://github.com/u/a.png)", SPEC);
    assertFalse(tokens.contains("response"), tokens.toString());
    assertTrue(tokens.containsAll(List.of(IssueText.URL, IssueText.VERSION, IssueText.HEX, IssueText.IMAGE)), tokens.toString());
    assertFalse(tokens.contains("example"), tokens.toString());
  }

  @Test
  void htmlCommentsAndDetailsAreKeptOrDroppedAsTheSpecSays() {
    String text = "<!-- Please describe the bug -->\nReal text\n<details><summary>System Info</summary>CPU: fast</details>";
    List<String> kept = body(text, SPEC);
    assertTrue(kept.containsAll(List.of("please", "describe", "cpu")), kept.toString());
    List<String> stripped = body(text, STRIPPING);
    assertFalse(stripped.contains("please") || stripped.contains("cpu"), stripped.toString());
    assertTrue(stripped.containsAll(List.of("real", "text", IssueText.DETAILS)), stripped.toString());
  }

  @Test
  void titleKeepsQuestionMarksAndNumbersBecomeAMarker() {
    assertEquals(List.of("why", "does", "render", "run", "zz1num", "times", "?"), IssueText.tokens("Why does render run 2 times?", "", SPEC).title());
  }

  @Test
  void anEmptyBodyIsAFeatureOfItsOwn() {
    assertEquals(List.of(IssueText.EMPTY_BODY), body("", SPEC));
    assertEquals(List.of(IssueText.EMPTY_BODY), body("<!-- only a template comment -->", STRIPPING));
  }
}
