package com.clidecoder.hls.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/** The {@link IntakeHarness}es one test opens, each in a folder of its own under {@code dir}, closed together. */
public final class IntakeHarnesses implements AutoCloseable {
  private final List<IntakeHarness> opened = new ArrayList<>();

  public IntakeHarness open(Path dir, String hocon, ClassicActorSystemProvider system) {
    IntakeHarness h = new IntakeHarness(dir.resolve("db" + opened.size()), hocon, system);
    opened.add(h);
    return h;
  }

  @Override
  public void close() throws Exception {
    for (IntakeHarness h : opened) h.close();
    opened.clear();
  }
}
