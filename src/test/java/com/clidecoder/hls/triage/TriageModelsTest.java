package com.clidecoder.hls.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.TriageHint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriageModelsTest {
  /** Repository b/b says "docs" for what a/a calls a feature, and has a type a/a does not use. */
  private static List<LabelledIssue> twoRepos() {
    List<LabelledIssue> all = new ArrayList<>(TinyIssues.generate("a/a", 20, 1));
    for (LabelledIssue i : TinyIssues.generate("b/b", 20, 2)) {
      all.add(new LabelledIssue("b/b", i.label().equals("feature") ? "documentation" : i.label(), i.title(), i.body()));
    }
    return all;
  }

  @Test
  void aRepositoryModelIsTrainedOnItsOwnIssuesAndLabelsOnly() {
    for (double weight : new double[] {0, 0.33}) {
      TriageTrainer trainer = new TriageTrainer(TrainingSpec.defaults().withOtherRepoWeight(weight));
      TriageModel a = trainer.trainForRepo("a/a", twoRepos());
      TriageModel b = trainer.trainForRepo("b/b", twoRepos());
      assertEquals(List.of("bug", "feature", "question"), a.labels(), "weight " + weight);
      assertEquals(List.of("bug", "documentation", "question"), b.labels(), "weight " + weight);
      String proposal = "add support for a new option";
      assertEquals("feature", a.predict(proposal, "would allow a new request").predictedType());
      assertEquals("documentation", b.predict(proposal, "would allow a new request").predictedType());
    }
  }

  @Test
  void oneRepositoryModelIsNotServedForAnother(@TempDir Path dir) throws Exception {
    TriageModels models = new TriageModels(dir);
    TriageModel a = new TriageTrainer(TrainingSpec.defaults()).trainForRepo("a/a", twoRepos());
    Path file = models.save("a/a", a);
    assertEquals(dir.resolve("a__a.model"), file);
    assertTrue(models.forRepo("A/A").isPresent(), "repository names are case-insensitive");
    assertEquals("a/a", models.modelFor("a/a").scope());
    assertTrue(models.forRepo("b/b").isEmpty());
    assertEquals("default", models.modelFor("b/b").scope(), "b/b falls back to the bundled default");
    assertSame(TriageModels.bundledDefault(), models.modelFor("b/b"));
  }

  @Test
  void aDefaultModelInTheFolderReplacesTheBundledOne(@TempDir Path dir) throws Exception {
    TriageModel local = new TriageTrainer(TrainingSpec.defaults()).trainDefault(twoRepos());
    local.save(dir.resolve(TriageModels.LOCAL_DEFAULT));
    TriageModels models = new TriageModels(dir);
    assertEquals(List.of("bug", "documentation", "feature", "question"), models.modelFor("c/c").labels());
  }

  @Test
  void aRetrainedModelFileIsPickedUpWithoutRestart(@TempDir Path dir) throws Exception {
    TriageModels models = new TriageModels(dir);
    TriageTrainer trainer = new TriageTrainer(TrainingSpec.defaults().withOtherRepoWeight(0));
    Path file = models.save("a/a", trainer.trainForRepo("a/a", twoRepos()));
    TriageHint before = models.predict("a/a", "add support for a new option", "");
    assertEquals("feature", before.predictedType());
    trainer.trainForRepo("b/b", twoRepos()).save(file); // a different model lands in a/a's file
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    TriageHint after = models.predict("a/a", "add support for a new option", "");
    assertNotEquals(before.predictedType(), after.predictedType());
  }

  @Test
  void repositoryNamesCannotEscapeTheFolder(@TempDir Path dir) {
    TriageModels models = new TriageModels(dir);
    assertThrows(IllegalArgumentException.class, () -> models.pathFor("../etc"));
    assertThrows(IllegalArgumentException.class, () -> models.pathFor("a/../../b"));
    assertThrows(IllegalArgumentException.class, () -> models.pathFor("noslash"));
  }

  @Test
  void theBundledDefaultLoadsFromTheClasspathAndKnowsAStackTrace() {
    TriageModel model = TriageModels.bundledDefault();
    assertEquals("default", model.scope());
    assertTrue(model.labels().containsAll(List.of("bug", "feature", "question")), model.labels().toString());
    assertTrue(getClass().getClassLoader().getResource(TriageModels.BUNDLED_DEFAULT) != null);
    TriageHint crash = model.predict("App crashes on startup after upgrading",
        "Steps to reproduce:\n1. start the app\n\n```\nTraceback (most recent call last):\n  File \"main.py\", line 3, in <module>\n"
            + "  File \"lib.py\", line 10, in run\nTypeError: 'NoneType' object is not callable\n```\nExpected: no crash.");
    assertEquals("bug", crash.predictedType(), crash.toString());
    TriageHint wish = model.predict("Feature request: support exporting to PDF",
        "It would be great to have an option to export the document to PDF. Proposal: add an export button.");
    assertEquals("feature", wish.predictedType(), wish.toString());
    assertFalse(crash.probabilities().isEmpty());
  }
}
