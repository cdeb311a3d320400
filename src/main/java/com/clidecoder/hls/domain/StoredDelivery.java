package com.clidecoder.hls.domain;

/** What storing a delivery did: a new row, or the row that already had that delivery id. */
public sealed interface StoredDelivery {
  long id();

  record Queued(long id) implements StoredDelivery {}

  record Duplicate(long id) implements StoredDelivery {}
}
