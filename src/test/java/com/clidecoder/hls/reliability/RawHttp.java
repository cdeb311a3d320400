package com.clidecoder.hls.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One HTTP exchange on a fresh socket with exactly the bytes given, malformed or not. */
final class RawHttp {
  private RawHttp() {}

  /**
   * Sends {@code head} then {@code body} ({@code bytesPerPause} bytes, then {@code pauseMillis}, when
   * slow) and returns the response status, or -1 when the server closed without a status line.
   */
  static int exchange(int port, byte[] head, byte[] body, int bytesPerPause, long pauseMillis) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(90_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(head);
        if (pauseMillis <= 0) {
          out.write(body);
        } else {
          for (int i = 0; i < body.length; i += bytesPerPause) {
            if (s.getInputStream().available() > 0) break; // answered already (408): stop sending, read it
            out.write(body, i, Math.min(bytesPerPause, body.length - i));
            out.flush();
            Thread.sleep(pauseMillis);
          }
        }
        out.flush();
      } catch (IOException e) {
        // The server may answer (413, 431) and close before the whole request is sent: read the answer.
      }
      return status(s.getInputStream());
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static byte[] head(String method, String contentType, String... headers) {
    StringBuilder b = new StringBuilder(method).append(" /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if (contentType != null) b.append("Content-Type: ").append(contentType).append("\r\n");
    for (String h : headers) b.append(h).append("\r\n");
    return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static int status(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') line.write(c);
    String l = line.toString(StandardCharsets.ISO_8859_1);
    String[] parts = l.split(" ");
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) return -1;
    return Integer.parseInt(parts[1]);
  }
}
