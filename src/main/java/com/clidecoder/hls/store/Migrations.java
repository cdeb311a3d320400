package com.clidecoder.hls.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Applies the versioned SQL files of {@code db/} (listed in {@code db/migrations.list}, packaged in the
 * jar). The applied version lives in {@code PRAGMA user_version}; each migration runs in one
 * transaction, so a failure leaves the file as it was.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /** The migration file names, in order; version N is the N-th. */
  public static List<String> available() {
    String list = resource("db/migrations.list");
    List<String> names = new ArrayList<>();
    for (String line : list.split("\n")) {
      if (!line.isBlank()) names.add(line.strip());
    }
    return names;
  }

  static void migrate(Path path, SQLiteConfig base) {
    SQLiteConfig config = new SQLiteConfig(base.toProperties());
    // Table rebuilds drop tables that others reference; with foreign keys on that would cascade deletes.
    config.enforceForeignKeys(false);
    List<String> files = available();
    try (Connection c = config.createConnection("jdbc:sqlite:" + path)) {
      int current = userVersion(c);
      if (current > files.size()) {
        throw new StoreException(
            "database " + path + " has schema version " + current + " but this HLS knows versions up to "
                + files.size() + ": run a newer HLS or restore a backup", null);
      }
      for (int v = current + 1; v <= files.size(); v++) {
        apply(c, v, files.get(v - 1), path);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot open database " + path + ": " + e.getMessage(), e);
    }
  }

  private static void apply(Connection c, int version, String file, Path path) throws SQLException {
    String sql = resource("db/" + file);
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String statement : statements(sql)) s.executeUpdate(statement);
      try (ResultSet fk = s.executeQuery("PRAGMA foreign_key_check")) {
        if (fk.next()) throw new SQLException("foreign key check failed in table " + fk.getString(1));
      }
      s.executeUpdate("PRAGMA user_version = " + version);
      c.commit();
      log.info("event=migrated database={} version={} file={}", path, version, file);
    } catch (SQLException e) {
      c.rollback();
      throw new StoreException(
          "migration " + file + " failed on " + path + " (the file is unchanged): " + e.getMessage(), e);
    } finally {
      c.setAutoCommit(true);
    }
  }

  static int userVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /** Splits a migration into statements: each ends with ';' at the end of a line; '--' lines are comments. */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) continue;
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        out.add(current.toString().strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) out.add(current.toString().strip());
    return out;
  }

  private static String resource(String name) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name + " in the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + name, e);
    }
  }
}
