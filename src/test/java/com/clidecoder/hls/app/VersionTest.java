package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionTest {
  @Test
  void theBuildsVersionIsFilteredIn() {
    // The pom's version (x.y.z, maybe -SNAPSHOT), not the unfiltered placeholder or "unknown".
    assertTrue(Version.current().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), Version.current());
  }
}
