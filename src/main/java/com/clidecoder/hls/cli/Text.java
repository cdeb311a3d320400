package com.clidecoder.hls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Plain-text rendering shared by the operator commands: aligned tables, ages, money. */
final class Text {
  private Text() {}

  /** Columns padded to their widest cell; the last column is left unpadded (it may be long). */
  static String table(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] width = new int[header.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) width[i] = Math.max(width[i], row.get(i).length());
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(i == row.size() - 1 ? row.get(i) : pad(row.get(i), width[i] + 2));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /** Two columns, "label  value", for key figures. */
  static String pairs(List<String[]> pairs) {
    int w = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0);
    StringBuilder out = new StringBuilder();
    for (String[] p : pairs) out.append("  ").append(pad(p[0], w + 2)).append(p[1]).append('\n');
    return out.toString();
  }

  static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** 45s, 3m 05s, 2h 10m, 3d 4h. */
  static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) return s + "s";
    if (s < 3600) return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    if (s < 86400) return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    return String.format(Locale.ROOT, "%dd %dh", s / 86400, (s % 86400) / 3600);
  }

  static String usd(double v) {
    return String.format(Locale.ROOT, "$%.4f", v);
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  static String seconds(double v) {
    return String.format(Locale.ROOT, "%.2fs", v);
  }

  /** A JSON text field, or "-" when it is null or missing. */
  static String text(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? "-" : n.asText();
  }

  /** Cuts to {@code max} characters on one line. */
  static String oneLine(String s, int max) {
    String flat = s.replaceAll("\\s+", " ").strip();
    return flat.length() <= max ? flat : flat.substring(0, Math.max(0, max - 1)) + "…";
  }
}
