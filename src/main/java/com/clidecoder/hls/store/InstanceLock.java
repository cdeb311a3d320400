package com.clidecoder.hls.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One service per database file. Holding this lock is what lets a starting service return every
 * {@code processing} row to the queue at once: no other process can be working on them.
 */
public final class InstanceLock implements AutoCloseable {
  /**
   * Lock files held by this JVM. A second attempt here must not even open the file: the OS lock
   * belongs to the process, and closing any channel on the file would drop the holder's lock.
   */
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;

  private InstanceLock(Path lockFile, FileChannel channel, FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code <database>.lock} beside the database, or throws saying another service holds it. */
  public static InstanceLock acquire(Path databasePath) {
    Path lockFile = databasePath.toAbsolutePath().resolveSibling(databasePath.getFileName() + ".lock");
    try {
      Files.createDirectories(lockFile.getParent());
      lockFile = lockFile.getParent().toRealPath().resolve(lockFile.getFileName());
    } catch (IOException e) {
      throw new StoreException("cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
    if (!HELD_IN_THIS_JVM.add(lockFile)) throw alreadyInUse(databasePath, lockFile);
    try {
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw alreadyInUse(databasePath, lockFile);
      }
      return new InstanceLock(lockFile, channel, lock);
    } catch (IOException | RuntimeException e) {
      HELD_IN_THIS_JVM.remove(lockFile);
      if (e instanceof StoreException s) throw s;
      throw new StoreException("cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
  }

  private static StoreException alreadyInUse(Path databasePath, Path lockFile) {
    return new StoreException("another HLS service is already using " + databasePath + " (lock " + lockFile + ")", null);
  }

  /** Releases the lock; closing again does nothing. */
  @Override
  public void close() {
    if (!channel.isOpen()) return;
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new StoreException("cannot release the instance lock: " + e.getMessage(), e);
    } finally {
      HELD_IN_THIS_JVM.remove(lockFile);
    }
  }
}
