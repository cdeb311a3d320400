package com.clidecoder.hls.api;

import com.clidecoder.hls.domain.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.RequestEntity;

/** JSON bodies shared by every route: the marshaller and the refusal shape of the contract. */
public final class JsonReplies {
  public static final Marshaller<Object, RequestEntity> JSON = Jackson.marshaller(Json.MAPPER);

  private JsonReplies() {}

  /** {@code {"status":"rejected","reason":...}}, the body of every 4xx/503 answer. */
  public static Map<String, Object> rejected(String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "rejected");
    body.put("reason", reason);
    return body;
  }
}
