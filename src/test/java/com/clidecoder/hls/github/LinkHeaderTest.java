package com.clidecoder.hls.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkHeaderTest {
  @Test
  void nextIsFoundWhereverItStands() {
    String h = "<https://api.github.com/repositories/1300192/issues?page=4>; rel=\"prev\", "
        + "<https://api.github.com/repositories/1300192/issues?page=6>; rel=\"next\", "
        + "<https://api.github.com/repositories/1300192/issues?page=515>; rel=\"last\"";
    assertEquals(Optional.of("https://api.github.com/repositories/1300192/issues?page=6"), LinkHeader.next(h));
  }

  @Test
  void lastPageHasNoNext() {
    assertEquals(Optional.empty(), LinkHeader.next("<https://x/y?page=1>; rel=\"first\", <https://x/y?page=4>; rel=\"prev\""));
    assertEquals(Optional.empty(), LinkHeader.next(null));
  }
}
