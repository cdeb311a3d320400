package com.clidecoder.hls.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Saved webhook deliveries on disk, as {@code replay} reads them. An entry is a {@code NAME.headers}
 * file with its body beside it: {@code NAME.body} (what {@code bin/queue-hls-event} spools, the headers
 * file written last so that it marks a complete entry) or {@code NAME.json} (a delivery saved by hand);
 * or a folder holding {@code headers} and {@code body.json}. A headers file has one {@code Name: value}
 * per line (blank lines and {@code #} comments skipped), at least {@code X-GitHub-Event} and
 * {@code X-GitHub-Delivery}. Entries are replayed in name order: the spool names them by UTC time.
 * Shared by {@code bin/hls replay} and the service's {@link SpoolDrainer}; all of it is blocking file
 * I/O, for a CLI thread or the JDBC executor, never an actor's thread.
 */
public final class Spool {
  static final String HEADERS = ".headers";
  static final List<String> BODIES = List.of(".body", ".json");
  /** The subfolder entries the intake refused move to, each with a {@code NAME.reason} file. */
  public static final String REJECTED = "rejected";
  static final String REASON = ".reason";

  private Spool() {}

  /** One saved delivery; {@code problem} is set when it cannot be sent (then body/headers are empty). */
  public record Entry(Path path, byte[] body, Map<String, String> headers, String problem) {
    public boolean readable() {
      return problem == null;
    }
  }

  /** What a folder holds: complete entries, and bodies whose headers are not (yet) there. */
  public record Listing(List<Path> entries, List<Path> withoutHeaders) {}

  /**
   * The entries under each argument, in order. A folder is one entry or holds many; a file argument is
   * the entry it belongs to ({@code NAME.headers}, {@code NAME.body} or {@code NAME.json}).
   */
  public static Listing list(List<Path> roots) throws IOException {
    List<Path> entries = new ArrayList<>();
    List<Path> orphans = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.exists(root)) throw new NoSuchFileException(root.toString(), null, "does not exist");
      if (isEntryFolder(root) || !Files.isDirectory(root)) {
        entries.add(headersOf(root).filter(Files::isRegularFile).isPresent() || isEntryFolder(root) ? key(root) : root);
        continue;
      }
      try (Stream<Path> children = Files.list(root)) {
        for (Path p : children.sorted().toList()) {
          String name = p.getFileName().toString();
          if (name.startsWith(".")) continue; // a spool write in progress (.NAME.headers.tmp)
          if (isEntryFolder(p) || name.endsWith(HEADERS) && Files.isRegularFile(p)) {
            entries.add(p);
          } else if (bodySuffix(name).isPresent() && Files.isRegularFile(p)
              && !Files.isRegularFile(headersOf(p).orElseThrow())) {
            orphans.add(p);
          }
        }
      }
    }
    return new Listing(entries, orphans);
  }

  static boolean isEntryFolder(Path p) {
    return Files.isDirectory(p) && Files.isRegularFile(p.resolve("headers")) && Files.isRegularFile(p.resolve("body.json"));
  }

  /** Reads one entry; what is wrong with it becomes its {@code problem}, not an exception. */
  public static Entry read(Path entry) {
    Path headersFile;
    Path bodyFile;
    if (isEntryFolder(entry)) {
      headersFile = entry.resolve("headers");
      bodyFile = entry.resolve("body.json");
    } else {
      headersFile = headersOf(entry).orElse(entry);
      Optional<Path> body = bodyOf(headersFile);
      if (!Files.isRegularFile(headersFile)) return problem(entry, "no headers file " + headersFile.getFileName() + " beside it");
      if (body.isEmpty()) return problem(entry, "no body (" + stem(headersFile) + ".body or .json) beside it");
      bodyFile = body.get();
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

  /** Deletes an entry the intake took: the body first, so a half-deleted entry is never replayed as complete. */
  public static void remove(Path entry) throws IOException {
    if (isEntryFolder(entry)) {
      Files.delete(entry.resolve("body.json"));
      Files.delete(entry.resolve("headers"));
      Files.delete(entry);
      return;
    }
    Path headers = headersOf(entry).orElse(entry);
    Optional<Path> body = bodyOf(headers);
    // IfExists: the service's drainer and a replay by hand may both have sent it (the second got duplicate).
    if (body.isPresent()) Files.deleteIfExists(body.get());
    Files.deleteIfExists(headers);
  }

  /**
   * Moves an entry into {@code rejected/} beside it with {@code NAME.reason} saying why, so that it is
   * kept for a person instead of being sent again at every drain. The reason is written first and the
   * headers moved last: an interrupted move leaves at worst a headers file without body, which the next
   * drain finds unreadable and moves the rest of.
   */
  public static void reject(Path entry, String reason) throws IOException {
    Path parent = entry.toAbsolutePath().getParent();
    // An entry resent from rejected/ and refused again stays there, with the new reason.
    Path rejected = parent.getFileName() != null && parent.getFileName().toString().equals(REJECTED) ? parent : rejectedFolder(parent);
    String stem = isEntryFolder(entry) ? entry.getFileName().toString() : stem(headersOf(entry).orElse(entry));
    Files.writeString(rejected.resolve(stem + REASON), reason.strip() + "\n", StandardCharsets.UTF_8);
    if (rejected.equals(parent)) return;
    if (isEntryFolder(entry)) {
      Files.move(entry, rejected.resolve(stem), StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    Path headers = headersOf(entry).orElse(entry);
    Optional<Path> body = bodyOf(headers);
    if (body.isPresent()) Files.move(body.get(), rejected.resolve(body.get().getFileName()), StandardCopyOption.REPLACE_EXISTING);
    if (Files.exists(headers)) Files.move(headers, rejected.resolve(headers.getFileName()), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * {@code rejected/} in {@code spool}, created with the spool folder's own permissions: the service's
   * umask would otherwise leave the handler's user (the spool's other writer) unable to write to it.
   */
  private static Path rejectedFolder(Path spool) throws IOException {
    Path rejected = spool.resolve(REJECTED);
    if (Files.isDirectory(rejected)) return rejected;
    try {
      Files.createDirectory(rejected);
    } catch (FileAlreadyExistsException raced) {
      return rejected;
    }
    PosixFileAttributeView parent = Files.getFileAttributeView(spool, PosixFileAttributeView.class);
    if (parent != null) {
      try {
        Files.setPosixFilePermissions(rejected, parent.readAttributes().permissions());
      } catch (IOException | UnsupportedOperationException e) {
        // best effort: the folder exists, the handler's user may just not be able to add to it
      }
    }
    return rejected;
  }

  /**
   * Depth, age of the oldest waiting entry (by its headers file's time) and rejected entries of the spool
   * at {@code dir}; all zero when the folder does not exist (nothing was ever spooled).
   */
  public static SpoolFigures figures(Path dir, Instant now) throws IOException {
    if (!Files.isDirectory(dir)) return new SpoolFigures(dir, 0, 0, 0);
    List<Path> waiting = list(List.of(dir)).entries();
    Instant oldest = now;
    for (Path p : waiting) {
      try {
        FileTime t = Files.getLastModifiedTime(isEntryFolder(p) ? p.resolve("headers") : p);
        if (t.toInstant().isBefore(oldest)) oldest = t.toInstant();
      } catch (NoSuchFileException drained) {
        // sent and deleted while we looked
      }
    }
    Path rejected = dir.resolve(REJECTED);
    int rejectedCount = Files.isDirectory(rejected) ? list(List.of(rejected)).entries().size() : 0;
    long age = Math.max(0, Duration.between(oldest, now).toSeconds());
    return new SpoolFigures(dir, waiting.size(), age, rejectedCount);
  }

  /** The headers file of an entry given by any of its files. */
  private static Optional<Path> headersOf(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(HEADERS)) return Optional.of(file);
    return bodySuffix(name).map(s -> file.resolveSibling(name.substring(0, name.length() - s.length()) + HEADERS));
  }

  private static Optional<Path> bodyOf(Path headers) {
    return BODIES.stream().map(s -> headers.resolveSibling(stem(headers) + s)).filter(Files::isRegularFile).findFirst();
  }

  private static Path key(Path p) {
    return isEntryFolder(p) ? p : headersOf(p).orElse(p);
  }

  private static Optional<String> bodySuffix(String name) {
    return BODIES.stream().filter(name::endsWith).findFirst();
  }

  private static String stem(Path headers) {
    String name = headers.getFileName().toString();
    return name.endsWith(HEADERS) ? name.substring(0, name.length() - HEADERS.length()) : name;
  }

  private static Entry problem(Path entry, String problem) {
    return new Entry(entry, new byte[0], Map.of(), problem);
  }
}
