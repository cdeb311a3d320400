package com.clidecoder.hls.github;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GitHub's pagination: {@code Link: <https://...&page=2>; rel="next", <...>; rel="last"}. */
final class LinkHeader {
  private static final Pattern ENTRY = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]*)*)");
  private static final Pattern REL_NEXT = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?");

  private LinkHeader() {}

  /** The URL marked {@code rel="next"}, if any. */
  static Optional<String> next(String header) {
    if (header == null) return Optional.empty();
    Matcher entry = ENTRY.matcher(header);
    while (entry.find()) {
      Matcher rel = REL_NEXT.matcher(entry.group(2));
      while (rel.find()) {
        for (String r : rel.group(1).trim().split("\\s+")) {
          if (r.equals("next")) return Optional.of(entry.group(1).trim());
        }
      }
    }
    return Optional.empty();
  }
}
