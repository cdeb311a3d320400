package com.clidecoder.hls.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.app.HlsApp;
import com.clidecoder.hls.testkit.TestConfigs;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests too malformed for any route are refused with a 4xx in the intake's JSON shape, never a 5xx. */
class UnparsableRequestTest {
  @TempDir Path dir;
  private HlsApp app;

  @BeforeEach
  void start() throws Exception {
    app = HlsApp.start(TestConfigs.load(dir, "")).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    app.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private String exchange(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", app.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void anUnknownMethodIsABadRequestNotNotImplemented() throws Exception {
    String answer = exchange("FROB /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
    assertTrue(answer.contains("\"status\":\"rejected\""), answer);
  }

  @Test
  void anUnknownProtocolVersionIsABadRequest() throws Exception {
    String answer = exchange("POST /webhook HTTP/7.3\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals("HTTP/1.1 400", answer.substring(0, 12), answer);
  }
}
