package com.clidecoder.hls.triage;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small generated issue set for tests that must run in a bare clone (no ../shared): each type has
 * its own vocabulary, mixed with shared filler words, so a working classifier separates them well and
 * a broken one does not.
 */
final class TinyIssues {
  private static final String[] FILLER = {"the", "app", "when", "i", "it", "with", "version", "on", "we", "component", "page", "after"};
  private static final String[][] WORDS = {
    {"crash", "exception", "broken", "fails", "error", "regression", "undefined", "wrong"},
    {"support", "add", "option", "proposal", "would", "allow", "new", "request"},
    {"how", "why", "?", "help", "understand", "possible", "docs", "explain"},
  };
  static final String[] LABELS = {"bug", "feature", "question"};

  private TinyIssues() {}

  static List<LabelledIssue> generate(String repo, int perLabel, long seed) {
    Random random = new Random(seed);
    List<LabelledIssue> out = new ArrayList<>();
    for (int n = 0; n < perLabel; n++) {
      for (int l = 0; l < LABELS.length; l++) {
        out.add(new LabelledIssue(repo, LABELS[l], sentence(random, l, 5), sentence(random, l, 30)));
      }
    }
    return out;
  }

  private static String sentence(Random random, int label, int words) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < words; i++) {
      // two words in five carry the type's vocabulary; the rest is shared noise
      String[] pool = random.nextInt(5) < 2 ? WORDS[label] : FILLER;
      s.append(pool[random.nextInt(pool.length)]).append(' ');
    }
    return s.toString().strip();
  }

  static Path writeCsv(Path file, List<LabelledIssue> issues) throws IOException {
    StringWriter w = new StringWriter();
    IssueCsv.write(w, issues);
    Files.writeString(file, w.toString());
    return file;
  }
}
