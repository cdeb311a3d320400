package com.clidecoder.hls.intake;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.RepositoryRule;
import com.clidecoder.hls.domain.NewDelivery;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what happens to a well-formed, authenticated delivery: stored in the queue (with a priority),
 * acknowledged as ignored (ping, event types HLS does not handle, repositories not configured, disabled
 * or without that event), or refused because the payload lacks {@code repository.full_name}.
 *
 * <p>Priority (higher is claimed first across repositories; within one repository events stay in
 * arrival order): {@value #FAILING_RUN} for a completed workflow run with a failing conclusion (a red
 * build blocks people), {@value #OPENED} for an issue or pull request being opened, reopened or made
 * ready for review (a person is waiting for a first answer), {@value #OTHER} for everything else.
 */
public final class IntakePolicy {
  public static final int FAILING_RUN = 2;
  public static final int OPENED = 1;
  public static final int OTHER = 0;

  private static final Set<String> OPENING_ACTIONS = Set.of("opened", "reopened", "ready_for_review");

  public sealed interface Decision {}

  public record Queue(NewDelivery delivery) implements Decision {}

  public record Ignore(String reason) implements Decision {}

  public record Reject(String reason) implements Decision {}

  private final HlsConfig config;

  public IntakePolicy(HlsConfig config) {
    this.config = config;
  }

  public Decision decide(
      String eventType, String deliveryId, Optional<String> signature, DeliveryParser.Document document) {
    if (eventType.equals("ping")) return new Ignore("ping");
    // Unhandled types are ignored before the repository is required: organisation-level events
    // (installation, member...) carry no repository and must not be refused.
    if (!HlsConfig.HANDLED_EVENTS.contains(eventType)) {
      return new Ignore("event type " + eventType + " is not handled");
    }
    JsonNode fullName = document.root().path("repository").path("full_name");
    if (!fullName.isTextual() || fullName.asText().isBlank()) return new Reject(missingRepository(eventType, document));
    String repository = fullName.asText();
    Optional<RepositoryRule> rule = config.repositories().match(repository);
    if (rule.isEmpty()) return new Ignore("repository " + repository + " is not configured");
    if (!rule.get().enabled()) return new Ignore("repository " + repository + " is disabled");
    if (!rule.get().events().contains(eventType)) {
      return new Ignore("event " + eventType + " is not enabled for " + repository);
    }
    JsonNode actionNode = document.root().path("action");
    String action = actionNode.isTextual() ? actionNode.asText() : null;
    return new Queue(new NewDelivery(
        deliveryId, eventType, repository, action, document.text(), signature.orElse(null),
        priority(eventType, action, document.root())));
  }

  int priority(String eventType, String action, JsonNode root) {
    if (eventType.equals("workflow_run")) {
      String conclusion = root.path("workflow_run").path("conclusion").asText("");
      boolean failing = "completed".equals(action) && config.analysis().failingConclusions().contains(conclusion);
      return failing ? FAILING_RUN : OTHER;
    }
    boolean opening = (eventType.equals("issues") || eventType.equals("pull_request"))
        && action != null && OPENING_ACTIONS.contains(action);
    return opening ? OPENED : OTHER;
  }

  /**
   * One line that says what is missing and how to fix it: GitHub always sends the repository, so the
   * usual sender is a hand-written test (the seed document's curl has none).
   */
  private static String missingRepository(String eventType, DeliveryParser.Document document) {
    JsonNode repository = document.root().path("repository");
    String what = repository.isMissingNode() ? "has no \"repository\" object"
        : !repository.isObject() ? "has a \"repository\" that is not an object"
        : "has no text \"repository.full_name\"";
    return "the " + eventType + " payload " + what + ": GitHub sends one with every repository event; a hand-written"
        + " test must add \"repository\":{\"full_name\":\"OWNER/REPO\"} (see README, Test the event flow)";
  }
}
