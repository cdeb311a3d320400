package com.clidecoder.hls.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.testkit.SharedFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {
  // GitHub Docs, "Validating webhook deliveries", section "Testing the webhook payload validation".
  private static final String SECRET = "It's a Secret to Everybody";
  private static final byte[] PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final String HEADER = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  private final SignatureVerifier verifier = new SignatureVerifier(Secret.of(SECRET));

  @Test
  void githubDocumentedVectorValidates() {
    assertTrue(verifier.verify(PAYLOAD, Optional.of(HEADER)));
    assertEquals(HEADER, verifier.sign(PAYLOAD));
  }

  /** The vector and its negative values as written in ../shared/fixtures/github-webhooks/SIGNATURE_VECTOR.md. */
  @Test
  void sharedVectorFileValidatesAndItsMistakesDoNot() throws IOException {
    String md = Files.readString(SharedFixtures.webhooks().resolve("SIGNATURE_VECTOR.md"));
    Map<String, String> values = new HashMap<>();
    Matcher row = Pattern.compile("(?m)^\\| ([^|]+?) \\| `([^`]+)` \\|$").matcher(md);
    while (row.find()) values.put(row.group(1).trim(), row.group(2));
    byte[] secret = HexFormat.of().parseHex(values.get("secret bytes (UTF-8, 26 bytes, hex)"));
    byte[] payload = HexFormat.of().parseHex(values.get("payload bytes (UTF-8, 13 bytes, hex, no trailing newline)"));
    String header = values.get("expected `X-Hub-Signature-256` header value");
    if (header == null) header = "sha256=" + values.get("signature (hex digest)");
    SignatureVerifier fromFile = new SignatureVerifier(Secret.of(new String(secret, StandardCharsets.UTF_8)));
    assertTrue(fromFile.verify(payload, Optional.of(header)), "documented vector");

    Matcher mistakes = Pattern.compile("(?m)^\\| ([^|]+) \\| `([0-9a-f]+)` \\|$").matcher(
        md.substring(md.indexOf("## Values that must NOT validate")));
    int negatives = 0;
    while (mistakes.find()) {
      negatives++;
      String hex = mistakes.group(2);
      assertFalse(fromFile.verify(payload, Optional.of("sha256=" + hex)), mistakes.group(1));
      assertFalse(fromFile.verify(payload, Optional.of("sha1=" + hex)), mistakes.group(1));
    }
    assertEquals(3, negatives, "the file lists three mistakes");
  }

  @Test
  void malformedOrMissingHeadersDoNotValidate() {
    String hex = HEADER.substring("sha256=".length());
    assertFalse(verifier.verify(PAYLOAD, Optional.empty()));
    assertFalse(verifier.verify(PAYLOAD, Optional.of("")));
    assertFalse(verifier.verify(PAYLOAD, Optional.of(hex)), "prefix is required");
    assertFalse(verifier.verify(PAYLOAD, Optional.of("sha1=" + hex)));
    assertFalse(verifier.verify(PAYLOAD, Optional.of("sha256=" + hex.substring(2))), "truncated");
    assertFalse(verifier.verify(PAYLOAD, Optional.of("sha256=" + hex + "00")), "extended");
    assertFalse(verifier.verify(PAYLOAD, Optional.of("sha256=zz" + hex.substring(2))), "not hex");
    assertFalse(verifier.verify("Hello, World!\n".getBytes(StandardCharsets.UTF_8), Optional.of(HEADER)));
    assertFalse(new SignatureVerifier(Secret.of("It\u2019s a Secret to Everybody")).verify(PAYLOAD, Optional.of(HEADER)));
  }
}
