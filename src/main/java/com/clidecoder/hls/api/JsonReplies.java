package com.clidecoder.hls.api;

import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** JSON bodies shared by every route: the marshaller and the refusal shape of the contract. */
public final class JsonReplies {
  public static final Marshaller<Object, RequestEntity> JSON = Jackson.marshaller(Json.MAPPER);

  /** Seconds a refused sender is asked to wait: a start or a database hiccup takes moments, not minutes. */
  static final String RETRY_AFTER_SECONDS = "5";

  private JsonReplies() {}

  /**
   * The response {@link #JSON} would marshal {@code body} into, built directly: the marshaller runs pekko's
   * content negotiation and a future per answer, which the intake's hot path does not need.
   */
  public static HttpResponse response(StatusCode status, Object body) {
    try {
      return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("reply is not serialisable: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * 503 {@code {"status":"rejected","reason":...}} with {@code Retry-After}: the service cannot take the
   * request right now (starting, shutting down, database trouble) and a sender that retries should.
   */
  public static HttpResponse unavailable(String reason) {
    return response(StatusCodes.SERVICE_UNAVAILABLE, rejected(reason))
        .addHeader(RawHeader.create("Retry-After", RETRY_AFTER_SECONDS));
  }

  /** {@code {"status":"rejected","reason":...}}, the body of every 4xx/503 answer. */
  public static Map<String, Object> rejected(String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "rejected");
    body.put("reason", reason);
    return body;
  }
}
