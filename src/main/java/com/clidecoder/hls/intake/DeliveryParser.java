package com.clidecoder.hls.intake;

import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a delivery body into its JSON document: the raw body for {@code application/json}, the
 * {@code payload} field for {@code application/x-www-form-urlencoded} (GitHub's two content types).
 * The document must be valid UTF-8 and exactly one JSON object; anything else is a {@link Malformed}.
 */
public final class DeliveryParser {
  /** The two body formats GitHub can be configured to send. */
  public enum BodyFormat {
    JSON,
    FORM
  }

  public sealed interface Parsed {}

  /**
   * {@code text} is the document exactly as received (it is what gets stored); {@code root} holds the
   * few fields the intake decides on ({@code action}, {@code repository.full_name},
   * {@code workflow_run.conclusion}), in their places in the document.
   */
  public record Document(String text, JsonNode root) implements Parsed {}

  public record Malformed(String reason) implements Parsed {}

  private DeliveryParser() {}

  public static Parsed parse(BodyFormat format, byte[] body) {
    byte[] json;
    if (format == BodyFormat.FORM) {
      try {
        json = formField(body, "payload");
      } catch (IllegalArgumentException e) {
        return new Malformed("form body is not valid application/x-www-form-urlencoded: " + e.getMessage());
      }
      if (json == null) return new Malformed("form body has no payload field");
    } else {
      json = body;
    }
    String text = utf8(json);
    if (text == null) return new Malformed("payload is not valid UTF-8");
    try {
      return scan(json, text);
    } catch (IOException e) {
      String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      return new Malformed("payload is not one valid JSON document: " + detail);
    }
  }

  /**
   * The text of {@code bytes}, or null when they are not valid UTF-8. {@code new String} is the JDK's
   * fast path (an all-ASCII body is one copy) but replaces malformed input with U+FFFD instead of
   * failing; a strict CharsetDecoder decoded into a char buffer and copied again (two 20 KB copies and
   * ~6% of the service's CPU per delivery). When every byte became one char and none is U+FFFD, the
   * body was ASCII; otherwise it is valid exactly when encoding the text gives the bytes back (a
   * replaced sequence comes back as EF BF BD, which would have decoded as itself).
   */
  static String utf8(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.length() == bytes.length && text.indexOf('\uFFFD') < 0) return text;
    return Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes) ? text : null;
  }

  /**
   * One streaming pass over the whole document: it checks the syntax, duplicate keys and nesting limits
   * of Json.MAPPER's factory and that nothing follows the document, and keeps only the fields the
   * intake needs. Building the full tree (readTree) was 28% of the service's CPU at full intake load
   * (docs/benchmarks.md); skipped values are tokenised, not materialised.
   */
  private static Parsed scan(byte[] json, String text) throws IOException {
    ObjectNode root = Json.MAPPER.createObjectNode();
    try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) throw new IOException("empty document");
      boolean object = first == JsonToken.START_OBJECT;
      if (object) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case "action" -> keepText(p, value, root, "action");
            case "repository" -> keepNested(p, value, root.putObject("repository"), "full_name");
            case "workflow_run" -> keepNested(p, value, root.putObject("workflow_run"), "conclusion");
            default -> p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
      // "{} {}" or "{}garbage" is refused, not half-read.
      if (p.nextToken() != null) throw new IOException("trailing data after the JSON document");
      return object ? new Document(text, root) : new Malformed("payload must be a JSON object");
    }
  }

  private static void keepText(JsonParser p, JsonToken value, ObjectNode into, String name) throws IOException {
    if (value == JsonToken.VALUE_STRING) into.put(name, p.getText());
    else p.skipChildren();
  }

  /** Keeps {@code wanted} (a string) of the object the parser is at; skips everything else in it. */
  private static void keepNested(JsonParser p, JsonToken value, ObjectNode into, String wanted) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals(wanted)) keepText(p, v, into, wanted);
      else p.skipChildren();
    }
  }

  /**
   * The percent-decoded bytes of the first field named {@code name}, or null. Decoding to bytes (not
   * with URLDecoder) lets invalid UTF-8 be refused instead of silently replaced.
   */
  static byte[] formField(byte[] body, String name) {
    int start = 0;
    while (start <= body.length) {
      int end = indexOf(body, (byte) '&', start);
      int eq = indexOf(body, (byte) '=', start);
      int keyEnd = eq >= 0 && eq < end ? eq : end;
      byte[] key = percentDecode(body, start, keyEnd);
      if (new String(key, StandardCharsets.UTF_8).equals(name)) {
        return keyEnd == end ? new byte[0] : percentDecode(body, keyEnd + 1, end);
      }
      start = end + 1;
    }
    return null;
  }

  private static int indexOf(byte[] b, byte wanted, int from) {
    for (int i = from; i < b.length; i++) if (b[i] == wanted) return i;
    return b.length;
  }

  private static byte[] percentDecode(byte[] b, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '+') {
        out.write(' ');
      } else if (c == '%') {
        if (i + 2 >= to) throw new IllegalArgumentException("incomplete %-escape at byte " + i);
        int hi = Character.digit(b[i + 1], 16);
        int lo = Character.digit(b[i + 2], 16);
        if (hi < 0 || lo < 0) throw new IllegalArgumentException("bad %-escape at byte " + i);
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }
}
