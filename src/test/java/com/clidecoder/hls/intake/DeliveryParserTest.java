package com.clidecoder.hls.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.clidecoder.hls.intake.DeliveryParser.BodyFormat;
import com.clidecoder.hls.intake.DeliveryParser.Document;
import com.clidecoder.hls.intake.DeliveryParser.Malformed;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeliveryParserTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonBodyIsKeptExactlyAsReceived() {
    String text = "{ \"action\" : \"opened\", \"note\": \"caf\u00e9 \\u00e9 $(x) `y`\" }\n";
    Document d = assertInstanceOf(Document.class, DeliveryParser.parse(BodyFormat.JSON, utf8(text)));
    assertEquals(text, d.text());
    assertEquals("opened", d.root().get("action").asText());
  }

  @Test
  void formBodyYieldsThePercentDecodedPayloadField() {
    String json = "{\"a\":\"x + y & z = \u00e9\"}";
    byte[] form = utf8("other=1&payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8) + "&more=2");
    Document d = assertInstanceOf(Document.class, DeliveryParser.parse(BodyFormat.FORM, form));
    assertEquals(json, d.text());
  }

  @Test
  void formFieldDecoding() {
    assertArrayEquals(utf8("a b"), DeliveryParser.formField(utf8("payload=a+b"), "payload"));
    assertArrayEquals(new byte[0], DeliveryParser.formField(utf8("payload"), "payload"));
    assertArrayEquals(utf8("1"), DeliveryParser.formField(utf8("x=0&payload=1&payload=2"), "payload"), "first wins");
    assertNull(DeliveryParser.formField(utf8(""), "payload"));
    assertNull(DeliveryParser.formField(utf8("payloadx=1"), "payload"));
  }

  @Test
  void anythingButOneJsonObjectInValidUtf8IsMalformed() {
    String[] bad = {"", " ", "{", "{} {}", "{}x", "{\"a\":1}{\"a\":2}", "[]", "\"s\"", "42", "null", "{\"a\":1,\"a\":2}"};
    for (String s : bad) assertInstanceOf(Malformed.class, DeliveryParser.parse(BodyFormat.JSON, utf8(s)), s);
    assertInstanceOf(Malformed.class, DeliveryParser.parse(BodyFormat.JSON, new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'}));
    assertInstanceOf(Malformed.class, DeliveryParser.parse(BodyFormat.FORM, utf8("payload=%7B%22a%22%3A%22%C3%22%7D")), "bad UTF-8 inside the form");
    assertInstanceOf(Malformed.class, DeliveryParser.parse(BodyFormat.FORM, utf8("payload=%ZZ")));
    assertInstanceOf(Malformed.class, DeliveryParser.parse(BodyFormat.FORM, utf8("nopayload=%7B%7D")));
  }

  /** Malformed UTF-8 anywhere in the document, also inside the values the scan skips, is refused. */
  @Test
  void invalidUtf8IsRefusedWhereverItIs() {
    byte[][] sequences = {
      {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xC3}, {(byte) 0xC0, (byte) 0xAF}, // stray, lone continuation, cut, overlong
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, // a 4-byte sequence cut short
      {(byte) 0xEF, (byte) 0xBF, 'x'}, // the start of U+FFFD's encoding, then not a continuation byte
    };
    for (byte[] bad : sequences) {
      for (String around : new String[] {"{\"action\":\"%s\"}", "{\"skipped\":{\"deep\":[\"%s\"]}}", "{\"k%s\":1}"}) {
        int at = around.indexOf("%s");
        byte[] body = concat(utf8(around.substring(0, at)), bad, utf8(around.substring(at + 2)));
        Malformed m = assertInstanceOf(Malformed.class, DeliveryParser.parse(BodyFormat.JSON, body), around + " " + java.util.Arrays.toString(bad));
        assertEquals("payload is not valid UTF-8", m.reason());
      }
    }
  }

  @Test
  void validUtf8OfEveryLengthIsKeptAsItWas() {
    // 2-, 3- and 4-byte characters, and a genuine U+FFFD, which is valid text and not a sign of a bad body
    String text = "{\"action\":\"opened\",\"title\":\"caf\u00e9 \u20ac \ud83d\ude00 \ufffd\"}";
    Document d = assertInstanceOf(Document.class, DeliveryParser.parse(BodyFormat.JSON, utf8(text)));
    assertEquals(text, d.text());
    assertEquals(text, DeliveryParser.utf8(utf8(text)));
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
