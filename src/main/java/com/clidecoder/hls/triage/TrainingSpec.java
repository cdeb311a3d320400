package com.clidecoder.hls.triage;

/**
 * How a model is trained.
 *
 * @param c inverse regularisation strength of the logistic regression
 * @param otherRepoWeight weight of other repositories' issues when training a repository's model,
 *     relative to its own issues (1 = equal, 0 = its own issues only). liblinear has no per-example
 *     weights, so it is applied by repeating the repository's own issues round(1 / weight) times.
 * @param features how text becomes features
 */
public record TrainingSpec(double c, double otherRepoWeight, FeatureSpec features) {
  public TrainingSpec {
    if (c <= 0) throw new IllegalArgumentException("c must be > 0, was " + c);
    if (otherRepoWeight < 0 || otherRepoWeight > 1) {
      throw new IllegalArgumentException("otherRepoWeight must be in [0, 1], was " + otherRepoWeight);
    }
  }

  /** The settings the 5-fold cross-validation picked (docs/triage.md has the figures). */
  public static TrainingSpec defaults() {
    return new TrainingSpec(2.0, 0.33, FeatureSpec.defaults());
  }

  /** How often a repository's own issues are repeated beside the others' to weight them. */
  int ownRepeats() {
    return otherRepoWeight == 0 ? 1 : (int) Math.max(1, Math.round(1.0 / otherRepoWeight));
  }

  public TrainingSpec withC(double value) {
    return new TrainingSpec(value, otherRepoWeight, features);
  }

  public TrainingSpec withOtherRepoWeight(double value) {
    return new TrainingSpec(c, value, features);
  }

  public TrainingSpec withFeatures(FeatureSpec value) {
    return new TrainingSpec(c, otherRepoWeight, value);
  }
}
