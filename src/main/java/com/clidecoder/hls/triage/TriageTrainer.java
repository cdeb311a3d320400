package com.clidecoder.hls.triage;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trains {@link TriageModel}s with one {@link TrainingSpec}. Tokenising is most of the work, so each
 * issue's term counts are cached: cross-validation and training every repository of a CSV reuse them.
 */
public final class TriageTrainer {
  /** Stopping tolerance of liblinear's solver; its documented default for L2R_LR. */
  private static final double EPS = 0.01;

  private final TrainingSpec spec;
  private final Map<LabelledIssue, Map<String, Integer>> termCache = new ConcurrentHashMap<>();

  public TriageTrainer(TrainingSpec spec) {
    this.spec = spec;
    Linear.disableDebugOutput();
  }

  public TrainingSpec spec() {
    return spec;
  }

  /**
   * The model of one repository: its own issues, plus the other repositories' issues of the same types
   * at {@link TrainingSpec#otherRepoWeight} when that is above zero.
   */
  public TriageModel trainForRepo(String repo, List<LabelledIssue> all) {
    List<LabelledIssue> own = all.stream().filter(i -> i.repo().equalsIgnoreCase(repo)).toList();
    if (own.isEmpty()) throw new IllegalArgumentException("no training issues for repository " + repo);
    List<LabelledIssue> others =
        spec.otherRepoWeight() == 0 ? List.of() : all.stream().filter(i -> !i.repo().equalsIgnoreCase(repo)).toList();
    return train(repo, own, others);
  }

  /** One model over every issue given, all weighted equally: the shipped default. */
  public TriageModel trainDefault(List<LabelledIssue> all) {
    return train("default", all, List.of());
  }

  /**
   * Trains on {@code own} (repeated to weight it, see {@link TrainingSpec#ownRepeats}) and those of
   * {@code others} whose label {@code own} also has, so a repository never learns a type it does not use.
   * When others were used and {@link TrainingSpec#ownModelWeight} is above zero, a second model on
   * {@code own} alone joins the average.
   */
  public TriageModel train(String scope, List<LabelledIssue> own, List<LabelledIssue> others) {
    List<String> labels = new ArrayList<>(new TreeSet<>(own.stream().map(LabelledIssue::label).toList()));
    if (labels.size() < 2) throw new IllegalArgumentException(scope + ": training needs at least two labels, found " + labels);
    List<LabelledIssue> extra = others.stream().filter(i -> labels.contains(i.label())).toList();
    List<TriageModel.Member> members = new ArrayList<>();
    members.add(fit(labels, own, extra.isEmpty() ? 1 : spec.ownRepeats(), extra, 1.0));
    if (!extra.isEmpty() && spec.ownModelWeight() > 0) members.add(fit(labels, own, 1, List.of(), spec.ownModelWeight()));
    return new TriageModel(new TriageModel.Header(scope, labels, own.size() + extra.size(), spec), members);
  }

  /** One logistic regression with its own vocabulary, fitted on {@code own} (each {@code repeats} times) and {@code extra}. */
  private TriageModel.Member fit(List<String> labels, List<LabelledIssue> own, int repeats, List<LabelledIssue> extra, double weight) {
    List<LabelledIssue> distinct = new ArrayList<>(own);
    distinct.addAll(extra);
    FeatureExtractor features = FeatureExtractor.fit(spec.features(), distinct.stream().map(this::termCounts).toList());
    int rows = own.size() * repeats + extra.size();
    Problem problem = new Problem();
    problem.l = rows;
    problem.n = features.size() + 1;
    problem.bias = FeatureExtractor.BIAS;
    problem.x = new Feature[rows][];
    problem.y = new double[rows];
    int r = 0;
    for (LabelledIssue issue : own) {
      Feature[] x = features.vector(termCounts(issue));
      for (int k = 0; k < repeats; k++) {
        problem.x[r] = x;
        problem.y[r++] = labels.indexOf(issue.label());
      }
    }
    for (LabelledIssue issue : extra) {
      problem.x[r] = features.vector(termCounts(issue));
      problem.y[r++] = labels.indexOf(issue.label());
    }
    Model model = Linear.train(problem, new Parameter(SolverType.L2R_LR, spec.c(), EPS));
    return new TriageModel.Member(features, model, weight);
  }

  private Map<String, Integer> termCounts(LabelledIssue issue) {
    return termCache.computeIfAbsent(issue, i -> FeatureExtractor.termCounts(spec.features(), i.title(), i.body()));
  }
}
