package com.clidecoder.hls.triage;

import java.util.ArrayList;
import java.util.TreeMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The NLBSE'24 scoring: precision, recall and F1 per label, their average (macro) per repository, and
 * the average of the repositories' macro F1 as the cross-repository figure.
 */
public final class Evaluation {
  /** Scores of one label in one repository. */
  public record LabelScore(String label, double precision, double recall, double f1, int support) {}

  /** Scores of one repository: one row per label, then the macro average. */
  public record RepoScore(String repo, List<LabelScore> labels, double precision, double recall, double f1, int issues) {}

  private final Map<String, List<String[]>> pairsByRepo = new TreeMap<>();

  /** Records one prediction. */
  public synchronized void add(String repo, String actual, String predicted) {
    pairsByRepo.computeIfAbsent(repo, r -> new ArrayList<>()).add(new String[] {actual, predicted});
  }

  public synchronized List<RepoScore> repoScores() {
    List<RepoScore> out = new ArrayList<>();
    pairsByRepo.forEach((repo, pairs) -> out.add(score(repo, pairs)));
    return out;
  }

  /** The mean over repositories of their macro F1 (0 when nothing was evaluated). */
  public double crossRepoF1() {
    return repoScores().stream().mapToDouble(RepoScore::f1).average().orElse(0);
  }

  private static RepoScore score(String repo, List<String[]> pairs) {
    TreeSet<String> labels = new TreeSet<>();
    for (String[] p : pairs) labels.add(p[0]);
    List<LabelScore> rows = new ArrayList<>();
    for (String label : labels) {
      int tp = 0;
      int fp = 0;
      int fn = 0;
      for (String[] p : pairs) {
        boolean actual = p[0].equals(label);
        boolean predicted = p[1].equals(label);
        if (actual && predicted) tp++;
        else if (predicted) fp++;
        else if (actual) fn++;
      }
      double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
      double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      rows.add(new LabelScore(label, precision, recall, f1, tp + fn));
    }
    return new RepoScore(repo, rows,
        rows.stream().mapToDouble(LabelScore::precision).average().orElse(0),
        rows.stream().mapToDouble(LabelScore::recall).average().orElse(0),
        rows.stream().mapToDouble(LabelScore::f1).average().orElse(0),
        pairs.size());
  }

  /** The competition's table, per repository and overall, ending with {@code cross-repo F1: 0.xxxx}. */
  public String report() {
    StringBuilder out = new StringBuilder();
    List<RepoScore> repos = repoScores();
    for (RepoScore r : repos) {
      out.append(String.format(Locale.ROOT, "%s (%d issues)%n", r.repo(), r.issues()));
      out.append(String.format(Locale.ROOT, "  %-14s %9s %9s %9s %8s%n", "label", "precision", "recall", "f1", "support"));
      for (LabelScore l : r.labels()) {
        out.append(String.format(Locale.ROOT, "  %-14s %9.4f %9.4f %9.4f %8d%n", l.label(), l.precision(), l.recall(), l.f1(), l.support()));
      }
      out.append(String.format(Locale.ROOT, "  %-14s %9.4f %9.4f %9.4f %8d%n%n", "average", r.precision(), r.recall(), r.f1(), r.issues()));
    }
    out.append(String.format(Locale.ROOT, "%-44s %9s %9s %9s%n", "overall (mean over repositories)", "precision", "recall", "f1"));
    for (RepoScore r : repos) {
      out.append(String.format(Locale.ROOT, "  %-42s %9.4f %9.4f %9.4f%n", r.repo(), r.precision(), r.recall(), r.f1()));
    }
    out.append(String.format(Locale.ROOT, "  %-42s %9.4f %9.4f %9.4f%n",
        "average",
        repos.stream().mapToDouble(RepoScore::precision).average().orElse(0),
        repos.stream().mapToDouble(RepoScore::recall).average().orElse(0),
        crossRepoF1()));
    out.append(String.format(Locale.ROOT, "cross-repo F1: %.4f%n", crossRepoF1()));
    return out.toString();
  }
}
