package com.clidecoder.hls.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Constant-rate (open-loop) load on the intake: request i is due at {@code start + i / rate} whether
 * or not earlier ones were answered, and its latency is counted from that due time, so a stalled
 * server shows up in the percentiles instead of slowing the sender (no coordinated omission).
 * Keep-alive connections on plain sockets; each request is a real fixture payload with a unique
 * delivery id.
 *
 * <p>The first {@code -Dhls.pacedLeadIn} seconds (default 2) are sent at the same rate but not counted:
 * this sender is a fresh JVM opening its connections, and its own cold start (64 connects and the JIT of
 * its threads at once) held the first half second of every run 100-375 ms late, 2.5% of a 20 s run and
 * so all of its p99. Like wrk2's calibration period, the figures are the steady state; the lead-in's own
 * p99 and max are printed beside them. {@code statuses} counts every request sent, lead-in included (the
 * benchmark checks each 202 is in the database).
 *
 * <p>Usage: {@code PacedLoad PORT FIXTURES_DIR RATE SECONDS CONNECTIONS RUN_ID}; prints one
 * {@code PACED ...} line. {@code -Dhls.pacedTrace=FILE} also writes each request's due time and latency
 * (lead-in included, at negative times).
 */
public final class PacedLoad {
  private PacedLoad() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    List<Fixtures.Delivery> payloads = Fixtures.queued(Path.of(args[1]));
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int connections = Integer.parseInt(args[4]);
    String runId = args[5];
    double leadInSeconds = Double.parseDouble(System.getProperty("hls.pacedLeadIn", "2"));
    int leadIn = (int) Math.round(rate * leadInSeconds);
    int total = leadIn + rate * seconds;
    long[] dueNanos = new long[total];
    long[] latencyNanos = new long[total];
    Arrays.fill(latencyNanos, -1);
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicInteger ioErrors = new AtomicInteger();
    BlockingQueue<Integer> due = new LinkedBlockingQueue<>();

    Thread[] workers = new Thread[connections];
    for (int w = 0; w < connections; w++) {
      workers[w] = new Thread(() -> {
        Socket socket = null;
        InputStream in = null;
        try {
          while (true) {
            int i = due.take();
            if (i < 0) break;
            Fixtures.Delivery d = payloads.get(i % payloads.size());
            byte[] head = ("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-GitHub-Event: " + d.event() + "\r\nX-GitHub-Delivery: " + runId + "-" + i + "\r\n"
                + "Content-Length: " + d.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
              if (socket == null) {
                socket = connect(port);
                in = new BufferedInputStream(socket.getInputStream());
              }
              OutputStream out = socket.getOutputStream();
              out.write(head);
              out.write(d.body());
              out.flush();
              int status = readResponse(in);
              latencyNanos[i] = System.nanoTime() - dueNanos[i];
              statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            } catch (IOException e) {
              ioErrors.incrementAndGet();
              if (socket != null) socket.close();
              socket = null;
            }
          }
        } catch (InterruptedException | IOException e) {
          Thread.currentThread().interrupt();
        }
      }, "paced-" + w);
      workers[w].start();
    }
    double interval = 1e9 / rate;
    long start = System.nanoTime() + 50_000_000L + (long) (leadIn * interval); // the measured window's start
    for (int i = 0; i < total; i++) {
      dueNanos[i] = start + (long) ((i - leadIn) * interval);
      long wait = dueNanos[i] - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      due.add(i);
    }
    for (int w = 0; w < connections; w++) due.add(-1);
    for (Thread t : workers) t.join();
    double elapsed = (System.nanoTime() - start) / 1e9;
    String trace = System.getProperty("hls.pacedTrace");
    if (trace != null) writeTrace(Path.of(trace), start, dueNanos, latencyNanos);
    long[] done = Arrays.stream(latencyNanos, leadIn, total).filter(l -> l >= 0).sorted().toArray();
    long[] leadInDone = Arrays.stream(latencyNanos, 0, leadIn).filter(l -> l >= 0).sorted().toArray();
    Map<Integer, AtomicInteger> sorted = new TreeMap<>(statuses);
    System.out.printf("PACED offered_per_s=%d requests=%d answered=%d achieved_per_s=%.0f p50_ms=%.2f p90_ms=%.2f"
            + " p99_ms=%.2f p999_ms=%.2f max_ms=%.2f lead_in_s=%s lead_in_p99_ms=%.2f lead_in_max_ms=%.2f"
            + " io_errors=%d sent=%d statuses=%s%n",
        rate, total - leadIn, done.length, done.length / elapsed, pct(done, 50), pct(done, 90), pct(done, 99),
        pct(done, 99.9), max(done), leadInSeconds, pct(leadInDone, 99), max(leadInDone), ioErrors.get(), total, sorted);
  }

  /** One line per request, for finding when the slow ones happened: due time and latency, in ms from the start. */
  private static void writeTrace(Path file, long start, long[] dueNanos, long[] latencyNanos) throws IOException {
    // The wall-clock time of the measured window's start, to line requests up with the service's log.
    long startEpochMs = System.currentTimeMillis() + (start - System.nanoTime()) / 1_000_000;
    StringBuilder out = new StringBuilder("# start_epoch_ms=" + startEpochMs + "\ndue_ms latency_ms\n");
    for (int i = 0; i < dueNanos.length; i++) {
      out.append(String.format("%.3f %.3f%n", (dueNanos[i] - start) / 1e6, latencyNanos[i] / 1e6));
    }
    java.nio.file.Files.writeString(file, out);
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(60_000);
    return s;
  }

  /** Reads one HTTP/1.1 response (Content-Length body) and returns its status. */
  static int readResponse(InputStream raw) throws IOException {
    InputStream in = raw;
    StringBuilder line = new StringBuilder();
    int status = -1;
    long length = 0;
    boolean first = true;
    while (true) {
      line.setLength(0);
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) throw new IOException("connection closed");
        if (b != '\r') line.append((char) b);
      }
      if (line.length() == 0) break;
      String l = line.toString();
      if (first) {
        status = Integer.parseInt(l.split(" ")[1]);
        first = false;
      } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Long.parseLong(l.substring(15).trim());
      }
    }
    in.readNBytes((int) length);
    return status;
  }

  private static double max(long[] sorted) {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
  }
}
