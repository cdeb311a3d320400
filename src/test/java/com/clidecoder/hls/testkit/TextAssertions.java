package com.clidecoder.hls.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Collection;

/** Containment checks with messages that show the whole text, so a failing test says what it saw. */
public final class TextAssertions {
  private TextAssertions() {}

  public static void assertContains(String actual, String... parts) {
    for (String part : parts) {
      if (actual == null || !actual.contains(part)) fail("expected <" + part + "> in:\n" + actual);
    }
  }

  public static void assertNotContains(String actual, String... parts) {
    for (String part : parts) {
      if (actual != null && actual.contains(part)) fail("did not expect <" + part + "> in:\n" + actual);
    }
  }

  public static <T> void assertContainsAll(Collection<T> actual, Collection<T> expected) {
    for (T e : expected) {
      if (!actual.contains(e)) fail("expected " + e + " in " + actual);
    }
  }
}
