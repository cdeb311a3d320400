package com.clidecoder.hls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units of {@code deploy/} as systemd itself reads them ({@code systemd-analyze verify}):
 * a misspelt directive or a broken OnFailure= name is caught here, not on the operator's box. Only the
 * install paths, which do not exist on a build machine, are forgiven.
 */
class DeployUnitsTest {
  private static final Path DEPLOY = Path.of(System.getProperty("hls.project.dir", ".")).resolve("deploy").toAbsolutePath();

  @Test
  void everyUnitVerifies(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
        "systemd-analyze is not installed here: the deploy units are not verified");
    List<String> units = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY)) {
      for (Path f : files.filter(f -> f.toString().matches(".*\\.(service|timer|path)$")).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
        units.add(dir.resolve(f.getFileName()).toString());
      }
    }
    assertTrue(units.stream().anyMatch(u -> u.endsWith("hls-alert@.service")), units.toString());
    List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
    command.addAll(units);
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    List<String> problems = out.lines()
        .filter(l -> !l.contains("is not executable: No such file or directory"))
        .filter(l -> !l.isBlank())
        .toList();
    assertEquals(List.of(), problems, out);
  }
}
