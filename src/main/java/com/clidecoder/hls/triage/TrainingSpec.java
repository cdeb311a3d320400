package com.clidecoder.hls.triage;

/**
 * How a model is trained.
 *
 * @param c inverse regularisation strength of the logistic regression
 * @param otherRepoWeight weight of other repositories' issues when training a repository's model,
 *     relative to its own issues (1 = equal, 0 = its own issues only). liblinear has no per-example
 *     weights, so it is applied by repeating the repository's own issues round(1 / weight) times.
 * @param ownModelWeight when other repositories' issues are used, a second model is trained on the
 *     repository's own issues alone and its probabilities are averaged in at this weight (the first
 *     model counts 1; 0 = no second model). The two err on different issues: the mixed model leans on
 *     what all repositories share, the own model on the repository's own templates and words.
 *     Files written before this setting existed read it as 0.
 * @param features how text becomes features
 */
public record TrainingSpec(double c, double otherRepoWeight, double ownModelWeight, FeatureSpec features) {
  public TrainingSpec {
    if (c <= 0) throw new IllegalArgumentException("c must be > 0, was " + c);
    if (otherRepoWeight < 0 || otherRepoWeight > 1) {
      throw new IllegalArgumentException("otherRepoWeight must be in [0, 1], was " + otherRepoWeight);
    }
    if (ownModelWeight < 0 || ownModelWeight > 10) {
      throw new IllegalArgumentException("ownModelWeight must be in [0, 10], was " + ownModelWeight);
    }
  }

  /** The settings the 5-fold cross-validation picked (docs/triage.md has the figures). */
  public static TrainingSpec defaults() {
    return new TrainingSpec(2.0, 0.33, 0.5, FeatureSpec.defaults());
  }

  /** How often a repository's own issues are repeated beside the others' to weight them. */
  int ownRepeats() {
    return otherRepoWeight == 0 ? 1 : (int) Math.max(1, Math.round(1.0 / otherRepoWeight));
  }

  public TrainingSpec withC(double value) {
    return new TrainingSpec(value, otherRepoWeight, ownModelWeight, features);
  }

  public TrainingSpec withOtherRepoWeight(double value) {
    return new TrainingSpec(c, value, ownModelWeight, features);
  }

  public TrainingSpec withOwnModelWeight(double value) {
    return new TrainingSpec(c, otherRepoWeight, value, features);
  }

  public TrainingSpec withFeatures(FeatureSpec value) {
    return new TrainingSpec(c, otherRepoWeight, ownModelWeight, value);
  }
}
