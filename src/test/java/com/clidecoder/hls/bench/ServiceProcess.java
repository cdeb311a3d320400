package com.clidecoder.hls.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as a real process ({@code java -jar target/hls.jar serve --config FILE}, or the test
 * classpath when there is no jar): started with a config written to a temp folder, its port read from
 * the line {@code serve} prints, killed with SIGKILL or stopped with SIGTERM. Reads its CPU time and
 * RSS from /proc, which is what an operator's top would show.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("HLS listening on http://[^:]+:(\\d+)");

  private final Process process;
  private final int port;
  private final long startNanos;
  private final long readyNanos;

  private ServiceProcess(Process process, int port, long startNanos, long readyNanos) {
    this.process = process;
    this.port = port;
    this.startNanos = startNanos;
    this.readyNanos = readyNanos;
  }

  /** Writes {@code hocon} to {@code dir/hls.conf} and starts the service on it; returns once it listens. */
  public static ServiceProcess start(Path dir, String hocon, List<String> jvmOptions) throws IOException {
    return start(dir, hocon, jvmOptions, Boolean.getBoolean("hls.useClasspath"));
  }

  /**
   * As {@link #start(Path, String, List)}; {@code fromClasspath} runs the test classpath even when a jar
   * exists (a test of this build's behaviour must not run a jar packaged from older sources).
   */
  public static ServiceProcess start(Path dir, String hocon, List<String> jvmOptions, boolean fromClasspath)
      throws IOException {
    ProcessBuilder pb = serve(dir, hocon, jvmOptions, fromClasspath);
    System.err.println("service logs: " + dir.resolve("stderr.log") + " and " + dir.resolve("hls.log"));
    long start = System.nanoTime();
    Process p = pb.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) port.complete(Integer.parseInt(m.group(1)));
        }
      } catch (IOException e) {
        // the process died; the wait below reports it
      }
      port.completeExceptionally(new IOException("the service exited before listening; see " + dir.resolve("stderr.log")));
    }, "service-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      int bound = port.get(120, TimeUnit.SECONDS);
      return new ServiceProcess(p, bound, start, System.nanoTime());
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IOException("service did not start: " + e.getMessage(), e);
    }
  }

  /**
   * The {@code serve} process, not started: {@code hocon} (after a free port and the log file) in
   * {@code dir/hls.conf}, the HLS/GitHub/Anthropic environment removed, stderr appended to
   * {@code dir/stderr.log}. Tests of a start that must fail run it themselves.
   */
  public static ProcessBuilder serve(Path dir, String hocon, List<String> jvmOptions, boolean fromClasspath)
      throws IOException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("hls.conf");
    Files.writeString(conf, "hls.server.port = 0\n"
        + "hls.logging.file = \"" + dir.resolve("hls.log") + "\"\n" + hocon + "\n");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    Path jar = Path.of(System.getProperty("hls.jar", "target/hls.jar")).toAbsolutePath();
    if (Files.isRegularFile(jar) && !fromClasspath) {
      cmd.addAll(List.of("-jar", jar.toString()));
    } else {
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "com.clidecoder.hls.cli.Main"));
    }
    cmd.addAll(List.of("serve", "--config", conf.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr.log").toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("HLS_") || k.startsWith("GITHUB_") || k.startsWith("ANTHROPIC_"));
    return pb;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** From exec to the "listening" line. */
  public Duration startupTime() {
    return Duration.ofNanos(readyNanos - startNanos);
  }

  /** Waits until {@code GET /health} answers 200 and returns the time since exec. */
  public Duration awaitHealthy(Duration within) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        var r = http.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return Duration.ofNanos(System.nanoTime() - startNanos);
      } catch (IOException e) {
        // not yet
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("service not healthy within " + within);
  }

  /** What /proc says about the service process. */
  public ProcStats stats() {
    return new ProcStats(pid());
  }

  public long cpuTicks() throws IOException {
    return stats().cpuTicks();
  }

  public java.util.Map<String, Long> cpuTicksByThread() throws IOException {
    return stats().cpuTicksByThread();
  }

  public long rssKiB() throws IOException {
    return stats().rssKiB();
  }

  public long peakRssKiB() throws IOException {
    return stats().peakRssKiB();
  }

  public int establishedConnections() throws IOException {
    return stats().establishedConnections();
  }

  /** SIGKILL: no shutdown hook, no drain. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM without waiting: the coordinated shutdown runs while the caller goes on. */
  public void signalStop() {
    process.destroy();
  }

  /** The exit status once the process has ended; fails when it is still running after {@code within}. */
  public int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the service did not exit within " + within);
    }
    return process.exitValue();
  }

  /** SIGTERM: the coordinated shutdown runs. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) kill();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (!process.isAlive()) return;
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
