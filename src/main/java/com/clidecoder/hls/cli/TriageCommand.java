package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.RepositoryRule;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.TriageHint;
import com.clidecoder.hls.triage.ConfidenceCurve;
import com.clidecoder.hls.triage.CrossValidation;
import com.clidecoder.hls.triage.Evaluation;
import com.clidecoder.hls.triage.GitHubIssueSource;
import com.clidecoder.hls.triage.IssueCsv;
import com.clidecoder.hls.triage.LabelledIssue;
import com.clidecoder.hls.triage.TrainingSpec;
import com.clidecoder.hls.triage.TriageModel;
import com.clidecoder.hls.triage.TriageModels;
import com.clidecoder.hls.triage.TriageTrainer;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** {@code triage train | eval | predict}: trains, scores and tries the embedded issue-type classifier. */
final class TriageCommand implements Command {
  private static final List<String> DEFAULT_TYPES = List.of("bug", "feature", "question");

  @Override
  public String name() {
    return "triage";
  }

  @Override
  public String summary() {
    return "triage train|eval|predict|curve: the embedded issue-type classifier (docs/triage.md)";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls triage train --csv FILE [--repo R | --per-repo] [--out FILE] [--other-repo-weight W] [--own-model-weight V]
               bin/hls triage train --from-github owner/repo [--types bug,feature,question] [--max-per-type N]
                                    [--save-csv FILE] [--out FILE]
               bin/hls triage eval --train TRAIN.csv --test TEST.csv [--other-repo-weight W] [--own-model-weight V]
               bin/hls triage eval --train TRAIN.csv --folds K [--seed N] [--other-repo-weight W] [--own-model-weight V]
               bin/hls triage predict [--repo R] --title TEXT [--body TEXT]
               bin/hls triage curve --csv FILE (--unseen-repo | --folds K [--seed N]) [--thresholds 0.5,0.6,...]
        (all take --config FILE)

        train --csv: CSV columns repo, created_at, label, title, body (the NLBSE'24 format). With --repo, the
          model of that repository (other repositories' rows join at --other-repo-weight, default from
          docs/triage.md), and a second model on the repository's own rows alone is averaged in at
          --own-model-weight (default from docs/triage.md; 0 = one model); with --per-repo, one model per
          repository in the CSV; otherwise one default model over every row. Models go to hls.triage.models-dir
          (owner__repo.model, default.model) unless --out.
        train --from-github: closed issues carrying the repository's type labels (hls.repositories labels.map
          turns a type into the repository's label, e.g. feature = "enhancement"), fetched with
          hls.github.api-url and hls.github.token; at most --max-per-type (default 500) per type.
        eval: one model per repository, trained on TRAIN and scored on TEST's rows of that repository, or
          stratified K-fold inside each repository of TRAIN. Prints precision, recall and F1 per label and
          repository, and ends with the line "cross-repo F1: 0.xxxx".
        predict: the repository's model (else the default) on one issue, as JSON.
        curve: held-out predictions of the default model (the one the embedded defaults use), trained on
          every other repository (--unseen-repo) or on the other folds of all issues (--folds K), as a table:
          at each threshold, the share of issues that gets a label and how often that label is right. It is
          what hls.triage.min-confidence is chosen from (docs/triage.md).""";
  }

  @Override
  public int run(List<String> args, Cli cli) throws Exception {
    if (args.isEmpty()) throw new UsageException("expected train, eval, predict or curve");
    String sub = args.remove(0);
    return switch (sub) {
      case "train" -> train(args, cli);
      case "eval" -> eval(args, cli);
      case "predict" -> predict(args, cli);
      case "curve" -> curve(args, cli);
      default -> throw new UsageException("unknown triage subcommand '" + sub + "'");
    };
  }

  private static TrainingSpec spec(List<String> args) {
    TrainingSpec spec = TrainingSpec.defaults();
    Optional<String> weight = Cli.takeOption(args, "--other-repo-weight");
    if (weight.isPresent()) spec = spec.withOtherRepoWeight(number(weight.get(), "--other-repo-weight"));
    Optional<String> ownModel = Cli.takeOption(args, "--own-model-weight");
    if (ownModel.isPresent()) spec = spec.withOwnModelWeight(number(ownModel.get(), "--own-model-weight"));
    return spec;
  }

  private int train(List<String> args, Cli cli) throws Exception {
    Optional<String> csv = Cli.takeOption(args, "--csv");
    Optional<String> github = Cli.takeOption(args, "--from-github");
    Optional<String> repo = Cli.takeOption(args, "--repo");
    Optional<Path> out = Cli.takeOption(args, "--out").map(Path::of);
    boolean perRepo = Cli.takeFlag(args, "--per-repo");
    Optional<String> types = Cli.takeOption(args, "--types");
    int maxPerType = (int) number(Cli.takeOption(args, "--max-per-type").orElse("500"), "--max-per-type");
    Optional<Path> saveCsv = Cli.takeOption(args, "--save-csv").map(Path::of);
    TrainingSpec spec = spec(args);
    HlsConfig config = cli.loadConfig(args).hls();
    Cli.noMoreArgs(args);
    if (csv.isPresent() == github.isPresent()) throw new UsageException("give exactly one of --csv FILE or --from-github owner/repo");
    TriageModels models = new TriageModels(config.triage().modelsDir());
    TriageTrainer trainer = new TriageTrainer(spec);
    long started = System.nanoTime();

    if (github.isPresent()) {
      String name = github.get();
      models.pathFor(name); // validates the name before any request
      Map<String, String> labels = labelsByType(config, name, types.map(t -> List.of(t.split(","))).orElse(DEFAULT_TYPES));
      GitHubIssueSource source = new GitHubIssueSource(config.github().apiUrl(), config.github().token(),
          config.github().requestTimeout(), d -> Thread.sleep(d.toMillis()), Clock.systemUTC(), cli.err::println);
      List<LabelledIssue> issues = source.fetch(name, labels, maxPerType);
      if (saveCsv.isPresent()) writeCsv(saveCsv.get(), issues);
      Path file = save(models, name, trainer.trainForRepo(name, issues), out);
      cli.out.printf(Locale.ROOT, "trained %s on %d issues %s in %.1f s -> %s%n", name, issues.size(), counts(issues), seconds(started), file);
      return 0;
    }
    List<LabelledIssue> issues = IssueCsv.read(Path.of(csv.get()));
    if (repo.isPresent()) {
      Path file = save(models, repo.get(), trainer.trainForRepo(repo.get(), issues), out);
      cli.out.printf(Locale.ROOT, "trained %s in %.1f s -> %s%n", repo.get(), seconds(started), file);
    } else if (perRepo) {
      if (out.isPresent()) throw new UsageException("--per-repo writes one file per repository into the models folder; drop --out");
      for (String r : new TreeSet<>(issues.stream().map(LabelledIssue::repo).toList())) {
        Path file = models.save(r, trainer.trainForRepo(r, issues));
        cli.out.printf(Locale.ROOT, "trained %s -> %s%n", r, file);
      }
      cli.out.printf(Locale.ROOT, "trained every repository in %.1f s%n", seconds(started));
    } else {
      Path file = out.orElse(models.dir().resolve(TriageModels.LOCAL_DEFAULT));
      TriageModel model = trainer.trainDefault(issues);
      model.save(file);
      cli.out.printf(Locale.ROOT, "trained the default model on %d issues %s in %.1f s -> %s (%d bytes, %d features)%n",
          issues.size(), counts(issues), seconds(started), file, Files.size(file), model.featureCount());
    }
    return 0;
  }

  private int eval(List<String> args, Cli cli) throws Exception {
    Path train = Cli.takeOption(args, "--train").map(Path::of).orElseThrow(() -> new UsageException("--train FILE is required"));
    Optional<Path> test = Cli.takeOption(args, "--test").map(Path::of);
    Optional<String> folds = Cli.takeOption(args, "--folds");
    long seed = (long) number(Cli.takeOption(args, "--seed").orElse("42"), "--seed");
    int threads = (int) number(Cli.takeOption(args, "--threads").orElse("2"), "--threads");
    TrainingSpec spec = spec(args);
    Cli.takeOption(args, "--config"); // accepted for symmetry; eval reads no configuration
    Cli.noMoreArgs(args);
    if (test.isPresent() == folds.isPresent()) throw new UsageException("give exactly one of --test FILE or --folds K");
    TriageTrainer trainer = new TriageTrainer(spec);
    long started = System.nanoTime();
    Evaluation eval = test.isPresent()
        ? CrossValidation.trainTest(trainer, IssueCsv.read(train), IssueCsv.read(test.get()), threads)
        : CrossValidation.kFold(trainer, IssueCsv.read(train), (int) number(folds.get(), "--folds"), seed, threads);
    cli.err.printf(Locale.ROOT, "%s in %.1f s (other-repo weight %s, own-model weight %s, C %s)%n",
        test.isPresent() ? "train/test" : folds.get() + "-fold cross-validation", seconds(started), spec.otherRepoWeight(),
        spec.ownModelWeight(), spec.c());
    cli.out.print(eval.report());
    return 0;
  }

  private int curve(List<String> args, Cli cli) throws Exception {
    Path csv = Cli.takeOption(args, "--csv").map(Path::of).orElseThrow(() -> new UsageException("--csv FILE is required"));
    boolean unseen = Cli.takeFlag(args, "--unseen-repo");
    Optional<String> folds = Cli.takeOption(args, "--folds");
    long seed = (long) number(Cli.takeOption(args, "--seed").orElse("42"), "--seed");
    int threads = (int) number(Cli.takeOption(args, "--threads").orElse("2"), "--threads");
    List<Double> thresholds = Cli.takeOption(args, "--thresholds")
        .map(t -> java.util.Arrays.stream(t.split(",")).map(x -> number(x.strip(), "--thresholds")).toList())
        .orElse(ConfidenceCurve.THRESHOLDS);
    TrainingSpec spec = spec(args);
    Cli.takeOption(args, "--config"); // accepted for symmetry; curve reads no configuration
    Cli.noMoreArgs(args);
    if (unseen == folds.isPresent()) throw new UsageException("give exactly one of --unseen-repo or --folds K");
    TriageTrainer trainer = new TriageTrainer(spec);
    long started = System.nanoTime();
    List<LabelledIssue> issues = IssueCsv.read(csv);
    List<ConfidenceCurve.Prediction> predictions = unseen
        ? ConfidenceCurve.unseenRepository(trainer, issues, threads)
        : ConfidenceCurve.kFold(trainer, issues, (int) number(folds.get(), "--folds"), seed, threads);
    cli.out.print(ConfidenceCurve.table(ConfidenceCurve.curve(predictions, thresholds)));
    cli.out.printf(Locale.ROOT, "%d held-out predictions of the default model (%s) in %.1f s%n", predictions.size(),
        unseen ? "each repository scored by a model trained on the others" : folds.get() + "-fold over all issues, seed " + seed,
        seconds(started));
    return 0;
  }

  private int predict(List<String> args, Cli cli) throws Exception {
    Optional<String> repo = Cli.takeOption(args, "--repo");
    String title = Cli.takeOption(args, "--title").orElseThrow(() -> new UsageException("--title TEXT is required"));
    String body = Cli.takeOption(args, "--body").orElse("");
    HlsConfig config = cli.loadConfig(args).hls();
    Cli.noMoreArgs(args);
    TriageModels models = new TriageModels(config.triage().modelsDir());
    TriageModel model = repo.map(models::modelFor).orElseGet(models::defaultModel);
    TriageHint hint = model.predict(title, body);
    Map<String, Object> shown = new LinkedHashMap<>();
    shown.put("model", model.scope());
    shown.put("predicted_type", hint.predictedType());
    shown.put("confidence", hint.confidence());
    shown.put("probabilities", hint.probabilities());
    shown.put("confident", hint.confidence() >= config.triage().minConfidence());
    cli.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(shown));
    return 0;
  }

  /** Each type's label in the repository: the rule's labels.map, else the type's own name. */
  static Map<String, String> labelsByType(HlsConfig config, String repo, List<String> types) {
    Map<String, String> map = config.repositories().match(repo).map(RepositoryRule::labels).map(RepositoryRule.Labels::map).orElse(Map.of());
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : types) out.put(t.strip(), map.getOrDefault(t.strip(), t.strip()));
    return out;
  }

  private static Path save(TriageModels models, String repo, TriageModel model, Optional<Path> out) throws Exception {
    if (out.isEmpty()) return models.save(repo, model);
    model.save(out.get());
    return out.get();
  }

  private static void writeCsv(Path file, List<LabelledIssue> issues) throws Exception {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      IssueCsv.write(w, issues);
    }
  }

  private static String counts(List<LabelledIssue> issues) {
    Map<String, Integer> byLabel = new java.util.TreeMap<>();
    issues.forEach(i -> byLabel.merge(i.label(), 1, Integer::sum));
    return byLabel.toString();
  }

  private static double number(String s, String option) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a number, got '" + s + "'");
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
