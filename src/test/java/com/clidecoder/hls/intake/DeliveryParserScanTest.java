package com.clidecoder.hls.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.intake.DeliveryParser.BodyFormat;
import com.clidecoder.hls.intake.DeliveryParser.Document;
import com.clidecoder.hls.intake.DeliveryParser.Malformed;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The streaming pass checks the whole document, not only the fields it keeps. */
class DeliveryParserScanTest {
  private static DeliveryParser.Parsed parse(String s) {
    return DeliveryParser.parse(BodyFormat.JSON, s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsTheFieldsTheIntakeDecidesOnWhereverTheyAre() {
    Document d = assertInstanceOf(Document.class, parse("{\"issue\":{\"action\":\"x\",\"n\":[1,{\"a\":null}]},"
        + "\"workflow_run\":{\"id\":5,\"conclusion\":\"failure\",\"pull_requests\":[]},\"action\":\"completed\","
        + "\"repository\":{\"owner\":{\"full_name\":\"no\"},\"full_name\":\"o/r\"}}"));
    assertEquals("completed", d.root().path("action").asText());
    assertEquals("o/r", d.root().path("repository").path("full_name").asText());
    assertEquals("failure", d.root().path("workflow_run").path("conclusion").asText());
  }

  @Test
  void aFieldOfTheWrongTypeIsAbsentNotAnError() {
    Document d = assertInstanceOf(Document.class, parse("{\"action\":{\"a\":1},\"repository\":[\"o/r\"]}"));
    assertTrue(d.root().path("action").isMissingNode());
    assertTrue(d.root().path("repository").path("full_name").isMissingNode());
  }

  @Test
  void errorsInSkippedPartsStillMakeTheDocumentMalformed() {
    String[] bad = {
        "{\"issue\":{\"a\":1,\"a\":2},\"action\":\"opened\"}", // duplicate key deep inside
        "{\"issue\":{\"body\":\"unterminated}", "{\"issue\":[1,2,}", "{\"a\":1}{\"b\":2}", "{\"a\":1} x",
        "[" .repeat(5000) + "]".repeat(5000), "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}", "", "   ",
    };
    for (String s : bad) assertInstanceOf(Malformed.class, parse(s), s.length() > 60 ? s.substring(0, 60) : s);
    assertEquals("payload must be a JSON object", ((Malformed) parse("[1,2]")).reason());
  }
}
