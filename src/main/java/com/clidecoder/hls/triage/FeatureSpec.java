package com.clidecoder.hls.triage;

/**
 * How issue text becomes a feature vector: word n-grams and character n-grams of title and body, each
 * a tf-idf block normalised on its own and then weighted. Because each block is normalised separately,
 * the title's few words weigh far more per word than the body's many even at a block weight below 1.
 * Saved inside every model so prediction repeats it exactly. docs/triage.md has the variants tried.
 *
 * @param titleWords weight of the title's word uni/bi-gram block
 * @param bodyWords weight of the body's word uni/bi-gram block
 * @param titleChars weight of the title's character n-gram block
 * @param bodyChars weight of the body's character n-gram block
 * @param wordNgramMax longest word n-gram (1 = unigrams only)
 * @param charMin shortest character n-gram, taken within word boundaries
 * @param charMax longest character n-gram
 * @param minDf a term seen in fewer training issues than this is dropped
 * @param bodyMaxChars the cleaned body is cut here, the raw body at four times this (long logs add time, not signal)
 * @param stripHtmlComments drop {@code <!-- -->} comments (template instructions)
 * @param collapseDetails replace {@code <details>} blocks (system-info dumps) by one marker
 */
public record FeatureSpec(
    double titleWords,
    double bodyWords,
    double titleChars,
    double bodyChars,
    int wordNgramMax,
    int charMin,
    int charMax,
    int minDf,
    int bodyMaxChars,
    boolean stripHtmlComments,
    boolean collapseDetails) {

  /**
   * The variant that scored best in 5-fold cross-validation. Template comments and details blocks are
   * kept: they say which issue template the reporter picked, and dropping them cost 0.02 F1.
   */
  public static FeatureSpec defaults() {
    return new FeatureSpec(0.5, 1.0, 0.5, 1.0, 2, 1, 4, 2, 6000, false, false);
  }
}
