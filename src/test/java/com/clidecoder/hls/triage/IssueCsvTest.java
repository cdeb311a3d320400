package com.clidecoder.hls.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.clidecoder.hls.testkit.SharedFixtures;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IssueCsvTest {
  @Test
  void quotedFieldsKeepCommasLineBreaksAndDoubledQuotes() {
    String csv = "repo,created_at,label,title,body\r\n"
        + "a/b,2023-01-01,bug,\"Crash, \"\"badly\"\"\",\"line one\nline, two\r\n\"\"quoted\"\"\"\n"
        + "a/b,2023-01-02,feature,Plain title,plain body\n";
    List<LabelledIssue> issues = IssueCsv.parse(csv, "test");
    assertEquals(2, issues.size());
    assertEquals("Crash, \"badly\"", issues.get(0).title());
    assertEquals("line one\nline, two\r\n\"quoted\"", issues.get(0).body());
    assertEquals(new LabelledIssue("a/b", "feature", "Plain title", "plain body"), issues.get(1));
  }

  @Test
  void writtenCsvReadsBackUnchanged() throws Exception {
    List<LabelledIssue> issues = List.of(
        new LabelledIssue("o/r", "bug", "Title with \"quotes\", commas", "body\nwith\n\nlines"),
        new LabelledIssue("o/r", "question", "", ""));
    StringWriter w = new StringWriter();
    IssueCsv.write(w, issues);
    assertEquals(issues, IssueCsv.parse(w.toString(), "round trip"));
  }

  @Test
  void missingColumnOrUnterminatedQuoteIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> IssueCsv.parse("repo,label,title\na,b,c\n", "t"));
    assertThrows(IllegalArgumentException.class, () -> IssueCsv.parse("repo,label,title,body\na,bug,t,\"open\n", "t"));
  }

  @Test
  void nlbseTrainingSetHas1500BalancedIssues() throws Exception {
    List<LabelledIssue> issues = IssueCsv.read(SharedFixtures.nlbseTrain());
    assertEquals(1500, issues.size());
    Map<String, Long> perRepoAndLabel = issues.stream().collect(Collectors.groupingBy(i -> i.repo() + " " + i.label(), Collectors.counting()));
    assertEquals(15, perRepoAndLabel.size());
    perRepoAndLabel.values().forEach(n -> assertEquals(100L, n));
  }
}
