package com.clidecoder.hls.config;

import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each bad value is refused with a message naming the key, the value and what is allowed. */
class ConfigValidationTest {
  @TempDir Path dir;

  @Test
  void portOutOfRange() {
    assertOnlyProblem("hls.server.port = 70000", "hls.server.port: 70000 is not valid", "0..65535");
  }

  @Test
  void portThatIsNotANumber() {
    assertOnlyProblem("hls.server.port = abc", "hls.server.port: \"abc\" is not valid", "whole number", "0..65535");
  }

  @Test
  void retentionOfSecondsIsRefusedNotTakenAsAPurgeOfEverything() {
    assertOnlyProblem("hls.database.retention = 90s", "hls.database.retention", "whole days such as 90d");
  }

  @Test
  void unknownEventNameInARepository() {
    assertOnlyProblem("hls.repositories = [{ name = \"o/r\", events = [issues, push] }]",
        "hls.repositories.0.events: \"push\" is not valid", "issues, pull_request, pull_request_review, workflow_run");
  }

  @Test
  void repositoryNameWithSpaces() {
    assertOnlyProblem("hls.repositories = [{ name = \"not a repo\" }]",
        "hls.repositories.0.name: \"not a repo\" is not valid", "\"owner/repo\", \"owner/*\" or \"*\"");
  }

  @Test
  void repositoryNameWithTooManySlashes() {
    assertOnlyProblem("hls.repositories = [{ name = \"o/r\" }, { name = \"a/b/c\" }]",
        "hls.repositories.1.name: \"a/b/c\" is not valid", "\"owner/repo\"");
  }

  @Test
  void misspelledKeyInARepositoryEntryListsTheAllowedOnes() {
    assertOnlyProblem("hls.repositories = [{ name = \"o/r\", label { auto-apply = false } }]",
        "hls.repositories.0.label: unknown key", "analyze, comments, enabled, events, labels, name");
  }

  @Test
  void misspelledActionInCommentsOnNamesTheKey() {
    assertOnlyProblem("hls.repositories = [{ name = \"o/r\", comments { on = [opened, reopend] } }]",
        "hls.repositories.0.comments.on: \"reopend\" is not valid", "ready_for_review", "submitted");
  }

  @Test
  void commentsOnThatIsNotAList() {
    assertOnlyProblem("hls.repositories = [{ name = \"o/r\", comments { on { opened = true } } }]",
        "hls.repositories.0.comments.on", "a list of strings");
  }

  @Test
  void analyzeActionThatTheEventDoesNotHave() {
    assertOnlyProblem("hls.analyze.issues = [opened, synchronize]",
        "hls.analyze.issues: \"synchronize\" is not valid", "actions of issues", "reopened");
  }

  @Test
  void misspelledActionInARepositoryAnalyzeBlock() {
    assertOnlyProblem("hls.repositories = [{ name = \"o/r\", analyze { pull_request = [synchronise] } }]",
        "hls.repositories.0.analyze.pull_request: \"synchronise\" is not valid", "synchronize");
  }

  @Test
  void aRepositoryNamedTwiceIgnoringCase() {
    assertOnlyProblem("hls.repositories = [{ name = \"o/r\" }, { name = \"O/R\" }]",
        "hls.repositories.1.name: \"O/R\" is not valid", "may appear once");
  }

  @Test
  void databaseFolderThatCannotBeCreated() throws Exception {
    // A regular file where a folder should be: no user can create a folder inside it, root included.
    Files.writeString(dir.resolve("somefile"), "not a folder");
    String db = dir.resolve("somefile/sub/webhooks.db").toString();
    assertOnlyProblem("hls.database.path = \"" + db + "\"",
        "hls.database.path: \"" + db + "\" is not valid", "folder must be writable or creatable");
  }

  @Test
  void databasePathThatIsAFolder() {
    assertOnlyProblem("hls.database.path = \"" + dir + "\"", "hls.database.path: \"" + dir + "\"", "a file path");
  }

  @Test
  void misspelledKeyNamesTheNearestKnownOne() {
    assertOnlyProblem("hls.server.prot = 8001", "hls.server.prot: unknown key (did you mean hls.server.port?)");
  }

  @Test
  void unknownOutputMode() {
    assertOnlyProblem("hls.claude.output-mode = xml", "hls.claude.output-mode: \"xml\" is not valid", "json-schema, tool");
  }

  @Test
  void durationThatIsNotADuration() {
    assertOnlyProblem("hls.workers.poll-interval = soon", "hls.workers.poll-interval: \"soon\" is not valid", "10s or 5m");
  }

  @Test
  void zeroDurationWhereTimeMustPass() {
    assertOnlyProblem("hls.workers.lease-timeout = 0s", "hls.workers.lease-timeout", "greater than zero");
  }

  @Test
  void urlWithTheWrongScheme() {
    assertOnlyProblem("hls.github.api-url = \"ftp://example.com\"",
        "hls.github.api-url: \"ftp://example.com\" is not valid", "http:// or https:// URL");
  }

  @Test
  void urlThatDoesNotParse() {
    assertOnlyProblem("hls.claude.api-url = \"not a url\"", "hls.claude.api-url: \"not a url\"", "http:// or https://");
  }

  @Test
  void aSectionGivenAsAPlainValueIsReportedNotThrown() {
    assertOnlyProblem("hls.server = 5", "hls.server: is a number, expected an object of settings");
  }

  @Test
  void everyProblemIsReportedInOneGo() {
    ConfigProblems p = problems(String.join("\n",
        "hls.server.port = 70000",
        "hls.server.prot = 1",
        "hls.claude.output-mode = xml",
        "hls.workers.backoff.min = soon",
        "hls.repositories = [{ name = \"a/b/c\" }, { name = \"o/r\", events = [push] }]"));

    assertEquals(6, p.problems().size(), String.join("\n", p.problems()));
    String all = p.getMessage();
    assertContains(all, "hls.server.port: 70000", "hls.server.prot: unknown key", "hls.claude.output-mode: \"xml\"",
        "hls.workers.backoff.min: \"soon\"", "hls.repositories.0.name: \"a/b/c\"", "hls.repositories.1.events: \"push\"");
  }

  @Test
  void aMissingConfigFileIsOneProblem() {
    ConfigProblems p = assertThrows(ConfigProblems.class,
        () -> ConfigLoader.load(Optional.of(dir.resolve("nope.conf")), Map.of()));
    assertEquals(List.of("config file " + dir.resolve("nope.conf") + ": not found or not a regular file"), p.problems());
  }

  @Test
  void aSyntaxErrorNamesTheFileAndLine() throws Exception {
    Path file = dir.resolve("broken.conf");
    Files.writeString(file, "hls.server.port = 8001\nhls.server { host = \"x\"\n");
    ConfigProblems p = assertThrows(ConfigProblems.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
    assertEquals(1, p.problems().size());
    assertContains(p.problems().get(0), "config file " + file + " line ", "syntax error");
  }

  @Test
  void aValidFileLoadsWithItsValues() {
    HlsConfig c = TestConfigs.load(dir, "hls.server.port = 8123\nhls.claude.output-mode = tool").hls();
    assertEquals(8123, c.server().port());
    assertEquals(HlsConfig.OutputMode.TOOL, c.claude().outputMode());
    assertTrue(c.sourceFile().isPresent());
  }

  @Test
  void typoedRootKeyBesideHlsIsAnErrorNamingTheNearestRoot() {
    assertOnlyProblem("hsl { server.port = 9000 }", "hsl: unknown root key", "(did you mean hls?)");
  }

  @Test
  void typoedRootKeyInsteadOfHlsIsAnError() throws Exception {
    Path f = dir.resolve("typo.conf");
    Files.writeString(f, "hsl {\n  database.path = \"x.db\"\n}\n");
    ConfigProblems p = assertThrows(ConfigProblems.class, () -> ConfigLoader.load(Optional.of(f), Map.of()));
    assertEquals(List.of("hsl: unknown root key, nothing reads it (did you mean hls?)"), p.problems());
  }

  @Test
  void pekkoAndTheJdbcDispatcherStayAcceptedAsRoots() {
    TestConfigs.load(dir, "pekko.loglevel = \"DEBUG\"\nhls-jdbc-dispatcher.thread-pool-executor.fixed-pool-size = 2");
  }

  private void assertOnlyProblem(String hocon, String... parts) {
    ConfigProblems p = problems(hocon);
    assertEquals(1, p.problems().size(), "expected one problem, got:\n" + String.join("\n", p.problems()));
    assertContains(p.problems().get(0), parts);
  }

  private ConfigProblems problems(String hocon) {
    return assertThrows(ConfigProblems.class, () -> TestConfigs.load(dir, hocon));
  }
}
