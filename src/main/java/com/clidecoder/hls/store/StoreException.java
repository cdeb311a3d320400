package com.clidecoder.hls.store;

/** The database could not do what was asked (locked, read-only, full, corrupt). Callers answer 503 or retry. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
