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
}
