package com.clidecoder.hls.store;

import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLockTest {
  @TempDir Path dir;

  @Test
  void aSecondServiceOnTheSameDatabaseIsRefusedWithAClearMessage() {
    Path db = dir.resolve("data/webhooks.db");
    InstanceLock first = InstanceLock.acquire(db);
    try {
      StoreException refused = assertThrows(StoreException.class, () -> InstanceLock.acquire(db));
      assertContains(refused.getMessage(), "another HLS service is already using", db.toString());
      // Asking again, even by another spelling of the path, gives the same answer.
      assertThrows(StoreException.class, () -> InstanceLock.acquire(dir.resolve("data/../data/./webhooks.db")));
    } finally {
      first.close();
    }
    assertTrue(Files.exists(dir.resolve("data/webhooks.db.lock")));
  }

  @Test
  void aLockHeldByAnotherProcessIsRefusedUntilThatProcessEnds() throws Exception {
    Path db = dir.resolve("webhooks.db");
    Process holder = startHolder(db);
    try {
      assertEquals("locked", firstVerdict(holder), "the child JVM took the lock");

      StoreException refused = assertThrows(StoreException.class, () -> InstanceLock.acquire(db));
      assertContains(refused.getMessage(), "another HLS service is already using", db.toString());

      holder.getOutputStream().close();
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the child JVM exits when its stdin closes");
      assertEquals(0, holder.exitValue());
    } finally {
      holder.destroyForcibly();
    }
    try (InstanceLock mine = assertDoesNotThrow(() -> InstanceLock.acquire(db))) {
      assertTrue(mine != null);
    }
  }

  @Test
  void aRefusedSecondAttemptInThisJvmKeepsTheFirstLockAgainstOtherProcesses() throws Exception {
    Path db = dir.resolve("webhooks.db");
    InstanceLock first = InstanceLock.acquire(db);
    try {
      assertThrows(StoreException.class, () -> InstanceLock.acquire(db));

      // POSIX record locks belong to the process: closing any channel on the file would have dropped them.
      Process other = startHolder(db);
      try {
        String verdict = firstVerdict(other);
        assertTrue(verdict != null && verdict.startsWith("refused: another HLS service"), "child said: " + verdict);
        assertTrue(other.waitFor(30, TimeUnit.SECONDS));
        assertEquals(3, other.exitValue());
      } finally {
        other.destroyForcibly();
      }
    } finally {
      first.close();
    }
  }

  private static Process startHolder(Path db) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
        db.toString()).redirectErrorStream(true).start();
  }

  /** The child's first line that says what happened, skipping any log output before it. */
  private static String firstVerdict(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    do {
      line = out.readLine();
    } while (line != null && !line.equals("locked") && !line.startsWith("refused: "));
    return line;
  }

  @Test
  void releasingTheLockLetsTheNextServiceIn() {
    Path db = dir.resolve("webhooks.db");
    InstanceLock first = InstanceLock.acquire(db);
    first.close();

    InstanceLock second = assertDoesNotThrow(() -> InstanceLock.acquire(db));
    assertThrows(StoreException.class, () -> InstanceLock.acquire(db));
    second.close();
  }

  @Test
  void differentDatabasesDoNotShareALock() {
    try (InstanceLock a = InstanceLock.acquire(dir.resolve("a.db"));
        InstanceLock b = InstanceLock.acquire(dir.resolve("b.db"))) {
      assertDoesNotThrow(() -> a.toString() + b);
    }
  }

  @Test
  void closingTwiceIsHarmless() {
    InstanceLock lock = InstanceLock.acquire(dir.resolve("webhooks.db"));
    lock.close();
    assertDoesNotThrow(lock::close);
  }
}
