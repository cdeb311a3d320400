package com.clidecoder.hls.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Another process's write lock on a SQLite file, as a second connection holding {@code BEGIN EXCLUSIVE}:
 * HLS's writer then waits its busy-timeout and fails, which is how "the database cannot commit" looks.
 */
public final class WriteLock implements AutoCloseable {
  private final Connection connection;

  private WriteLock(Connection connection) {
    this.connection = connection;
  }

  public static WriteLock hold(Path database) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN EXCLUSIVE");
    }
    return new WriteLock(c);
  }

  @Override
  public void close() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("ROLLBACK");
    } finally {
      connection.close();
    }
  }
}
