package com.clidecoder.hls.config;

import com.typesafe.config.ConfigUtil;
import java.util.List;
import java.util.stream.Collectors;

/** Writes indented HOCON: nested objects, lists of objects, quoted values and comment lines. */
final class HoconWriter {
  private final StringBuilder text = new StringBuilder();
  private int depth;

  static String quote(String s) {
    return ConfigUtil.quoteString(s);
  }

  void comment(String line) {
    indent().append("# ").append(line.replace('\n', ' ')).append('\n');
  }

  void open(String key) {
    indent().append(key).append(" {\n");
    depth++;
  }

  void openObject() {
    indent().append("{\n");
    depth++;
  }

  void close() {
    depth--;
    indent().append("}\n");
  }

  void openList(String key) {
    indent().append(key).append(" = [\n");
    depth++;
  }

  void closeList() {
    depth--;
    indent().append("]\n");
  }

  void value(String key, Object v) {
    indent().append(key).append(" = ").append(literal(v)).append('\n');
  }

  /** A line written as it is (substitutions, small fixed objects). */
  void raw(String line) {
    indent().append(line).append('\n');
  }

  String text() {
    return text.toString();
  }

  private static String literal(Object v) {
    if (v instanceof List<?> l) return l.stream().map(HoconWriter::literal).collect(Collectors.joining(", ", "[", "]"));
    if (v instanceof Boolean || v instanceof Number) return String.valueOf(v);
    return quote(String.valueOf(v));
  }

  private StringBuilder indent() {
    return text.append("  ".repeat(depth));
  }
}
