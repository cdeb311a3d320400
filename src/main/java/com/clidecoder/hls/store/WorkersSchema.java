package com.clidecoder.hls.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A database written by the old Python workers: the seed schema's tables (migration 001) but
 * {@code user_version} 0, because the workers never set it. HLS adopts such a file as version 1 when
 * every table and column of the seed schema is there, so the migration README's "migrates the workers'
 * database in place" holds; anything else that has tables at version 0 is refused, naming what is missing.
 */
final class WorkersSchema {
  private WorkersSchema() {}

  /** Whether a version-0 file already has tables (a fresh file has none). */
  static boolean hasTables(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }

  /**
   * Checks the file against the seed schema and returns the statements that make it version 1: the
   * seed's indexes, created where missing, then the version itself. Throws a StoreException naming each
   * missing table or column, and {@code notSeedDocument}: how the file differs from the seed document's schema.sql.
   */
  static List<String> adopt(Connection c, String seedSql, Path path, List<String> notSeedDocument) throws SQLException {
    Map<String, Set<String>> expected = seedColumns(seedSql);
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Set<String>> table : expected.entrySet()) {
      Set<String> present = columns(c, table.getKey());
      if (present.isEmpty()) {
        missing.add("table " + table.getKey());
        continue;
      }
      for (String column : table.getValue()) {
        if (!present.contains(column)) missing.add("column " + table.getKey() + "." + column);
      }
    }
    if (!missing.isEmpty()) {
      throw new StoreException("database " + path + " has tables but no schema version (user_version 0), and it"
          + " is not the Python workers' schema either: missing " + String.join(", ", missing)
          + "; nor the seed document's schema.sql: " + String.join(", ", notSeedDocument)
          + ". The file is unchanged; point hls.database.path at another file or restore a backup.", null);
    }
    List<String> statements = new ArrayList<>();
    for (String statement : Migrations.statements(seedSql)) {
      if (statement.startsWith("CREATE INDEX ")) {
        statements.add("CREATE INDEX IF NOT EXISTS " + statement.substring("CREATE INDEX ".length()));
      }
    }
    statements.add("PRAGMA user_version = 1");
    return statements;
  }

  /** The seed schema's tables and columns, read from the migration itself applied to a scratch database. */
  private static Map<String, Set<String>> seedColumns(String seedSql) throws SQLException {
    Map<String, Set<String>> tables = new LinkedHashMap<>();
    try (Connection scratch = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement s = scratch.createStatement()) {
      for (String statement : Migrations.statements(seedSql)) s.executeUpdate(statement);
      List<String> names = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
        while (rs.next()) names.add(rs.getString(1));
      }
      for (String name : names) tables.put(name, columns(scratch, name));
    }
    return tables;
  }

  static Set<String> columns(Connection c, String table) throws SQLException {
    Set<String> names = new LinkedHashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_info('" + table.replace("'", "''") + "')")) {
      while (rs.next()) names.add(rs.getString(1));
    }
    return names;
  }
}
