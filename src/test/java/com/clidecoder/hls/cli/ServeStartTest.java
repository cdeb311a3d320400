package com.clidecoder.hls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.app.Version;
import com.clidecoder.hls.bench.ServiceProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} against a port already taken, as a real process; and {@code --version}. */
class ServeStartTest {
  @TempDir Path dir;

  @Test
  void aTakenPortIsOneLineAndExit69WithNothingOpened() throws Exception {
    Path data = dir.resolve("data");
    try (ServerSocket oldApi = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = oldApi.getLocalPort();
      ProcessBuilder pb = ServiceProcess.serve(dir, "hls.server.port = " + port
          + "\nhls.database.path = \"" + data.resolve("webhooks.db") + "\"", List.of("-Xmx256m"), true);
      pb.redirectOutput(dir.resolve("stdout.log").toFile());
      Process serve = pb.start();
      assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve gives up at once");

      assertEquals(69, serve.exitValue());
      List<String> err = Files.readAllLines(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
      assertEquals(List.of("hls serve: port " + port + " is in use: is the old hls-api still running?"), err);
      String out = Files.readString(dir.resolve("stdout.log"));
      assertFalse(out.contains("Exception") || out.contains("\tat "), "no stack trace on stdout either: " + out);
      assertFalse(Files.exists(data), "no database folder, file or lock was created (nothing migrated)");
    }
  }

  @Test
  void versionPrintsHlsAndTheBuildVersion() {
    for (String flag : List.of("--version", "version")) {
      CliHarness.Run run = CliHarness.run(Map.of(), flag);
      assertEquals(0, run.exit());
      assertEquals("hls " + Version.current() + "\n", run.out());
      assertFalse(Version.current().equals("unknown"), "the version comes from the build");
    }
  }
}
