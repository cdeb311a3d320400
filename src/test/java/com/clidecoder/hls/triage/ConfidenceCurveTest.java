package com.clidecoder.hls.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConfidenceCurveTest {
  private static ConfidenceCurve.Prediction p(String actual, String predicted, double confidence) {
    return new ConfidenceCurve.Prediction("a/one", actual, predicted, confidence);
  }

  @Test
  void eachThresholdCountsTheIssuesAtOrAboveItAndHowManyOfThoseAreRight() {
    List<ConfidenceCurve.Prediction> predictions = List.of(
        p("bug", "bug", 0.9), p("bug", "question", 0.7), p("feature", "feature", 0.6), p("question", "bug", 0.45));

    List<ConfidenceCurve.Point> curve = ConfidenceCurve.curve(predictions, List.of(0.0, 0.6, 0.8, 0.95));

    assertEquals(new ConfidenceCurve.Point(0.0, 4, 2, 4), curve.get(0));
    assertEquals(new ConfidenceCurve.Point(0.6, 3, 2, 4), curve.get(1), "a confidence equal to the threshold is labelled");
    assertEquals(0.75, curve.get(1).coverage(), 1e-9);
    assertEquals(2.0 / 3, curve.get(1).accuracy(), 1e-9);
    assertEquals(new ConfidenceCurve.Point(0.8, 1, 1, 4), curve.get(2));
    assertTrue(Double.isNaN(curve.get(3).accuracy()));
    String table = ConfidenceCurve.table(curve);
    assertTrue(table.contains("| 0.60 | 75% (3 of 4) | 0.667 (2) |"), table);
    assertTrue(table.contains("| 0.95 | 0% (0 of 4) | – |"), table);
  }

  @Test
  void heldOutPredictionsCoverEveryIssueOnceAndAUnseenRepositoryIsScoredByAModelThatNeverSawIt() {
    List<LabelledIssue> issues = generated();
    TriageTrainer trainer = new TriageTrainer(TrainingSpec.defaults());

    List<ConfidenceCurve.Prediction> unseen = ConfidenceCurve.unseenRepository(trainer, issues, 2);
    List<ConfidenceCurve.Prediction> folds = ConfidenceCurve.kFold(trainer, issues, 3, 42, 2);

    assertEquals(issues.size(), unseen.size());
    assertEquals(issues.size(), folds.size());
    Map<String, Long> perRepo = unseen.stream().collect(Collectors.groupingBy(ConfidenceCurve.Prediction::repo, Collectors.counting()));
    assertEquals(Map.of("a/one", 30L, "b/two", 30L, "c/three", 30L), perRepo);
    // Words that tell the types apart in every repository: a held-out model still gets most right.
    ConfidenceCurve.Point all = ConfidenceCurve.curve(unseen, List.of(0.0)).get(0);
    assertTrue(all.accuracy() > 0.6, "accuracy " + all.accuracy());
  }

  private static List<LabelledIssue> generated() {
    List<LabelledIssue> issues = new ArrayList<>();
    long seed = 1;
    for (String repo : List.of("a/one", "b/two", "c/three")) issues.addAll(TinyIssues.generate(repo, 10, seed++));
    return issues;
  }
}
