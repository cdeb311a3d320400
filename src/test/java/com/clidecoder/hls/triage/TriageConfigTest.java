package com.clidecoder.hls.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.config.ConfigProblems;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriageConfigTest {
  @Test
  void defaultsNameTheModelsFolderAndAConfidenceThreshold() {
    HlsConfig.Triage triage = ConfigLoader.defaults().hls().triage();
    assertEquals(Path.of("models"), triage.modelsDir());
    assertEquals(0.6, triage.minConfidence());
  }

  @Test
  void aConfidenceOutsideZeroToOneIsAConfigProblem(@TempDir Path dir) {
    ConfigProblems e = assertThrows(ConfigProblems.class, () -> TestConfigs.load(dir, "hls.triage.min-confidence = 1.5"));
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("hls.triage.min-confidence")), e.problems().toString());
    assertEquals(0.8, TestConfigs.load(dir, "hls.triage { min-confidence = 0.8, models-dir = \"m\" }").hls().triage().minConfidence());
  }
}
