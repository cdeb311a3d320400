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
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Applies the versioned SQL files of {@code db/} (listed in {@code db/migrations.list}, packaged in the
 * jar). The applied version lives in {@code PRAGMA user_version}; pending migrations run in one
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
    migrate(path, base, available().stream().map(file -> "db/" + file).toList());
  }

  /**
   * Applies the migration resources (version N is the N-th) that the file does not have yet, all in
   * one transaction: either the file reaches the last version or it is left exactly as it was.
   */
  static void migrate(Path path, SQLiteConfig base, List<String> resources) {
    try (Connection c = migrationConfig(base).createConnection("jdbc:sqlite:" + path)) {
      int fileVersion = userVersion(c);
      if (fileVersion > resources.size()) {
        throw new StoreException(
            "database " + path + " has schema version " + fileVersion + " but this HLS knows versions up to "
                + resources.size() + ": run a newer HLS or restore a backup", null);
      }
      int from = fileVersion;
      Adoption adoption = Adoption.NONE;
      if (fileVersion == 0 && WorkersSchema.hasTables(c)) {
        adoption = adoption(c, path, resource(resources.get(0))); // ends by setting version 1
        from = 1;
      }
      if (from < resources.size() || adoption != Adoption.NONE) applyAll(c, fileVersion, from, resources, path, adoption);
      // Only now, with the schema known good, switch the journal (once per file; the pool asks again).
      String journal = base.toProperties().getProperty(SQLiteConfig.Pragma.JOURNAL_MODE.pragmaName);
      if (journal != null) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA journal_mode = " + journal);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot open database " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Statements that make a version-0 file with tables version 1, run first in the migrations' transaction;
   * {@code finish} runs after the last migration.
   */
  private record Adoption(String schema, List<String> statements, List<String> finish) {
    static final Adoption NONE = new Adoption("", List.of(), List.of());
  }

  /**
   * The seed document's file (checked, copied beside itself, then converted) or the Python workers' one;
   * anything else is refused naming how it differs from both.
   */
  private static Adoption adoption(Connection c, Path path, String version1Sql) throws SQLException {
    List<String> notSeedDocument = SeedSchema.differences(c);
    if (!notSeedDocument.isEmpty()) {
      return new Adoption("python-workers", WorkersSchema.adopt(c, version1Sql, path, notSeedDocument), List.of());
    }
    SeedSchema.checkTimestamps(c, path);
    Path backup = SeedSchema.backup(c, path, java.time.Instant.now());
    log.info("event=backed-up database={} backup={} reason=\"taking over the seed's database\"", path, backup);
    SeedSchema.registerFunctions(c);
    return new Adoption("seed-document", SeedSchema.adopt(version1Sql), SeedSchema.afterMigrations());
  }

  /**
   * The pool's settings minus two. Foreign keys off: table rebuilds drop tables that others reference,
   * and with foreign keys on that would cascade deletes. No journal_mode: switching to WAL rewrites the
   * header, so a refused or failed migration would not leave the file as it was; WAL comes after.
   * The properties are copied because {@code SQLiteConfig} keeps (and mutates) the object it is given.
   */
  private static SQLiteConfig migrationConfig(SQLiteConfig base) {
    Properties props = new Properties();
    props.putAll(base.toProperties());
    props.remove(SQLiteConfig.Pragma.JOURNAL_MODE.pragmaName);
    SQLiteConfig config = new SQLiteConfig(props);
    config.enforceForeignKeys(false);
    return config;
  }

  /**
   * Runs {@code adoption} (the statements that make a workers' or seed file version 1, else none), every
   * migration after version {@code from} and the adoption's finish, in one transaction.
   */
  private static void applyAll(Connection c, int fileVersion, int from, List<String> resources, Path path,
      Adoption adoption) throws SQLException {
    String step = adoption == Adoption.NONE ? fileName(resources.get(from)) : "adoption of the " + adoption.schema() + " tables";
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String statement : adoption.statements()) s.executeUpdate(statement);
      for (int v = from + 1; v <= resources.size(); v++) {
        step = fileName(resources.get(v - 1));
        for (String statement : statements(resource(resources.get(v - 1)))) s.executeUpdate(statement);
        try (ResultSet fk = s.executeQuery("PRAGMA foreign_key_check")) {
          if (fk.next()) throw new SQLException("foreign key check failed in table " + fk.getString(1));
        }
        s.executeUpdate("PRAGMA user_version = " + v);
      }
      step = "adoption of the " + adoption.schema() + " tables (after the migrations)";
      for (String statement : adoption.finish()) s.executeUpdate(statement);
      if (adoption.schema().equals("seed-document")) SeedSchema.pauseForTests();
      c.commit();
      if (adoption != Adoption.NONE) log.info("event=adopted database={} schema={} as_version=1", path, adoption.schema());
      log.info("event=migrated database={} from_version={} to_version={}", path, from, resources.size());
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw new StoreException(
          "migration " + step + " failed on " + path + " (the file is unchanged, still at version "
              + fileVersion + "): " + e.getMessage(), e);
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static String fileName(String resource) {
    return resource.substring(resource.lastIndexOf('/') + 1);
  }

  static int userVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /**
   * Splits a migration into statements: each ends with ';' at the end of a line; '--' lines are comments.
   * A {@code CREATE TRIGGER} holds statements of its own and ends at its {@code END;} line.
   */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) continue;
      boolean trigger = (current.isEmpty() ? trimmed : current.toString().strip()).toUpperCase().startsWith("CREATE TRIGGER");
      current.append(line).append('\n');
      if (trigger ? trimmed.equalsIgnoreCase("END;") : trimmed.endsWith(";")) {
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
