package com.clidecoder.hls.intake;

import com.clidecoder.hls.domain.Json;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests too malformed to reach a route (set as {@code pekko.http.server.parsing.error-handler}).
 * pekko-http answers an unknown method 501 and an unknown protocol version 505; for a webhook intake
 * both are the sender's mistake, and a 5xx would read as an outage to whoever watches the error rate
 * (and make a retrying sender retry). Every such refusal is a 4xx here, in the intake's JSON shape.
 */
public final class ParseErrorReplies extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    int code = status.intValue() >= 500 ? 400 : status.intValue();
    log.debug("event=unparsable_request status={} summary={}", status.intValue(), error.summary());
    String body = Json.MAPPER.createObjectNode().put("status", "rejected").put("reason", error.summary()).toString();
    return HttpResponse.create().withStatus(code).withEntity(ContentTypes.APPLICATION_JSON, body);
  }
}
