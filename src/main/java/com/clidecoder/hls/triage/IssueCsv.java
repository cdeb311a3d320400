package com.clidecoder.hls.triage;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the NLBSE'24 CSV format ({@code repo, created_at, label, title, body}): RFC 4180,
 * fields quoted when they hold commas, quotes (doubled) or line breaks, as issue bodies do.
 */
public final class IssueCsv {
  static final List<String> COLUMNS = List.of("repo", "created_at", "label", "title", "body");

  private IssueCsv() {}

  public static List<LabelledIssue> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Parses CSV text with a header row naming at least repo, label, title and body. */
  public static List<LabelledIssue> parse(String text, String source) {
    List<List<String>> rows = records(text.startsWith("\uFEFF") ? text.substring(1) : text);
    if (rows.isEmpty()) throw new IllegalArgumentException(source + ": empty CSV, expected a header row");
    Map<String, Integer> col = new HashMap<>();
    List<String> header = rows.get(0);
    for (int i = 0; i < header.size(); i++) col.put(header.get(i).strip().toLowerCase(java.util.Locale.ROOT), i);
    for (String needed : List.of("repo", "label", "title", "body")) {
      if (!col.containsKey(needed)) {
        throw new IllegalArgumentException(source + ": missing column '" + needed + "' (header: " + header + ")");
      }
    }
    List<LabelledIssue> issues = new ArrayList<>(rows.size() - 1);
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (row.size() == 1 && row.get(0).isBlank()) continue;
      if (row.size() < header.size()) {
        throw new IllegalArgumentException(source + ": record " + r + " has " + row.size() + " fields, header has " + header.size());
      }
      issues.add(new LabelledIssue(
          row.get(col.get("repo")).strip(), row.get(col.get("label")).strip(), row.get(col.get("title")), row.get(col.get("body"))));
    }
    return issues;
  }

  private static List<List<String>> records(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0) {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else {
        field.append(c);
      }
      i++;
    }
    if (quoted) throw new IllegalArgumentException("CSV ends inside a quoted field");
    if (field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }

  /** Writes issues in the same format (created_at left empty), quoting every field. */
  public static void write(Writer out, List<LabelledIssue> issues) throws IOException {
    out.write(String.join(",", COLUMNS));
    out.write('\n');
    for (LabelledIssue i : issues) {
      out.write(String.join(",", quote(i.repo()), quote(""), quote(i.label()), quote(i.title()), quote(i.body())));
      out.write('\n');
    }
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
