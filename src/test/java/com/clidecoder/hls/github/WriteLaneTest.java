package com.clidecoder.hls.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriteLaneTest {
  private static final long MS = 1_000_000L;

  @Test
  void oneWriteAtATimeAndAFullIntervalAfterEachAnswer() {
    WriteLane<String> lane = new WriteLane<>(Duration.ofMillis(100), 0);
    lane.enqueue("a");
    lane.enqueue("b");
    assertEquals(new WriteLane.Start<>("a"), lane.next(0));
    assertInstanceOf(WriteLane.Idle.class, lane.next(500 * MS), "busy while a is in flight");
    lane.finishedWrite(500 * MS);
    assertEquals(new WriteLane.WaitFor<String>(100 * MS), lane.next(500 * MS));
    assertEquals(new WriteLane.WaitFor<String>(1 * MS), lane.next(599 * MS));
    assertEquals(new WriteLane.Start<>("b"), lane.next(600 * MS));
  }

  @Test
  void aPauseHoldsTheQueueAndAHeldJobKeepsItsPlace() {
    WriteLane<String> lane = new WriteLane<>(Duration.ofMillis(10), 0);
    lane.enqueue("a");
    lane.enqueue("b");
    assertEquals(new WriteLane.Start<>("a"), lane.next(0));
    lane.finishedWrite(0);
    lane.pause(2_000 * MS, true);
    lane.requeueFirst("a");
    assertTrue(lane.primaryPaused(1_000 * MS));
    assertEquals(new WriteLane.WaitFor<String>(1_000 * MS), lane.next(1_000 * MS));
    assertEquals(new WriteLane.Start<>("a"), lane.next(2_000 * MS));
    assertFalse(lane.primaryPaused(2_000 * MS));
  }

  @Test
  void aShorterPauseDoesNotShortenALongerOne() {
    WriteLane<String> lane = new WriteLane<>(Duration.ZERO, 0);
    lane.pause(5_000 * MS, true);
    lane.pause(1_000 * MS, false);
    assertEquals(4_000 * MS, lane.pauseRemaining(1_000 * MS));
    lane.clearPause(1_000 * MS);
    assertEquals(0, lane.pauseRemaining(1_000 * MS));
  }
}
