package com.clidecoder.hls.testkit;

import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Webhook payloads in GitHub's shape, written for the project's own tests (a bare clone has no ../shared). */
public final class Payloads {
  private Payloads() {}

  public static String issue(String repo, int number, String action, String title, String body, String senderType) {
    ObjectNode root = base(repo, action, senderType);
    ObjectNode issue = root.putObject("issue");
    issue.put("number", number);
    issue.put("title", title);
    issue.put("body", body);
    issue.put("state", "open");
    issue.putArray("labels");
    issue.putObject("user").put("login", "octocat").put("type", "User");
    issue.put("html_url", "https://github.com/" + repo + "/issues/" + number);
    return root.toString();
  }

  public static String issue(String repo, int number, String action, String title, String body) {
    return issue(repo, number, action, title, body, "User");
  }

  public static String pullRequest(String repo, int number, String action, String title, String body) {
    ObjectNode root = base(repo, action, "User");
    root.put("number", number);
    ObjectNode pr = root.putObject("pull_request");
    pr.put("number", number);
    pr.put("title", title);
    pr.put("body", body);
    pr.put("draft", false);
    pr.putObject("user").put("login", "octocat").put("type", "User");
    pr.putObject("head").put("ref", "feature").put("sha", "0123456789abcdef0123456789abcdef01234567");
    pr.putObject("base").put("ref", "main");
    return root.toString();
  }

  public static String workflowRun(String repo, String conclusion, int... prNumbers) {
    ObjectNode root = base(repo, "completed", "User");
    ObjectNode run = root.putObject("workflow_run");
    run.put("id", 30433642L);
    run.put("name", "CI");
    run.put("status", "completed");
    run.put("conclusion", conclusion);
    run.put("head_branch", "feature");
    run.put("html_url", "https://github.com/" + repo + "/actions/runs/30433642");
    ArrayNode prs = run.putArray("pull_requests");
    for (int n : prNumbers) prs.addObject().put("number", n);
    return root.toString();
  }

  private static ObjectNode base(String repo, String action, String senderType) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("action", action);
    ObjectNode repository = root.putObject("repository");
    repository.put("full_name", repo);
    repository.put("name", repo.substring(repo.indexOf('/') + 1));
    repository.putObject("owner").put("login", repo.substring(0, repo.indexOf('/')));
    ObjectNode sender = root.putObject("sender");
    sender.put("login", "Bot".equals(senderType) ? "hls-bot[bot]" : "octocat");
    sender.put("type", senderType);
    return root;
  }
}
