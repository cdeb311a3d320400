// HLS dashboard: reads the service's JSON API and redraws itself every REFRESH_MS.
// Everything shown comes from GitHub payloads or model output, so text is only ever set with
// textContent, never as HTML.
"use strict";

(function () {
  const REFRESH_MS = 10000;
  const STATUSES = ["pending", "processing", "retry", "completed", "failed", "skipped"];
  let chart = null;
  let timer = null;
  const PAGE_SIZE = 25;
  const open = new Set(); // event ids whose detail row is expanded
  const view = { status: "", repo: "", cursor: null, back: [], next: null }; // filters and paging of the event list
  const repos = new Set(); // repositories seen, offered in the filter

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k.startsWith("data-")) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
    return e;
  }

  function token() {
    return document.getElementById("token").value.trim();
  }

  async function getJson(path) {
    const r = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
    const body = await r.json().catch(() => ({}));
    // The login cookie expired or the token changed: the login form says so and lets one back in.
    if (r.status === 401) window.location.assign("login");
    if (!r.ok) throw new Error(path + ": " + (body.reason || "HTTP " + r.status));
    return body;
  }

  async function post(path) {
    const headers = { Accept: "application/json" };
    if (token()) headers.Authorization = "Bearer " + token();
    const r = await fetch(path, { method: "POST", headers });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.reason || "HTTP " + r.status);
    return body;
  }

  function showError(message) {
    const b = document.getElementById("banner");
    b.textContent = message;
    b.hidden = !message;
  }

  function age(seconds) {
    if (seconds == null) return "-";
    if (seconds < 60) return seconds + "s";
    if (seconds < 3600) return Math.floor(seconds / 60) + "m " + (seconds % 60) + "s";
    return Math.floor(seconds / 3600) + "h " + Math.floor((seconds % 3600) / 60) + "m";
  }

  function renderHealth(h) {
    const box = document.getElementById("health");
    const paused = typeof h.analysis === "string" && h.analysis.startsWith("paused");
    const cls = h.status === "ok" && paused ? "paused" : h.status || "unknown";
    box.className = "health " + cls;
    box.setAttribute("data-status", h.status || "unknown");
    // Every field /health reports (database, analysis, rate limits...) is shown as it comes.
    box.textContent = Object.entries(h).map(([k, v]) => k + ": " + (typeof v === "object" ? JSON.stringify(v) : v)).join(" · ");
  }

  function renderInfo(i) {
    document.getElementById("info").textContent = "version " + i.version + " · up " + age(i.uptime_seconds) +
      " · GitHub: " + i.github + " · analyst: " + i.analyst + (i.model ? " (" + i.model + ")" : "");
  }

  function renderQueue(s) {
    const tiles = document.getElementById("queue");
    tiles.replaceChildren(...STATUSES.map(st =>
      el("div", { class: "tile " + st, "data-status": st },
        el("div", { class: "n" }, (s.by_status || {})[st] ?? 0), el("div", { class: "k" }, st))));
    const t = s.today || {};
    document.getElementById("figures").textContent =
      "waiting " + s.total_pending + " (oldest " + age(s.oldest_pending_age_seconds) + ") · success rate " +
      (100 * (s.success_rate || 0)).toFixed(1) + "% · avg processing " + (s.average_processing_time || 0).toFixed(2) +
      "s · today " + (t.webhooks || 0) + " webhooks, " + (t.claude_analyses || 0) + " Claude analyses, " +
      (t.github_actions || 0) + " actions, $" + (t.total_cost_usd || 0).toFixed(4);
  }

  function renderChart(daily) {
    const days = daily.days || [];
    const data = [
      days.map(d => Date.parse(d.date + "T00:00:00Z") / 1000),
      days.map(d => d.webhooks),
      days.map(d => d.claude_analyses),
      days.map(d => d.github_actions),
      days.map(d => d.total_cost_usd),
    ];
    const box = document.getElementById("chart");
    if (typeof uPlot === "undefined") {
      box.textContent = "chart library not loaded";
      return;
    }
    if (chart) {
      chart.setData(data);
      return;
    }
    chart = new uPlot({
      width: Math.max(300, box.clientWidth),
      height: 280,
      scales: { x: { time: true }, usd: {} },
      series: [
        {},
        { label: "webhooks", stroke: "#0969da", width: 2 },
        { label: "analyses", stroke: "#8250df", width: 2 },
        { label: "GitHub actions", stroke: "#1a7f37", width: 2 },
        { label: "cost (USD)", stroke: "#bc4c00", width: 2, scale: "usd", value: (u, v) => v == null ? "-" : "$" + v.toFixed(4) },
      ],
      axes: [{}, { label: "per day" }, { scale: "usd", side: 1, grid: { show: false }, label: "USD" }],
    }, data, box);
    window.addEventListener("resize", () => chart.setSize({ width: Math.max(300, box.clientWidth), height: 280 }));
  }

  function labels(list) {
    return el("td", {}, ...(list || []).map(l => el("span", { class: "label" }, l)));
  }

  function renderFailed(page) {
    const body = document.querySelector("#failed tbody");
    const rows = page.events.map(e => el("tr", { "data-id": e.id },
      el("td", {}, e.id), el("td", {}, e.repository), el("td", {}, e.event_type + (e.action ? "." + e.action : "")),
      el("td", {}, e.retry_count), el("td", { class: "error" }, e.error_message || ""),
      el("td", {}, el("button", { type: "button", class: "retry", "data-id": e.id, onclick: () => retry(e.id) }, "Retry"))));
    body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colSpan: 6 }, "no failed events"))]));
  }

  // A link only to GitHub over https: a payload cannot make the page link anywhere else.
  function link(url, text) {
    return typeof url === "string" && url.startsWith("https://")
      ? el("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, text) : text;
  }

  function subject(e) {
    const ref = e.number != null ? "#" + e.number : "";
    return el("td", { class: "subject" }, link(e.url, ref || (e.url ? "link" : "")), e.title ? " " + e.title : "");
  }

  function decision(d) {
    const outcome = (d && d.outcome) || "not analysed";
    return el("span", { class: "decision " + outcome.replace(" ", "-"), "data-outcome": outcome }, (d && d.text) || outcome);
  }

  function renderRecent(page) {
    const body = document.querySelector("#recent tbody");
    const rows = [];
    for (const e of page.events) {
      repos.add(e.repository);
      rows.push(el("tr", { "data-id": e.id },
        el("td", {}, e.id), el("td", {}, e.created_at.replace("T", " ").replace("Z", "")), el("td", {}, e.repository),
        el("td", {}, e.event_type + (e.action ? "." + e.action : "")), subject(e),
        el("td", { class: "status " + e.status }, e.status),
        el("td", { class: "decision" }, decision(e.decision), e.summary ? el("div", { class: "summary" }, e.summary) : "",
          e.error_message ? el("div", { class: "error" }, e.error_message) : ""),
        labels(e.labels),
        el("td", {}, el("button", { type: "button", class: "details", onclick: () => toggle(e.id) }, open.has(e.id) ? "Hide" : "Details"))));
      if (open.has(e.id)) rows.push(el("tr", { class: "detail", id: "detail-" + e.id }, el("td", { colSpan: 9 }, "loading…")));
    }
    body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colSpan: 9 }, "no events match"))]));
    view.next = page.next_before_id;
    document.getElementById("page-older").disabled = view.next == null;
    document.getElementById("page-newer").disabled = view.cursor == null;
    document.getElementById("page-info").textContent = "page " + (view.back.length + 1);
    document.getElementById("repos").replaceChildren(...[...repos].sort().map(r => el("option", { value: r })));
    for (const id of open) loadDetail(id);
  }

  function eventsPath() {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (view.status) q.set("status", view.status);
    if (view.repo) q.set("repo", view.repo);
    if (view.cursor != null) q.set("before_id", String(view.cursor));
    return "api/events?" + q.toString();
  }

  function applyFilters(ev) {
    ev.preventDefault();
    view.status = document.getElementById("filter-status").value;
    view.repo = document.getElementById("filter-repo").value.trim();
    view.cursor = null;
    view.back = [];
    refresh();
  }

  function older() {
    if (view.next == null) return;
    view.back.push(view.cursor);
    view.cursor = view.next;
    refresh();
  }

  function newer() {
    if (!view.back.length) return;
    view.cursor = view.back.pop();
    refresh();
  }

  async function loadDetail(id) {
    const row = document.getElementById("detail-" + id);
    if (!row) return;
    try {
      const d = await getJson("api/events/" + id);
      const p = d.payload_summary || {};
      const parts = [el("div", {}, (p.title || "(no title)") + (p.number != null ? " #" + p.number : "") +
        (p.sender ? " by " + p.sender : "") + " ", p.url ? link(p.url, p.url) : ""),
        el("div", { class: "decision" }, "decision: ", decision(d.decision))];
      for (const a of d.analyses) {
        parts.push(el("div", {}, "analysis (" + a.provider + (a.model ? " " + a.model : "") + "): priority " + (a.priority || "-") +
          ", confidence " + (a.confidence ?? "-") + ", $" + a.cost_usd.toFixed(4)));
        if (a.comment) parts.push(el("pre", {}, a.comment));
      }
      for (const a of d.actions) {
        parts.push(el("div", {}, a.kind + " on " + a.target + ": " + a.status + (a.dry_run ? " (dry run)" : "") +
          (a.reason ? " — " + a.reason : "")));
        if (a.kind === "comment" && a.request && typeof a.request.body === "string") parts.push(el("pre", {}, a.request.body));
      }
      row.firstChild.replaceChildren(...parts);
    } catch (err) {
      row.firstChild.textContent = err.message;
    }
  }

  function toggle(id) {
    if (open.has(id)) open.delete(id); else open.add(id);
    refresh();
  }

  async function retry(id) {
    try {
      await post("api/events/" + id + "/retry");
      showError("");
    } catch (err) {
      showError("retry of event " + id + " failed: " + err.message);
    }
    refresh();
  }

  async function retryAll() {
    try {
      const r = await post("api/events/retry-failed");
      showError(r.count ? "" : "no failed events to retry");
    } catch (err) {
      showError("retry of failed events failed: " + err.message);
    }
    refresh();
  }

  async function refresh() {
    clearTimeout(timer);
    const errors = [];
    const load = (path, render) => getJson(path).then(render, err => errors.push(err.message));
    await Promise.all([
      load("health", renderHealth),
      load("stats", renderQueue),
      load("api/daily?days=30", renderChart),
      load("api/events?status=failed&limit=50", renderFailed),
      load("api/info", renderInfo),
      load(eventsPath(), renderRecent),
    ]);
    showError(errors.join("; "));
    document.getElementById("updated").textContent = new Date().toLocaleTimeString();
    document.body.setAttribute("data-loaded", "true");
    timer = setTimeout(refresh, REFRESH_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const t = document.getElementById("token");
    // The token lives only in this tab's session storage; the page itself carries no secret.
    t.value = sessionStorage.getItem("hls-admin-token") || "";
    t.addEventListener("change", () => sessionStorage.setItem("hls-admin-token", t.value.trim()));
    document.getElementById("retry-all").addEventListener("click", retryAll);
    document.getElementById("filters").addEventListener("submit", applyFilters);
    document.getElementById("page-older").addEventListener("click", older);
    document.getElementById("page-newer").addEventListener("click", newer);
    refresh();
  });
})();
