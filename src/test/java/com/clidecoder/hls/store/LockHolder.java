package com.clidecoder.hls.store;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link InstanceLockTest}: takes the lock of {@code args[0]}, prints
 * {@code locked} and holds it until its stdin closes; prints {@code refused: ...} and exits 3 when it cannot.
 */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    InstanceLock lock;
    try {
      lock = InstanceLock.acquire(Path.of(args[0]));
    } catch (StoreException e) {
      System.out.println("refused: " + e.getMessage());
      System.exit(3);
      return;
    }
    try (lock) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() != -1) {
        // hold the lock until the parent closes our stdin
      }
    }
  }
}
