package com.clidecoder.hls.store;

import com.clidecoder.hls.config.HlsConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite file behind a HikariCP pool: WAL, {@code synchronous=FULL}, {@code busy_timeout},
 * foreign keys, and every write transaction started with {@code BEGIN IMMEDIATE} so two writers
 * never deadlock on a lock upgrade. Everything SQLite-specific stays in this package.
 */
public final class Database implements AutoCloseable {
  private final Path path;
  /** The -wal and -shm files beside it, checked with it while work runs (see {@link #readOnlyFile}). */
  private final List<Path> sideFiles;
  private final HikariDataSource pool;
  private final GroupCommit writes;
  private final WalCheckpointer checkpointer;
  private volatile String writeTrouble;

  private Database(Path path, HikariDataSource pool, DataSource checkpointSource) throws SQLException {
    this.path = path;
    this.sideFiles = List.of(path.resolveSibling(path.getFileName() + "-wal"), path.resolveSibling(path.getFileName() + "-shm"));
    this.pool = pool;
    this.writes = new GroupCommit(pool, this::refuseWhileReadOnly);
    this.checkpointer = WalCheckpointer.open(checkpointSource, writes, this::mayCheckpoint, true);
  }

  /** Creates the folder, migrates the schema and opens the pool. */
  public static Database open(HlsConfig.Database config) {
    Path path = config.path().toAbsolutePath();
    try {
      Files.createDirectories(path.getParent());
    } catch (IOException e) {
      throw new StoreException("cannot create database folder " + path.getParent() + ": " + e.getMessage(), e);
    }
    SQLiteConfig sqlite = sqliteConfig(config);
    Migrations.migrate(path, sqlite);
    SQLiteDataSource source = new SQLiteDataSource(sqlite);
    source.setUrl("jdbc:sqlite:" + path);
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(source);
    hikari.setPoolName("hls-sqlite");
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setAutoCommit(true);
    hikari.setConnectionTimeout(Math.max(250, config.busyTimeout().toMillis() * 2));
    // Fail fast is not wanted: a locked or missing file is reported by /health, not at pool start.
    hikari.setInitializationFailTimeout(-1);
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      return new Database(path, pool, source);
    } catch (SQLException e) {
      pool.close();
      throw new StoreException("cannot open the checkpoint connection to " + path + ": " + e.getMessage(), e);
    }
  }

  static SQLiteConfig sqliteConfig(HlsConfig.Database config) {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    sqlite.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.busyTimeout().toMillis()));
    sqlite.enforceForeignKeys(true);
    sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    // Checkpoints run on a thread of their own (WalCheckpointer), not inside a commit; this one is the
    // backstop that keeps the WAL bounded if that thread falls behind or skips rounds.
    sqlite.setWalAutocheckpoint(WalCheckpointer.BACKSTOP_PAGES);
    return sqlite;
  }

  public Path path() {
    return path;
  }

  /** Runs {@code work} in autocommit mode (reads, or single statements). */
  public <T> T read(SqlFunction<T> work) {
    return withConnection(true, work);
  }

  /** Runs {@code work} on a pooled connection, refused when {@code checked} and the files are read-only (checked once the pool answered). */
  private <T> T withConnection(boolean checked, SqlFunction<T> work) {
    try (Connection c = pool.getConnection()) {
      if (checked) refuseWhileReadOnly();
      return work.apply(c);
    } catch (SQLException e) {
      throw new StoreException("database error: " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code work} in a write transaction; it is committed when work returns, rolled back when it
   * throws. Concurrent callers share one transaction and one fsync (see {@link GroupCommit}), which
   * refuses each batch right before its BEGIN while the files are read-only ({@link #refuseWhileReadOnly}).
   * BEGIN IMMEDIATE and COMMIT are issued as statements on an autocommit connection:
   * sqlite-jdbc's own commit() starts the next transaction at once, which with IMMEDIATE takes the
   * write lock again and can fail after the data is committed (a false error for a durable write).
   */
  public <T> T transaction(SqlFunction<T> work) {
    try {
      T result = writes.run(work);
      writeTrouble = null;
      return result;
    } catch (SQLException e) {
      if (isFileTrouble(e)) writeTrouble = e.getMessage();
      throw new StoreException("database error: " + e.getMessage(), e);
    }
  }

  /**
   * Why the last write failed, while the file cannot take writes (locked, read-only, full, I/O error);
   * empty once a write succeeds. A read answers in those cases too, so {@link #ping} alone can't tell.
   */
  public Optional<String> writeTrouble() {
    return Optional.ofNullable(writeTrouble);
  }

  /**
   * Refuses work before SQLite sees it while a file fails {@code access(W_OK)}. SQLite writes the shm
   * through a shared mapping as a step of ordinary work: a read that starts after a commit records its
   * read mark there, a write into a fully checkpointed WAL restarts it there first. On a file that
   * turned immutable or read-only that store kills the process with SIGBUS instead of failing, so even
   * reads wait for the trouble to end. (A check cannot close the window between itself and the store;
   * it shrinks it from the whole trouble to a few milliseconds.)
   */
  private void refuseWhileReadOnly() {
    Optional<Path> readOnly = readOnlyFile();
    if (readOnly.isEmpty()) return;
    writeTrouble = Files.exists(readOnly.get())
        ? "database file does not take writes (read-only or immutable): " + readOnly.get()
        // Deleted or unmounted under us: SQLite would go on writing into a file that no longer has this
        // name, and a restart would not find what it acknowledged.
        : "database file is missing: " + readOnly.get();
    throw new StoreException("database error: " + writeTrouble, null);
  }

  /**
   * Whether a checkpoint may touch the files now: no write is failing and every file takes writes
   * (a checkpoint writes the shm through a mapping, see {@link WalCheckpointer}).
   */
  boolean mayCheckpoint() {
    return writeTrouble == null && readOnlyFile().isEmpty();
  }

  /**
   * The first of the database, WAL and shm files that fails {@code access(W_OK)}: immutable, or on a
   * read-only filesystem. A missing WAL or shm is no trouble: SQLite creates them with open(2), which fails cleanly.
   */
  private Optional<Path> readOnlyFile() {
    if (!Files.isWritable(path)) return Optional.of(path);
    for (Path f : sideFiles) {
      if (!Files.isWritable(f) && Files.exists(f)) return Optional.of(f);
    }
    return Optional.empty();
  }

  /** The background checkpointer, for tests that run its rounds by hand. */
  WalCheckpointer checkpointer() {
    return checkpointer;
  }

  /** SQLite's primary result codes that say the file, not the statement, is the problem. */
  private static boolean isFileTrouble(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.sqlite.SQLiteException se) {
        int primary = se.getResultCode().code & 0xff;
        // BUSY, LOCKED, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB
        return java.util.Set.of(5, 6, 8, 10, 11, 13, 14, 26).contains(primary);
      }
    }
    return false;
  }

  /** True when the file answers a query ({@code SELECT 1} reads no table, so it runs while the files are read-only). */
  public boolean ping() {
    try {
      return withConnection(false, c -> {
        try (Statement s = c.createStatement()) {
          return s.executeQuery("SELECT 1").next();
        }
      });
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    // Before the pool: the pool's last connection then makes SQLite's final checkpoint and removes the WAL.
    checkpointer.close();
    pool.close();
  }
}
