package com.clidecoder.hls.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with one JDBC connection. */
@FunctionalInterface
public interface SqlFunction<T> {
  T apply(Connection connection) throws SQLException;
}
