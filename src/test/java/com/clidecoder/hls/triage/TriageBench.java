package com.clidecoder.hls.triage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints the figures the triage issue sets targets for (no asserts: a benchmark, not a test): training
 * every repository of the NLBSE CSV, model file sizes, default-model load time and prediction latency.
 * Run by {@code bench/triage [CSV]}.
 */
public final class TriageBench {
  private TriageBench() {}

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args.length > 0 ? args[0] : "../shared/datasets/nlbse24/issues_train.csv");
    List<LabelledIssue> all = IssueCsv.read(csv);
    List<String> repos = List.copyOf(new TreeSet<>(all.stream().map(LabelledIssue::repo).toList()));
    TrainingSpec spec = TrainingSpec.defaults();
    System.out.printf(Locale.ROOT, "cores %d, %d issues from %s, spec %s%n", Runtime.getRuntime().availableProcessors(), all.size(), csv, spec);

    long t0 = System.nanoTime();
    TriageModel defaultLoaded = TriageModels.bundledDefault();
    System.out.printf(Locale.ROOT, "bundled default model: loaded in %.0f ms, %d features, %d bytes in the jar%n",
        ms(t0), defaultLoaded.featureCount(), resourceSize());

    for (int threads : new int[] {1, 2}) {
      TriageTrainer trainer = new TriageTrainer(spec); // fresh: tokenising is part of the time
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<TriageModel>> models = repos.stream().map(r -> pool.submit(() -> trainer.trainForRepo(r, all))).toList();
      for (Future<TriageModel> f : models) f.get();
      pool.shutdown();
      System.out.printf(Locale.ROOT, "train all %d repositories on %d thread(s): %.1f s%n", repos.size(), threads, ms(start) / 1000);
    }

    TriageTrainer trainer = new TriageTrainer(spec);
    Path dir = Files.createTempDirectory("triage-bench");
    for (String repo : repos) {
      Path file = dir.resolve(repo.replace('/', '_') + ".model");
      long start = System.nanoTime();
      trainer.trainForRepo(repo, all).save(file);
      long loadStart = System.nanoTime();
      TriageModel loaded = TriageModel.load(file);
      System.out.printf(Locale.ROOT, "  %-24s file %7.2f MB, %d model(s), %7d features, load %4.0f ms (train+save %.1f s)%n",
          repo, Files.size(file) / 1e6, loaded.memberCount(), loaded.featureCount(), ms(loadStart), (loadStart - start) / 1e9);
      Files.delete(file);
    }
    Files.delete(dir);

    for (TriageModel model : List.of(defaultLoaded, trainer.trainForRepo(repos.get(0), all))) {
      for (LabelledIssue i : all) model.predict(i.title(), i.body()); // warm-up
      double[] nanos = new double[all.size()];
      for (int k = 0; k < all.size(); k++) {
        long s = System.nanoTime();
        model.predict(all.get(k).title(), all.get(k).body());
        nanos[k] = System.nanoTime() - s;
      }
      Arrays.sort(nanos);
      System.out.printf(Locale.ROOT, "predict (%s model, %d issues): mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          model.scope(), nanos.length, Arrays.stream(nanos).average().orElse(0) / 1e6, nanos[nanos.length / 2] / 1e6,
          nanos[(int) (nanos.length * 0.99)] / 1e6, nanos[nanos.length - 1] / 1e6);
    }
  }

  private static long resourceSize() throws Exception {
    try (var in = TriageBench.class.getClassLoader().getResourceAsStream(TriageModels.BUNDLED_DEFAULT)) {
      return in == null ? -1 : in.readAllBytes().length;
    }
  }

  private static double ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }
}
