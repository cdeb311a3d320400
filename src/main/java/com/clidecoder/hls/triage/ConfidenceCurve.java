package com.clidecoder.hls.triage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The precision/coverage curve {@code hls.triage.min-confidence} is chosen from: held-out predictions of
 * the default model (the one the embedded defaults use) with their top probability, and at each
 * threshold the share of issues that would get a label and how often that label is right.
 */
public final class ConfidenceCurve {
  /** The thresholds of {@code bin/hls triage curve} when none are given. */
  public static final List<Double> THRESHOLDS =
      List.of(0.0, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9);

  public record Prediction(String repo, String actual, String predicted, double confidence) {}

  /** @param labelled predictions at or above the threshold; @param correct those whose type is the actual one */
  public record Point(double threshold, int labelled, int correct, int total) {
    public double coverage() {
      return total == 0 ? 0 : (double) labelled / total;
    }

    /** NaN when nothing is labelled. */
    public double accuracy() {
      return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }
  }

  private ConfidenceCurve() {}

  /**
   * Leave one repository out: a default model trained on every other repository scores this one's
   * issues, which is what the embedded default meets on a repository it has never seen.
   */
  public static List<Prediction> unseenRepository(TriageTrainer trainer, List<LabelledIssue> all, int threads) {
    List<Prediction> out = Collections.synchronizedList(new ArrayList<>());
    Map<String, List<LabelledIssue>> byRepo = CrossValidation.byRepo(all);
    CrossValidation.run(threads, new ArrayList<>(byRepo.keySet()), repo -> {
      TriageModel model = trainer.trainDefault(all.stream().filter(i -> !i.repo().equals(repo)).toList());
      byRepo.get(repo).forEach(i -> out.add(predict(model, i)));
    });
    return List.copyOf(out);
  }

  /** Stratified K-fold over every issue at once: the default model on repositories it was trained on. */
  public static List<Prediction> kFold(TriageTrainer trainer, List<LabelledIssue> all, int folds, long seed, int threads) {
    if (folds < 2) throw new IllegalArgumentException("--folds must be at least 2, was " + folds);
    int[] fold = CrossValidation.stratifiedFolds(all, folds, seed);
    List<Prediction> out = Collections.synchronizedList(new ArrayList<>());
    List<Integer> ks = new ArrayList<>();
    for (int k = 0; k < folds; k++) ks.add(k);
    CrossValidation.run(threads, ks, k -> {
      List<LabelledIssue> train = new ArrayList<>();
      List<LabelledIssue> held = new ArrayList<>();
      for (int i = 0; i < fold.length; i++) (fold[i] == k ? held : train).add(all.get(i));
      TriageModel model = trainer.trainDefault(train);
      held.forEach(i -> out.add(predict(model, i)));
    });
    return List.copyOf(out);
  }

  private static Prediction predict(TriageModel model, LabelledIssue issue) {
    var hint = model.predict(issue.title(), issue.body());
    return new Prediction(issue.repo(), issue.label(), hint.predictedType(), hint.confidence());
  }

  public static List<Point> curve(List<Prediction> predictions, List<Double> thresholds) {
    List<Point> points = new ArrayList<>();
    for (double t : thresholds) {
      int labelled = 0;
      int correct = 0;
      for (Prediction p : predictions) {
        if (p.confidence() < t) continue;
        labelled++;
        if (p.predicted().equals(p.actual())) correct++;
      }
      points.add(new Point(t, labelled, correct, predictions.size()));
    }
    return points;
  }

  /** The curve as the Markdown table docs/triage.md shows. */
  public static String table(List<Point> points) {
    StringBuilder b = new StringBuilder("| min-confidence | issues labelled | labels right |\n|---|---|---|\n");
    for (Point p : points) {
      b.append(String.format(Locale.ROOT, "| %.2f | %.0f%% (%d of %d) | %s |%n", p.threshold(), 100 * p.coverage(),
          p.labelled(), p.total(), p.labelled() == 0 ? "–" : String.format(Locale.ROOT, "%.3f (%d)", p.accuracy(), p.correct())));
    }
    return b.toString();
  }
}
