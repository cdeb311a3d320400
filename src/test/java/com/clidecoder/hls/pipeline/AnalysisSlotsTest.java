package com.clidecoder.hls.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisSlotsTest {

  @Test
  void grantsInRequestOrderUpToTheCap() {
    AnalysisSlots slots = new AnalysisSlots();
    List.of("a", "b", "c", "a").forEach(r -> slots.want(r, 0));
    assertEquals(List.of("a", "b"), slots.grant(2));
    assertEquals(List.of(), slots.grant(2), "the cap is reached");
    slots.release("b");
    assertEquals(List.of("c"), slots.grant(2));
    assertEquals(2, slots.held());
  }

  @Test
  void aLowerCapGrantsNothingUntilEnoughAreReleased() {
    AnalysisSlots slots = new AnalysisSlots();
    List.of("a", "b", "c").forEach(r -> slots.want(r, 0));
    assertEquals(List.of("a", "b"), slots.grant(2));
    slots.release("a");
    assertEquals(List.of(), slots.grant(1));
    slots.release("b");
    assertEquals(List.of("c"), slots.grant(1));
  }

  @Test
  void refusingEmptiesTheQueueButKeepsTheSlotsHeld() {
    AnalysisSlots slots = new AnalysisSlots();
    List.of("a", "b", "c").forEach(r -> slots.want(r, 0));
    slots.grant(1);
    assertEquals(List.of("b", "c"), slots.refuseWaiting());
    assertEquals(1, slots.held());
    slots.release("c"); // left the queue already: nothing happens
    assertEquals(List.of(), slots.grant(2));
  }

  @Test
  void aFreeSlotGoesToTheHighestPriorityWaitingThenToTheOldestRequest() {
    AnalysisSlots slots = new AnalysisSlots();
    slots.want("busy", 0);
    assertEquals(List.of("busy"), slots.grant(1));
    slots.want("old-low", 0);
    slots.want("old-high", 2);
    slots.want("new-high", 2);
    slots.want("new-urgent", 3);
    slots.release("busy");
    assertEquals(List.of("new-urgent"), slots.grant(1), "claimed ahead later, but more urgent");
    slots.release("new-urgent");
    assertEquals(List.of("old-high", "new-high", "old-low"), slots.grant(3), "equal priorities keep request order");
  }
}
