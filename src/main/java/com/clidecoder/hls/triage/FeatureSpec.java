package com.clidecoder.hls.triage;

/**
 * How issue text becomes a feature vector: word n-grams and character n-grams of title and body, each
 * a tf-idf block normalised on its own and then weighted, so a short title counts as much as the
 * body despite having a tenth of the words. Saved inside every model so prediction repeats it exactly.
 *
 * @param titleWords weight of the title's word uni/bi-gram block
 * @param bodyWords weight of the body's word uni/bi-gram block
 * @param titleChars weight of the title's character n-gram block
 * @param bodyChars weight of the body's character n-gram block
 * @param wordNgramMax longest word n-gram (1 = unigrams only)
 * @param charMin shortest character n-gram, taken within word boundaries
 * @param charMax longest character n-gram
 * @param minDf a term seen in fewer training issues than this is dropped
 * @param bodyMaxChars the cleaned body is cut here (long logs add time, not signal)
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
    int bodyMaxChars) {

  public static FeatureSpec defaults() {
    return new FeatureSpec(1.0, 1.0, 1.0, 1.0, 2, 2, 5, 2, 6000);
  }
}
