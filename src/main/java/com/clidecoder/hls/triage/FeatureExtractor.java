package com.clidecoder.hls.triage;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fitted tf-idf vocabulary: maps an issue to a sparse vector of sublinear tf times smoothed idf, one
 * L2-normalised block per kind of term (see {@link FeatureSpec}). Indices are 1-based for liblinear.
 */
final class FeatureExtractor {
  /** Block prefixes of the vocabulary keys: title words, body words, title chars, body chars. */
  private static final char[] BLOCKS = {'t', 'b', 'T', 'B'};

  static final double BIAS = 1.0;

  private final FeatureSpec spec;
  private final Map<String, Integer> index;
  private final float[] idf;
  private final byte[] block;

  private FeatureExtractor(FeatureSpec spec, Map<String, Integer> index, float[] idf, byte[] block) {
    this.spec = spec;
    this.index = index;
    this.idf = idf;
    this.block = block;
  }

  FeatureSpec spec() {
    return spec;
  }

  int size() {
    return idf.length;
  }

  /** Learns the vocabulary and idf from the training issues' term counts. */
  static FeatureExtractor fit(FeatureSpec spec, List<Map<String, Integer>> termCounts) {
    Map<String, Integer> df = new HashMap<>();
    for (Map<String, Integer> doc : termCounts) doc.keySet().forEach(k -> df.merge(k, 1, Integer::sum));
    List<String> kept = new ArrayList<>();
    df.forEach((k, n) -> {
      if (n >= spec.minDf()) kept.add(k);
    });
    kept.sort(null); // a stable order makes the model file reproducible
    Map<String, Integer> index = new HashMap<>(kept.size() * 2);
    float[] idf = new float[kept.size()];
    byte[] block = new byte[kept.size()];
    int docs = termCounts.size();
    for (int i = 0; i < kept.size(); i++) {
      String k = kept.get(i);
      index.put(k, i);
      idf[i] = (float) (Math.log((1.0 + docs) / (1.0 + df.get(k))) + 1.0);
      block[i] = blockOf(k.charAt(0));
    }
    return new FeatureExtractor(spec, index, idf, block);
  }

  /** Terms of one issue with their counts, keys prefixed by block ("t:", "b:", "T:", "B:"). */
  static Map<String, Integer> termCounts(FeatureSpec spec, String title, String body) {
    IssueText.Tokens tokens = IssueText.tokens(title, body, spec);
    Map<String, Integer> counts = new HashMap<>();
    wordNgrams(counts, "t:", tokens.title(), spec.wordNgramMax());
    wordNgrams(counts, "b:", tokens.body(), spec.wordNgramMax());
    if (spec.titleChars() > 0) charNgrams(counts, "T:", tokens.title(), spec);
    if (spec.bodyChars() > 0) charNgrams(counts, "B:", tokens.body(), spec);
    return counts;
  }

  private static void wordNgrams(Map<String, Integer> counts, String prefix, List<String> words, int max) {
    for (int i = 0; i < words.size(); i++) {
      StringBuilder gram = new StringBuilder(prefix).append(words.get(i));
      counts.merge(gram.toString(), 1, Integer::sum);
      for (int n = 2; n <= max && i + n <= words.size(); n++) {
        gram.append(' ').append(words.get(i + n - 1));
        counts.merge(gram.toString(), 1, Integer::sum);
      }
    }
  }

  /** Character n-grams inside each word padded with spaces (scikit-learn's "char_wb"). */
  private static void charNgrams(Map<String, Integer> counts, String prefix, List<String> words, FeatureSpec spec) {
    for (String w : words) {
      if (w.startsWith("zz1")) continue; // markers are already whole-word features
      String padded = " " + w + " ";
      for (int n = spec.charMin(); n <= spec.charMax(); n++) {
        for (int i = 0; i + n <= padded.length(); i++) {
          counts.merge(prefix + padded.substring(i, i + n), 1, Integer::sum);
        }
      }
    }
  }

  Feature[] vector(String title, String body) {
    return vector(termCounts(spec, title, body));
  }

  Feature[] vector(Map<String, Integer> counts) {
    int[] ids = new int[counts.size()];
    double[] values = new double[counts.size()];
    double[] norm2 = new double[BLOCKS.length];
    int n = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      Integer id = index.get(e.getKey());
      if (id == null) continue;
      double v = (1.0 + Math.log(e.getValue())) * idf[id];
      ids[n] = id;
      values[n] = v;
      norm2[block[id]] += v * v;
      n++;
    }
    double[] scale = new double[BLOCKS.length];
    double[] weights = {spec.titleWords(), spec.bodyWords(), spec.titleChars(), spec.bodyChars()};
    for (int b = 0; b < BLOCKS.length; b++) scale[b] = norm2[b] > 0 ? weights[b] / Math.sqrt(norm2[b]) : 0;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Integer.compare(ids[a], ids[b]));
    List<Feature> out = new ArrayList<>(n + 1);
    for (Integer i : order) {
      double v = values[i] * scale[block[ids[i]]];
      if (v != 0) out.add(new FeatureNode(ids[i] + 1, v));
    }
    // liblinear expects the bias term as an explicit last feature, in training and prediction alike
    out.add(new FeatureNode(idf.length + 1, BIAS));
    return out.toArray(new Feature[0]);
  }

  private static byte blockOf(char prefix) {
    for (byte b = 0; b < BLOCKS.length; b++) if (BLOCKS[b] == prefix) return b;
    throw new IllegalStateException("unknown block prefix " + prefix);
  }

  void write(DataOutputStream out) throws IOException {
    String[] keys = new String[idf.length];
    index.forEach((k, i) -> keys[i] = k);
    out.writeInt(keys.length);
    for (int i = 0; i < keys.length; i++) {
      out.writeUTF(keys[i]);
      out.writeFloat(idf[i]);
    }
  }

  static FeatureExtractor read(FeatureSpec spec, DataInputStream in) throws IOException {
    int size = in.readInt();
    if (size < 0 || size > 50_000_000) throw new IOException("corrupt model: vocabulary size " + size);
    Map<String, Integer> index = new HashMap<>(size * 2);
    float[] idf = new float[size];
    byte[] block = new byte[size];
    for (int i = 0; i < size; i++) {
      String k = in.readUTF();
      index.put(k, i);
      idf[i] = in.readFloat();
      block[i] = blockOf(k.charAt(0));
    }
    return new FeatureExtractor(spec, index, idf, block);
  }
}
