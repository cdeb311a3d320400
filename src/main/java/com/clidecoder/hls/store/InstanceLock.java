package com.clidecoder.hls.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One service per database file. Holding this lock is what lets a starting service return every
 * {@code processing} row to the queue at once: no other process can be working on them.
 */
public final class InstanceLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private InstanceLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static InstanceLock acquire(Path databasePath) {
    Path lockFile = databasePath.toAbsolutePath().resolveSibling(databasePath.getFileName() + ".lock");
    try {
      Files.createDirectories(lockFile.getParent());
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new StoreException("another HLS service is already using " + databasePath + " (lock " + lockFile + ")", null);
      }
      return new InstanceLock(channel, lock);
    } catch (IOException e) {
      throw new StoreException("cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new StoreException("cannot release the instance lock: " + e.getMessage(), e);
    }
  }
}
