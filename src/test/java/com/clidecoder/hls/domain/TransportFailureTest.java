package com.clidecoder.hls.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class TransportFailureTest {
  private static final URI ANTHROPIC = URI.create("https://api.anthropic.com");

  /** The shape pekko-http reports a failed connect in: the real cause is only in the text. */
  private static RuntimeException pekko(String cause) {
    return new RuntimeException("Tcp command [Connect(api.anthropic.com/<unresolved>:443,None,List(),Some(10 seconds),"
        + "true)] failed because of " + cause);
  }

  @Test
  void pekkosConnectFailuresReadAsWords() {
    assertEquals("cannot connect to https://api.anthropic.com: connection refused", TransportFailure.describe(
        new CompletionException(pekko("java.net.ConnectException: Connection refused")), "Anthropic", ANTHROPIC,
        Duration.ofSeconds(60)));
    assertEquals("cannot connect to https://api.anthropic.com: unknown host", TransportFailure.describe(
        pekko("java.net.UnknownHostException: api.anthropic.com"), "Anthropic", ANTHROPIC, Duration.ofSeconds(60)));
    assertEquals("cannot connect to https://api.anthropic.com: unknown host", TransportFailure.describe(
        new UnknownHostException("x"), "Anthropic", ANTHROPIC, Duration.ofSeconds(60)));
    assertEquals("cannot connect to http://127.0.0.1:9: connection reset", TransportFailure.describe(
        new RuntimeException("wrapped", new java.io.IOException("Connection reset by peer")), "GitHub",
        URI.create("http://127.0.0.1:9/api"), Duration.ofSeconds(5)));
    assertEquals("cannot connect to https://api.anthropic.com: connection failed", TransportFailure.describe(
        new ConnectException(), "Anthropic", ANTHROPIC, Duration.ofSeconds(60)));
  }

  @Test
  void aTimeoutSaysWhoDidNotAnswerAndHowLongWeWaited() {
    assertEquals("Anthropic did not answer within 60 s", TransportFailure.describe(
        new CompletionException(new TimeoutException()), "Anthropic", ANTHROPIC, Duration.ofSeconds(60)));
    assertEquals("GitHub did not answer within 1500 ms", TransportFailure.describe(
        new TimeoutException(), "GitHub", ANTHROPIC, Duration.ofMillis(1500)));
  }

  @Test
  void anythingElseNamesTheKindButNotItsText() {
    String words = TransportFailure.describe(new IllegalStateException("Tcp command [Connect(...)] internal"), "GitHub",
        URI.create("https://api.github.com"), Duration.ofSeconds(5));
    assertEquals("cannot connect to https://api.github.com: the connection failed (IllegalStateException)", words);
  }
}
