#!/usr/bin/env bash
# Writes the figures of one bench/run into docs/benchmarks.md, between the markers
# <!-- bench:results:start --> and <!-- bench:results:end --> (the rest of the file is prose kept by hand).
set -euo pipefail
DOCFILE=$1 MACHINE=$2 INTAKE=$3
eval "$4"   # declare -A R=(...)
E2E=$5 PICKUP=$6 IDLE=$7 SCALE=$8 CEIL=${9:-} OLD=${10:-} WRK=${11:-} PACED=${12:-} WRKRATE=${13:-} E2E_COLD=${14:-} E2E_WARMUP=${15:-} IDLE_SETTLED=${16:-} IDLE_FRESH=${17:-} IDLE_BASELINE=${18:-}
f() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1" | head -1; }

section="$(mktemp)"
{
  echo "<!-- bench:results:start -->"
  echo "### Latest run: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo
  echo "Machine: $MACHINE (shared with other work: absolute figures vary run to run; the ratios are measured in the same run)."
  echo
  if [ "$INTAKE" = 1 ]; then
    echo "**Intake** (real fixtures from ../shared, unique delivery ids)"
    echo
    echo "| measurement | events/s | p50 ms | p99 ms | answers |"
    echo "|---|---:|---:|---:|---|"
    echo "| ceiling: raw JDBC, WAL, synchronous=FULL, 256 rows/transaction | ${R[ceiling]} | | | |"
    echo "| old way: one \`sqlite3\` process per event | ${R[old]} | | | |"
    echo "| service, wrk -t2 -c128, closed loop | ${R[wrk_rate]} | ${R[wrk_p50]} | ${R[wrk_p99]} | ${R[wrk_statuses]} |"
    echo "| service, 1,000/s offered (PacedLoad, open loop, latency from due time; after a $(f "$PACED" lead_in_s) s lead-in) | ${R[paced_rate]} | ${R[paced_p50]} | ${R[paced_p99]} | ${R[paced_statuses]} (lead-in included) |"
    echo "| the same sender's lead-in (a fresh JVM opening its connections) | | | $(f "$PACED" lead_in_p99_ms) (max $(f "$PACED" lead_in_max_ms)) | |"
    echo "| service, 1,000/s offered (wrk with per-connection pause) | | | ${R[wrkrate_p99]} | |"
    echo
    echo "- service / ceiling = **${R[r_ceiling]}** (target >= 0.5); service / old way = **${R[r_old]}x** (target >= 500x);"
    echo "  ceiling / old way = ${R[r_ceiling_old]}x."
    echo "- Acknowledged = durable: after \`kill -9\` of the service, ${R[rows]} rows for ${R[acked]} answers 202."
    echo
  else
    echo "**Intake**: skipped (no ../shared fixtures, wrk or sqlite3)."
    echo
  fi
  echo "**End to end** (fake Claude with fixed latency, fake GitHub, service as a real process)"
  echo
  echo "| figure | value |"
  echo "|---|---|"
  echo "| events | $(f "$E2E" repos) repositories x $(f "$E2E" per_repo) = $(f "$E2E" events) |"
  echo "| max-concurrent-analyses / Claude latency / write-interval | $(f "$E2E" concurrency) / $(f "$E2E" claude_latency_ms) ms / $(f "$E2E" write_interval_ms) ms |"
  echo "| ideal (max(K, ceil(R*K/C)) x latency) | $(f "$E2E" ideal_s) s |"
  echo "| makespan, service warmed up with $E2E_WARMUP events (steady state) | $(f "$E2E" makespan_s) s |"
  echo "| makespan / ideal, warmed up | **$(f "$E2E" ratio)** (target <= 1.1) |"
  echo "| makespan / ideal, freshly started service (JIT compiling during the run) | $(f "$E2E_COLD" ratio) ($(f "$E2E_COLD" makespan_s) s) |"
  echo "| GitHub writes (serial, one token) | $(f "$E2E" github_writes) |"
  echo "| pick-up, 202 to Claude request, idle service: p50 / p99 | $(f "$PICKUP" ack_to_claude_p50_ms) / $(f "$PICKUP" ack_to_claude_p99_ms) ms (target p50 < 50) |"
  echo "| pick-up, request sent to Claude request: p50 / max | $(f "$PICKUP" send_to_claude_p50_ms) / $(f "$PICKUP" send_to_claude_max_ms) ms |"
  idle_row() { # label, line: the scheduler's exact CPU time (schedstat), what it adds to an idle JVM's, then the tick-sampled one
    local over=""
    [ -n "$IDLE_BASELINE" ] && over="; **$(awk -v a="$(f "$2" sched_cpu_percent)" -v b="$(f "$IDLE_BASELINE" sched_cpu_percent)" 'BEGIN { printf "%+.2f", a - b }')** over the idle JVM"
    echo "| $1 | $(f "$2" sched_cpu_percent) % of one core$over ($(f "$2" cpu_percent) % by clock ticks; $(f "$2" wakeups_per_s) thread wake-ups/s; $(f "$2" connections) connections open; busiest threads by ticks: $(f "$2" threads)) |"
  }
  [ -n "$IDLE_BASELINE" ] && echo "| baseline, same run: a JVM with the service's flags whose one thread sleeps, 30 s | $(f "$IDLE_BASELINE" sched_cpu_percent) % of one core ($(f "$IDLE_BASELINE" cpu_percent) % by clock ticks; $(f "$IDLE_BASELINE" wakeups_per_s) thread wake-ups/s; busiest threads by ticks: $(f "$IDLE_BASELINE" threads)) |"
  [ -n "$IDLE_FRESH" ] && idle_row "CPU while idle, freshly started, 30 s (target ~0)" "$IDLE_FRESH"
  idle_row "CPU while idle, the 30 s from 5 s after the last event (connections still kept alive)" "$IDLE"
  idle_row "CPU while idle, 30 s once the service holds no connection (settled; target ~0)" "$IDLE_SETTLED"
  echo
  echo "**Queue scale**"
  echo
  echo '```'
  echo "$SCALE"
  echo '```'
  echo
  echo "Raw lines:"
  echo
  echo '```'
  for l in "$CEIL" "$OLD" "$WRK" "$PACED" "$WRKRATE" "$E2E_COLD" "$E2E" "$PICKUP" "$IDLE_BASELINE" "$IDLE_FRESH" "$IDLE" "$IDLE_SETTLED"; do [ -n "$l" ] && echo "$l"; done
  echo '```'
  echo "<!-- bench:results:end -->"
} >"$section"

if [ -f "$DOCFILE" ] && grep -q 'bench:results:start' "$DOCFILE"; then
  awk -v s="$section" '
    /<!-- bench:results:start -->/ { while ((getline l < s) > 0) print l; skip = 1; next }
    /<!-- bench:results:end -->/ { skip = 0; next }
    !skip { print }' "$DOCFILE" >"$DOCFILE.tmp" && mv "$DOCFILE.tmp" "$DOCFILE"
else
  { echo "# Benchmarks"; echo; echo "Run with \`bench/run\` (see the top of that script)."; echo; cat "$section"; } >"$DOCFILE"
fi
rm -f "$section"
