package com.clidecoder.hls.store;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link SeedTakeoverTest}: opens the database of the folder {@code args[0]} (the
 * takeover of a seed file, slowed by {@link SeedSchema#PAUSE_PROPERTY}) so the test can kill -9 it there.
 */
public final class SeedTakeoverChild {
  private SeedTakeoverChild() {}

  public static void main(String[] args) {
    Database.open(StoreFixture.config(Path.of(args[0]))).close();
    System.out.println("opened");
  }
}
