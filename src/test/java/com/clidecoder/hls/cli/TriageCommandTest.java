package com.clidecoder.hls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.triage.FakeGitHub;
import com.clidecoder.hls.triage.IssueCsv;
import com.clidecoder.hls.triage.LabelledIssue;
import com.clidecoder.hls.triage.TriageModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriageCommandTest {
  private record Run(int status, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(List.of(args), new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Two repositories of generated issues, each type with its own words. */
  private static Path csv(Path dir, int perLabel, long seed) throws Exception {
    String[][] words = {{"crash", "exception", "fails", "error"}, {"support", "add", "option", "proposal"}, {"how", "why", "help", "?"}};
    String[] labels = {"bug", "feature", "question"};
    Random random = new Random(seed);
    List<LabelledIssue> issues = new ArrayList<>();
    for (String repo : List.of("a/one", "b/two")) {
      for (int n = 0; n < perLabel; n++) {
        for (int l = 0; l < 3; l++) {
          StringBuilder body = new StringBuilder();
          for (int w = 0; w < 20; w++) body.append(random.nextInt(3) == 0 ? words[l][random.nextInt(4)] : "the app page " + w).append(' ');
          issues.add(new LabelledIssue(repo, labels[l], words[l][random.nextInt(4)] + " in the app", body.toString()));
        }
      }
    }
    StringWriter w = new StringWriter();
    IssueCsv.write(w, issues);
    return Files.writeString(dir.resolve("issues-" + seed + ".csv"), w.toString());
  }

  private static Path config(Path dir, String extra) throws Exception {
    return Files.writeString(dir.resolve("hls.conf"),
        "hls.triage.models-dir = \"" + dir.resolve("models").toString().replace("\\", "/") + "\"\n"
            + "hls.database.path = \"" + dir.resolve("db.sqlite").toString().replace("\\", "/") + "\"\n" + extra);
  }

  @Test
  void evalWithATestSetPrintsPerRepositoryTablesAndEndsWithTheCrossRepoLine(@TempDir Path dir) throws Exception {
    Run r = run(Map.of(), "triage", "eval", "--train", csv(dir, 20, 1).toString(), "--test", csv(dir, 8, 2).toString());
    assertEquals(0, r.status(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertTrue(Pattern.matches("cross-repo F1: [01]\\.\\d{4}", lines[lines.length - 1]), lines[lines.length - 1]);
    assertTrue(r.out().contains("a/one (24 issues)") && r.out().contains("b/two (24 issues)"), r.out());
    assertTrue(Pattern.compile("(?m)^  bug +\\d\\.\\d{4} +\\d\\.\\d{4} +\\d\\.\\d{4} +8$").matcher(r.out()).find(), r.out());
    assertTrue(r.out().contains("precision") && r.out().contains("recall") && r.out().contains("average"), r.out());
    double f1 = Double.parseDouble(lines[lines.length - 1].substring("cross-repo F1: ".length()));
    assertTrue(f1 > 0.6, "separable generated issues score well above chance: " + f1);
  }

  @Test
  void curvePrintsCoverageAndAccuracyAtEachThresholdForHeldOutDefaultModelPredictions(@TempDir Path dir) throws Exception {
    Path csv = csv(dir, 10, 5);
    Run unseen = run(Map.of(), "triage", "curve", "--csv", csv.toString(), "--unseen-repo", "--thresholds", "0,0.5,0.99");
    assertEquals(0, unseen.status(), unseen.err());
    assertTrue(unseen.out().contains("| min-confidence | issues labelled | labels right |"), unseen.out());
    assertTrue(unseen.out().contains("| 0.00 | 100% (60 of 60) | "), unseen.out());
    assertTrue(Pattern.compile("(?m)^\\| 0\\.50 \\| \\d+% \\(\\d+ of 60\\) \\|").matcher(unseen.out()).find(), unseen.out());
    assertTrue(unseen.out().contains("60 held-out predictions of the default model (each repository scored by a model trained on the others)"), unseen.out());

    Run folds = run(Map.of(), "triage", "curve", "--csv", csv.toString(), "--folds", "3");
    assertEquals(0, folds.status(), folds.err());
    assertTrue(folds.out().contains("| 0.60 | ") && folds.out().contains("3-fold over all issues, seed 42"), folds.out());

    assertEquals(2, run(Map.of(), "triage", "curve", "--csv", csv.toString(), "--unseen-repo", "--folds", "3").status());
  }

  @Test
  void evalWithFoldsNeedsOnlyTheTrainingSet(@TempDir Path dir) throws Exception {
    Run r = run(Map.of(), "triage", "eval", "--train", csv(dir, 10, 3).toString(), "--folds", "3");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().strip().matches("(?s).*\ncross-repo F1: [01]\\.\\d{4}"), r.out());
    assertTrue(r.err().contains("3-fold"), r.err());
    Run both = run(Map.of(), "triage", "eval", "--train", "x.csv", "--test", "y.csv", "--folds", "3");
    assertEquals(2, both.status());
  }

  @Test
  void trainWritesPerRepositoryAndDefaultModels(@TempDir Path dir) throws Exception {
    Path csv = csv(dir, 10, 4);
    Path conf = config(dir, "");
    Run one = run(Map.of(), "triage", "train", "--csv", csv.toString(), "--repo", "b/two", "--config", conf.toString());
    assertEquals(0, one.status(), one.err());
    assertEquals("b/two", TriageModel.load(dir.resolve("models/b__two.model")).scope());
    Run all = run(Map.of(), "triage", "train", "--csv", csv.toString(), "--per-repo", "--config", conf.toString());
    assertEquals(0, all.status(), all.err());
    assertTrue(Files.isRegularFile(dir.resolve("models/a__one.model")));
    Path out = dir.resolve("global.model");
    Run global = run(Map.of(), "triage", "train", "--csv", csv.toString(), "--out", out.toString(), "--config", conf.toString());
    assertEquals(0, global.status(), global.err());
    assertEquals("default", TriageModel.load(out).scope());
    Run predict = run(Map.of(), "triage", "predict", "--repo", "b/two", "--title", "crash with exception", "--config", conf.toString());
    assertEquals(0, predict.status(), predict.err());
    assertTrue(predict.out().contains("\"model\" : \"b/two\"") && predict.out().contains("\"predicted_type\" : \"bug\""), predict.out());
  }

  @Test
  void trainFromGitHubFetchesTheMappedLabelsAndSavesTheRepositoryModel(@TempDir Path dir) throws Exception {
    try (FakeGitHub fake = new FakeGitHub(5)) {
      Random random = new Random(7);
      String[][] words = {{"crash", "exception", "fails"}, {"support", "add", "option"}, {"how", "why", "help"}};
      String[] labels = {"bug", "enhancement", "question"};
      for (int n = 1; n <= 36; n++) {
        int t = n % 3;
        fake.issue(n, words[t][random.nextInt(3)] + " thing " + n, words[t][random.nextInt(3)] + " the app " + words[t][random.nextInt(3)], false, labels[t]);
      }
      fake.issue(99, "fix crash", "pull request", true, "bug");
      Path conf = config(dir, "hls.repositories = [{ name = \"acme/widgets\", enabled = true, events = [issues],\n"
          + "  labels { auto-apply = true, allowed = [], map { feature = \"enhancement\" } }, comments { auto-post = true } }]\n");
      Path saved = dir.resolve("fetched.csv");
      Run r = run(Map.of("GITHUB_API_URL", fake.url().toString(), "GITHUB_TOKEN", "test-gh-cli_token"),
          "triage", "train", "--from-github", "acme/widgets", "--config", conf.toString(), "--save-csv", saved.toString());
      assertEquals(0, r.status(), r.err());
      TriageModel model = TriageModel.load(dir.resolve("models/acme__widgets.model"));
      assertEquals(List.of("bug", "feature", "question"), model.labels(), "types, not the repository's label names");
      assertEquals(36, model.header().trainedOn());
      assertTrue(fake.received.stream().anyMatch(q -> q.pathAndQuery().contains("labels=enhancement")));
      assertTrue(fake.received.stream().anyMatch(q -> q.pathAndQuery().contains("page=3")), "12 bugs at 5 per page: three pages");
      assertTrue(fake.received.stream().allMatch(q -> "Bearer test-gh-cli_token".equals(q.authorization())));
      assertEquals(36, IssueCsv.read(saved).size());
      assertTrue(!r.out().contains("test-gh-cli_token") && !r.err().contains("test-gh-cli_token"));
    }
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    Run r = run(Map.of(), "triage", "frobnicate");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("unknown triage subcommand"), r.err());
  }
}
