package com.clidecoder.hls.triage;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.TriageHint;
import com.fasterxml.jackson.core.type.TypeReference;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A trained issue-type classifier: tf-idf features and liblinear logistic regression, with a
 * probability per type. A repository's model averages two such linear models (see
 * {@link TrainingSpec#ownModelWeight}); the default model is one. Immutable and safe to share between
 * threads. Saved as one gzip file holding a small JSON header, then per member its weight, vocabulary
 * with idf, and liblinear's own model text.
 */
public final class TriageModel {
  private static final String MAGIC = "HLS-TRIAGE-MODEL";
  /** 1: one linear model; 2: a weighted list of them. Both are read. */
  private static final int FORMAT = 2;

  /** What a model file says about itself. */
  public record Header(String scope, List<String> labels, int trainedOn, TrainingSpec training) {}

  /** One linear model of the average: its vocabulary, its liblinear weights and its weight in the average. */
  record Member(FeatureExtractor features, Model model, double weight) {}

  private final Header header;
  private final List<Member> members;

  TriageModel(Header header, List<Member> members) {
    if (members.isEmpty()) throw new IllegalArgumentException("a model needs at least one member");
    this.header = header;
    this.members = List.copyOf(members);
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

  /** Number of features in the vocabularies of all members (for reports). */
  public int featureCount() {
    return members.stream().mapToInt(m -> m.features().size()).sum();
  }

  /** How many linear models are averaged (1 or 2). */
  public int memberCount() {
    return members.size();
  }

  /**
   * The most probable type, its probability and every type's probability: the members' probabilities
   * averaged with their weights. The text is tokenised once; members share the {@link FeatureSpec}.
   */
  public TriageHint predict(String title, String body) {
    Map<String, Integer> terms = FeatureExtractor.termCounts(header.training().features(), title == null ? "" : title, body == null ? "" : body);
    List<String> labels = header.labels();
    double[] sum = new double[labels.size()];
    double totalWeight = 0;
    for (Member m : members) {
      double[] p = new double[m.model().getNrClass()];
      Linear.predictProbability(m.model(), m.features().vector(terms), p);
      int[] ids = m.model().getLabels();
      for (int i = 0; i < ids.length; i++) sum[ids[i]] += m.weight() * p[i];
      totalWeight += m.weight();
    }
    Map<String, Double> probabilities = new LinkedHashMap<>();
    String best = null;
    double bestP = -1;
    for (int i = 0; i < sum.length; i++) {
      double p = sum[i] / totalWeight;
      probabilities.put(labels.get(i), p);
      if (p > bestP) {
        bestP = p;
        best = labels.get(i);
      }
    }
    return new TriageHint(best, bestP, probabilities);
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
    out.writeInt(members.size());
    for (Member m : members) {
      out.writeDouble(m.weight());
      m.features().write(out);
      ByteArrayOutputStream linear = new ByteArrayOutputStream();
      try (Writer w = new OutputStreamWriter(linear, StandardCharsets.US_ASCII)) {
        m.model().save(w);
      }
      writeBlock(out, linear.toByteArray());
    }
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
      if (format != 1 && format != FORMAT) {
        throw new IOException(source + ": model format " + format + ", this HLS reads 1 and " + FORMAT + " (retrain it with bin/hls triage train)");
      }
      Header header = Json.MAPPER.readValue(readBlock(in), new TypeReference<Header>() {});
      int count = format == 1 ? 1 : in.readInt();
      if (count < 1 || count > 16) throw new IOException(source + ": corrupt triage model (" + count + " members)");
      List<Member> members = new ArrayList<>();
      for (int k = 0; k < count; k++) {
        double weight = format == 1 ? 1.0 : in.readDouble();
        FeatureExtractor features = FeatureExtractor.read(header.training().features(), in);
        Model model = Model.load(new InputStreamReader(new java.io.ByteArrayInputStream(readBlock(in)), StandardCharsets.US_ASCII));
        members.add(new Member(features, model, weight));
      }
      return new TriageModel(header, members);
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
