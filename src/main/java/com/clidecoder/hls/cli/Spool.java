package com.clidecoder.hls.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Saved webhook deliveries on disk, as {@code replay} reads them. An entry is either
 * <ul>
 *   <li>a folder holding {@code headers} and {@code body.json}, or</li>
 *   <li>a pair {@code NAME.json} (the body, byte for byte) and {@code NAME.headers} beside it.</li>
 * </ul>
 * A headers file has one {@code Name: value} per line (blank lines and {@code #} comments skipped), at
 * least {@code X-GitHub-Event} and {@code X-GitHub-Delivery}. Entries are replayed in name order, so a
 * spool that names entries by time replays in arrival order.
 */
final class Spool {
  private Spool() {}

  /** One saved delivery; {@code problem} is set when it cannot be sent (then body/headers are empty). */
  record Entry(Path path, byte[] body, Map<String, String> headers, String problem) {
    boolean readable() {
      return problem == null;
    }
  }

  /** The entries under each argument, in order: a file is one entry, a folder is one entry or holds many. */
  static List<Path> entries(List<Path> roots) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path root : roots) {
      if (Files.isDirectory(root) && !isEntryFolder(root)) {
        try (Stream<Path> children = Files.list(root)) {
          children.sorted()
              .filter(p -> isEntryFolder(p) || p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
              .forEach(out::add);
        }
      } else if (Files.exists(root)) {
        out.add(root);
      } else {
        throw new UsageException(root + " does not exist");
      }
    }
    return out;
  }

  static boolean isEntryFolder(Path p) {
    return Files.isDirectory(p) && Files.isRegularFile(p.resolve("headers")) && Files.isRegularFile(p.resolve("body.json"));
  }

  /** Reads one entry; what is wrong with it becomes its {@code problem}, not an exception. */
  static Entry read(Path entry) {
    Path headersFile;
    Path bodyFile;
    if (isEntryFolder(entry)) {
      headersFile = entry.resolve("headers");
      bodyFile = entry.resolve("body.json");
    } else {
      String name = entry.getFileName().toString();
      if (!name.endsWith(".json")) return problem(entry, "not a .json body or a spool folder");
      headersFile = entry.resolveSibling(name.substring(0, name.length() - ".json".length()) + ".headers");
      bodyFile = entry;
      if (!Files.isRegularFile(headersFile)) return problem(entry, "no headers file " + headersFile.getFileName() + " beside it");
    }
    try {
      Map<String, String> headers = parseHeaders(Files.readAllLines(headersFile));
      for (String required : List.of("X-GitHub-Event", "X-GitHub-Delivery")) {
        if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase(required))) {
          return problem(entry, "its headers have no " + required);
        }
      }
      return new Entry(entry, Files.readAllBytes(bodyFile), headers, null);
    } catch (IOException e) {
      return problem(entry, "cannot be read: " + e.getMessage());
    }
  }

  /**
   * The headers worth replaying: GitHub's {@code X-*} headers, Content-Type and User-Agent. Hop-by-hop
   * and length headers are the HTTP client's to set.
   */
  static Map<String, String> parseHeaders(List<String> lines) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : lines) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) continue;
      int colon = l.indexOf(':');
      if (colon <= 0) continue;
      String name = l.substring(0, colon).strip();
      String value = l.substring(colon + 1).strip();
      String lower = name.toLowerCase();
      if (lower.startsWith("x-") || lower.equals("content-type") || lower.equals("user-agent")) headers.put(name, value);
    }
    return headers;
  }

  /** Deletes an entry that the intake took (a folder with its two files, or the .json/.headers pair). */
  static void remove(Path entry) throws IOException {
    if (isEntryFolder(entry)) {
      Files.delete(entry.resolve("headers"));
      Files.delete(entry.resolve("body.json"));
      Files.delete(entry);
    } else {
      String name = entry.getFileName().toString();
      Files.deleteIfExists(entry.resolveSibling(name.substring(0, name.length() - ".json".length()) + ".headers"));
      Files.delete(entry);
    }
  }

  private static Entry problem(Path entry, String problem) {
    return new Entry(entry, new byte[0], Map.of(), problem);
  }
}
