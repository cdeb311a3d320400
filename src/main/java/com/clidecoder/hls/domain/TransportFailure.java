package com.clidecoder.hls.domain;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Words for a call that got no answer, for error_message / github_actions.reason and /health:
 * "cannot connect to https://api.anthropic.com: connection refused", "Anthropic did not answer within
 * 60 s". pekko-http reports these as {@code StreamTcpException: Tcp command [Connect(...)] failed
 * because of java.net.ConnectException: ...}, which names neither the service nor what to check; the
 * exception itself belongs in the log.
 */
public final class TransportFailure {
  private TransportFailure() {}

  /** @param service the name users know ("Anthropic", "GitHub"); @param base the configured URL */
  public static String describe(Throwable error, String service, URI base, Duration timeout) {
    Throwable cause = unwrap(error);
    if (cause instanceof TimeoutException) return service + " did not answer within " + seconds(timeout);
    return "cannot connect to " + origin(base) + ": " + problem(cause);
  }

  /** The part after the colon: what went wrong with the connection, in a few words. */
  static String problem(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("connection refused")) return "connection refused";
      // Not "<unresolved>": pekko prints every address it connects to that way, resolved or not.
      if (t instanceof UnknownHostException || m.contains("unknownhostexception")) return "unknown host";
      if (t instanceof NoRouteToHostException || m.contains("no route to host")) return "no route to host";
      if (m.contains("connection reset") || m.contains("reset by peer")) return "connection reset";
      if (t instanceof SSLException || m.contains("ssl") || m.contains("tls")) return "TLS handshake failed";
      if (t instanceof SocketTimeoutException || m.contains("connect timeout") || m.contains("timed out")) {
        return "connection timed out";
      }
      if (m.contains("connection was closed") || m.contains("closed unexpectedly")
          || m.contains("connection closed")) {
        return "the connection was closed before the answer was complete";
      }
      if (t instanceof ConnectException) return "connection failed";
    }
    return "the connection failed (" + unwrap(error).getClass().getSimpleName() + ")";
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String origin(URI base) {
    String s = base.getScheme() + "://" + base.getHost();
    return base.getPort() < 0 ? s : s + ":" + base.getPort();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
