package com.clidecoder.hls.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.TriageHint;
import com.clidecoder.hls.testkit.SharedFixtures;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository model is the average of a model with other repositories' issues and one on its own issues. */
class TriageEnsembleTest {
  private static final List<LabelledIssue> OWN = TinyIssues.generate("o/r", 20, 11);
  private static final List<LabelledIssue> OTHERS = TinyIssues.generate("x/y", 20, 12);
  private static final String TITLE = "how to add an option?";
  private static final String BODY = "it fails with an error, would a new request help";

  @Test
  void aRepositoryModelAveragesTheMixedAndTheOwnModelWithTheirWeights() {
    TrainingSpec spec = TrainingSpec.defaults().withOwnModelWeight(0.5);
    TriageModel both = new TriageTrainer(spec).train("o/r", OWN, OTHERS);
    TriageModel mixed = new TriageTrainer(spec.withOwnModelWeight(0)).train("o/r", OWN, OTHERS);
    TriageModel own = new TriageTrainer(spec.withOtherRepoWeight(0)).train("o/r", OWN, List.of());
    assertEquals(2, both.memberCount());
    assertEquals(1, mixed.memberCount());
    assertEquals(1, own.memberCount());

    TriageHint b = both.predict(TITLE, BODY);
    TriageHint m = mixed.predict(TITLE, BODY);
    TriageHint o = own.predict(TITLE, BODY);
    for (String label : both.labels()) {
      double expected = (m.probabilities().get(label) + 0.5 * o.probabilities().get(label)) / 1.5;
      assertEquals(expected, b.probabilities().get(label), 1e-12, label);
    }
    assertEquals(1.0, b.probabilities().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    assertEquals(b.probabilities().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow(), b.confidence(), 0.0);
  }

  @Test
  void withoutOtherRepositoriesThereIsOneModel() {
    assertEquals(1, new TriageTrainer(TrainingSpec.defaults()).train("o/r", OWN, List.of()).memberCount());
    assertEquals(1, new TriageTrainer(TrainingSpec.defaults()).trainDefault(OWN).memberCount(), "the default model has no 'own' repository");
  }

  @Test
  void aTwoModelFileRoundTripsExactly(@TempDir Path dir) throws Exception {
    TriageModel model = new TriageTrainer(TrainingSpec.defaults()).train("o/r", OWN, OTHERS);
    assertEquals(2, model.memberCount());
    Path file = dir.resolve("o__r.model");
    model.save(file);
    TriageModel loaded = TriageModel.load(file);
    assertEquals(model.header(), loaded.header());
    assertEquals(2, loaded.memberCount());
    assertEquals(model.featureCount(), loaded.featureCount());
    for (LabelledIssue i : TinyIssues.generate("o/r", 5, 13)) {
      assertEquals(model.predict(i.title(), i.body()), loaded.predict(i.title(), i.body()));
    }
  }

  /**
   * format1-tiny.model was written by the single-model format (1) before the average existed: trained on
   * TinyIssues o/r (15 per label, seed 7) plus x/y (10, seed 8). It must still load and say what it said then.
   */
  @Test
  void aFormatOneFileStillLoadsAndPredictsAsBefore() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/triage/format1-tiny.model")) {
      TriageModel old = TriageModel.read(in, "format1-tiny.model");
      assertEquals(1, old.memberCount());
      assertEquals(0.0, old.header().training().ownModelWeight(), "files from before the setting read it as 0");
      TriageHint hint = old.predict("app crash with exception", "it fails with an error after the upgrade");
      assertEquals("bug", hint.predictedType());
      assertEquals(0.7486827465644106, hint.probabilities().get("bug"), 1e-12);
      assertEquals(0.1305140579322872, hint.probabilities().get("question"), 1e-12);
    }
  }

  @Test
  void aFutureFormatIsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("future.model");
    try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
      out.writeUTF("HLS-TRIAGE-MODEL");
      out.writeInt(99);
    }
    IOException e = assertThrows(IOException.class, () -> TriageModel.load(file));
    assertTrue(e.getMessage().contains("future.model") && e.getMessage().contains("format 99") && e.getMessage().contains("retrain"), e.getMessage());
  }

  @Test
  void theAverageLearnsRealIssuesWellAboveChanceOnAHeldOutSlice() throws Exception {
    List<LabelledIssue> all = IssueCsv.read(SharedFixtures.nlbseTrain());
    String repo = "facebook/react";
    List<LabelledIssue> train = new ArrayList<>();
    List<LabelledIssue> held = new ArrayList<>();
    all.stream().filter(i -> i.repo().equals(repo)).collect(Collectors.groupingBy(LabelledIssue::label)).values().forEach(l -> {
      for (int i = 0; i < l.size(); i++) (i % 4 == 0 ? held : train).add(l.get(i));
    });
    List<LabelledIssue> others = all.stream().filter(i -> !i.repo().equals(repo)).toList();
    TriageModel model = new TriageTrainer(TrainingSpec.defaults()).train(repo, train, others);
    assertEquals(2, model.memberCount());
    long right = held.stream().filter(i -> model.predict(i.title(), i.body()).predictedType().equals(i.label())).count();
    double accuracy = (double) right / held.size();
    // chance is 1/3; the average scores about 0.8 here
    assertTrue(accuracy > 0.6, "held-out accuracy " + accuracy + " is not clearly above chance");
  }
}
