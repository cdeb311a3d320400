package com.clidecoder.hls.config;

import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.clidecoder.hls.spool.SpoolLocation;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hls.spool}: defaults, the environment variable, bad values, and the one rule for a relative dir. */
class SpoolConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsAreSpoolAndThirtySecondsAndHlsSpoolDirOverridesTheFile() {
    HlsConfig.Spool defaults = ConfigLoader.defaults().hls().spool();
    assertEquals(Path.of("spool"), defaults.dir());
    assertEquals(Duration.ofSeconds(30), defaults.drainInterval());
    HlsConfig.Spool fromEnv = ConfigLoader.load(Optional.empty(), Map.of("HLS_SPOOL_DIR", "/var/spool/hls")).hls().spool();
    assertEquals(Path.of("/var/spool/hls"), fromEnv.dir());
  }

  @Test
  void zeroIntervalAFileAsDirAndAnUnknownKeyAreNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    ConfigProblems p = assertThrows(ConfigProblems.class, () -> TestConfigs.load(dir,
        "hls.spool { drain-interval = 0s, dir = \"" + file + "\", drian-interval = 5s }"));
    assertEquals(3, p.problems().size(), String.join("\n", p.problems()));
    String all = String.join("\n", p.problems());
    assertContains(all, "hls.spool.drain-interval", "greater than zero", "hls.spool.dir", "a folder path",
        "hls.spool.drian-interval: unknown key");
  }

  @Test
  void aRelativeDirIsTakenFromHlsHomeElseTheWorkingDirectory() {
    assertEquals(Path.of("/opt/hls/spool"), SpoolLocation.resolve(Path.of("spool"), Map.of("HLS_HOME", "/opt/hls")));
    assertEquals(Path.of("/srv/spool"), SpoolLocation.resolve(Path.of("/srv/spool"), Map.of("HLS_HOME", "/opt/hls")));
    assertEquals(Path.of("spool").toAbsolutePath(), SpoolLocation.resolve(Path.of("spool"), Map.of()));
  }
}
