package com.clidecoder.hls.store;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Real SQLite files for store tests: the validated config of a temp folder, and plain JDBC to look inside. */
final class StoreFixture {
  private StoreFixture() {}

  /** The database section of a real config whose file is {@code dir/webhooks.db}. */
  static HlsConfig.Database config(Path dir) {
    return config(dir, "");
  }

  static HlsConfig.Database config(Path dir, String hocon) {
    return TestConfigs.load(dir, hocon).hls().database();
  }

  static Database open(Path dir) {
    return Database.open(config(dir));
  }

  /** A plain connection without the pool's pragmas, to inspect a file from outside. */
  static Connection raw(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  static long queryLong(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) throw new AssertionError("no row for " + sql);
        return rs.getLong(1);
      }
    }
  }

  static String queryString(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) throw new AssertionError("no row for " + sql);
        return rs.getString(1);
      }
    }
  }

  /** The last column of every row: what EXPLAIN QUERY PLAN's detail and one-column queries return. */
  static List<String> lastColumn(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) out.add(rs.getString(n));
    }
    return out;
  }

  static long longValue(Database db, String sql, Object... params) {
    return db.read(c -> queryLong(c, sql, params));
  }

  static String stringValue(Database db, String sql, Object... params) {
    return db.read(c -> queryString(c, sql, params));
  }

  static int execute(Database db, String sql, Object... params) {
    return db.transaction(c -> EventStore.executeUpdate(c, sql, params));
  }
}
