package com.clidecoder.hls.triage;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.TriageHint;
import com.fasterxml.jackson.core.type.TypeReference;
import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A trained issue-type classifier: tf-idf features and a liblinear logistic regression, with a
 * probability per type. Immutable and safe to share between threads. Saved as one gzip file holding
 * a small JSON header, the vocabulary with its idf, and liblinear's own model text.
 */
public final class TriageModel {
  private static final String MAGIC = "HLS-TRIAGE-MODEL";
  private static final int FORMAT = 1;

  /** What a model file says about itself. */
  public record Header(String scope, List<String> labels, int trainedOn, TrainingSpec training) {}

  private final Header header;
  private final FeatureExtractor features;
  private final Model model;

  TriageModel(Header header, FeatureExtractor features, Model model) {
    this.header = header;
    this.features = features;
    this.model = model;
  }

  /** "default", or the repository ({@code owner/repo}) the model was trained for. */
  public String scope() {
    return header.scope();
  }

  /** The types the model can predict, e.g. bug, feature, question. */
  public List<String> labels() {
    return header.labels();
  }

  public Header header() {
    return header;
  }

  /** Number of features in the vocabulary (for reports). */
  public int featureCount() {
    return features.size();
  }

  /** The most probable type, its probability and every type's probability. */
  public TriageHint predict(String title, String body) {
    return predict(features.vector(title == null ? "" : title, body == null ? "" : body));
  }

  TriageHint predict(Feature[] x) {
    double[] p = new double[model.getNrClass()];
    Linear.predictProbability(model, x, p);
    int[] ids = model.getLabels();
    Map<String, Double> probabilities = new LinkedHashMap<>();
    String best = null;
    double bestP = -1;
    for (int i = 0; i < ids.length; i++) {
      String label = header.labels().get(ids[i]);
      probabilities.put(label, p[i]);
      if (p[i] > bestP) {
        bestP = p[i];
        best = label;
      }
    }
    return new TriageHint(best, bestP, probabilities);
  }

  FeatureExtractor features() {
    return features;
  }

  /** Writes the model to {@code file} atomically (a temp file renamed into place). */
  public void save(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        write(out);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public void write(OutputStream raw) throws IOException {
    GZIPOutputStream gzip = new GZIPOutputStream(new BufferedOutputStream(raw), 1 << 16);
    DataOutputStream out = new DataOutputStream(gzip);
    out.writeUTF(MAGIC);
    out.writeInt(FORMAT);
    writeBlock(out, Json.MAPPER.writeValueAsBytes(header));
    features.write(out);
    ByteArrayOutputStream linear = new ByteArrayOutputStream();
    try (Writer w = new OutputStreamWriter(linear, StandardCharsets.US_ASCII)) {
      model.save(w);
    }
    writeBlock(out, linear.toByteArray());
    out.flush();
    gzip.finish();
    gzip.flush();
  }

  public static TriageModel load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /** Reads a model written by {@link #write}; {@code source} names it in errors. */
  public static TriageModel read(InputStream raw, String source) throws IOException {
    try {
      DataInputStream in = new DataInputStream(new GZIPInputStream(new BufferedInputStream(raw), 1 << 16));
      if (!MAGIC.equals(in.readUTF())) throw new IOException(source + ": not an HLS triage model");
      int format = in.readInt();
      if (format != FORMAT) throw new IOException(source + ": model format " + format + ", this HLS reads " + FORMAT);
      Header header = Json.MAPPER.readValue(readBlock(in), new TypeReference<Header>() {});
      FeatureExtractor features = FeatureExtractor.read(header.training().features(), in);
      Model model = Model.load(new InputStreamReader(new java.io.ByteArrayInputStream(readBlock(in)), StandardCharsets.US_ASCII));
      return new TriageModel(header, features, model);
    } catch (java.io.UTFDataFormatException | java.io.EOFException | java.util.zip.ZipException e) {
      throw new IOException(source + ": corrupt triage model (" + e.getMessage() + ")", e);
    }
  }

  private static void writeBlock(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBlock(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 512 * 1024 * 1024) throw new IOException("corrupt model: block of " + n + " bytes");
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
