package com.clidecoder.hls.triage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The competition's protocol on data at hand: one model per repository, either trained on a training
 * set and scored on a test set, or scored by stratified K-fold cross-validation inside each repository
 * (each label spread evenly over the folds). Other repositories' issues, when the spec uses them, are
 * always whole: only the repository being scored is split.
 */
public final class CrossValidation {
  private CrossValidation() {}

  /** Trains a model per repository on {@code train} and scores it on {@code test}'s issues of that repository. */
  public static Evaluation trainTest(TriageTrainer trainer, List<LabelledIssue> train, List<LabelledIssue> test, int threads) {
    Evaluation eval = new Evaluation();
    Map<String, List<LabelledIssue>> testByRepo = byRepo(test);
    run(threads, new ArrayList<>(testByRepo.keySet()), repo -> {
      TriageModel model = trainer.trainForRepo(repo, train);
      for (LabelledIssue i : testByRepo.get(repo)) eval.add(repo, i.label(), model.predict(i.title(), i.body()).predictedType());
    });
    return eval;
  }

  /** Stratified K-fold inside each repository; folds are fixed by {@code seed}. */
  public static Evaluation kFold(TriageTrainer trainer, List<LabelledIssue> all, int folds, long seed, int threads) {
    if (folds < 2) throw new IllegalArgumentException("--folds must be at least 2, was " + folds);
    Evaluation eval = new Evaluation();
    Map<String, List<LabelledIssue>> byRepo = byRepo(all);
    List<Runnable> jobs = new ArrayList<>();
    for (Map.Entry<String, List<LabelledIssue>> e : byRepo.entrySet()) {
      String repo = e.getKey();
      int[] fold = stratifiedFolds(e.getValue(), folds, seed);
      List<LabelledIssue> others = all.stream().filter(i -> !i.repo().equals(repo)).toList();
      for (int f = 0; f < folds; f++) {
        int k = f;
        jobs.add(() -> {
          List<LabelledIssue> own = new ArrayList<>();
          List<LabelledIssue> held = new ArrayList<>();
          for (int i = 0; i < fold.length; i++) (fold[i] == k ? held : own).add(e.getValue().get(i));
          List<LabelledIssue> extra = trainer.spec().otherRepoWeight() > 0 ? others : List.of();
          TriageModel model = trainer.train(repo, own, extra);
          for (LabelledIssue i : held) eval.add(repo, i.label(), model.predict(i.title(), i.body()).predictedType());
        });
      }
    }
    run(threads, jobs, Runnable::run);
    return eval;
  }

  /** Fold number of each issue: within each label, shuffled then dealt round-robin. */
  static int[] stratifiedFolds(List<LabelledIssue> issues, int folds, long seed) {
    Map<String, List<Integer>> byLabel = new TreeMap<>();
    for (int i = 0; i < issues.size(); i++) byLabel.computeIfAbsent(issues.get(i).label(), l -> new ArrayList<>()).add(i);
    int[] fold = new int[issues.size()];
    Random random = new Random(seed);
    int next = 0;
    for (List<Integer> members : byLabel.values()) {
      Collections.shuffle(members, random);
      for (int idx : members) fold[idx] = next++ % folds;
    }
    return fold;
  }

  static Map<String, List<LabelledIssue>> byRepo(List<LabelledIssue> issues) {
    Map<String, List<LabelledIssue>> out = new LinkedHashMap<>();
    for (LabelledIssue i : issues) out.computeIfAbsent(i.repo(), r -> new ArrayList<>()).add(i);
    return out;
  }

  interface Job<T> {
    void accept(T item) throws Exception;
  }

  static <T> void run(int threads, List<T> items, Job<T> job) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (T item : items) futures.add(pool.submit(() -> {
        job.accept(item);
        return null;
      }));
      for (Future<?> f : futures) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("evaluation interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
