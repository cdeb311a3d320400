#!/usr/bin/env bash
# The old way, for comparison: one short-lived process per event (the sqlite3 CLI, as the original
# queue-hls-event started one process per delivery), each opening the file, inserting one row in WAL
# mode with synchronous=FULL and exiting. Usage: old-way.sh DB_FILE FIXTURES_DIR EVENTS
# Prints "OLDWAY events=N seconds=S events_per_s=R".
set -euo pipefail
db=$1 fixtures=$2 events=$3
rm -f "$db" "$db-wal" "$db-shm"
sqlite3 "$db" "PRAGMA journal_mode=WAL;" >/dev/null
# The seed table's shape; the payload is read by the CLI itself (readfile), so no shell quoting touches it.
sqlite3 "$db" "CREATE TABLE webhook_events (id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL, repository TEXT NOT NULL, action TEXT, payload_json TEXT NOT NULL, signature TEXT,
  status TEXT NOT NULL DEFAULT 'pending', retry_count INTEGER NOT NULL DEFAULT 0, priority INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, scheduled_at INTEGER NOT NULL, started_at INTEGER, completed_at INTEGER, error_message TEXT);"
files=(issues:issues.opened.json issues:issues.edited.json issues:issues.labeled.json
  pull_request:pull_request.opened.json pull_request:pull_request.synchronize.json
  pull_request_review:pull_request_review.submitted.json workflow_run:workflow_run.completed.json)
start=$(date +%s%N)
for ((i = 0; i < events; i++)); do
  entry=${files[$((i % ${#files[@]}))]}
  sqlite3 "$db" "PRAGMA synchronous=FULL; INSERT INTO webhook_events (delivery_id, event_type, repository, action,
    payload_json, created_at, scheduled_at) VALUES ('old-$i', '${entry%%:*}', json_extract(readfile('$fixtures/${entry#*:}'),
    '\$.repository.full_name'), json_extract(readfile('$fixtures/${entry#*:}'), '\$.action'),
    readfile('$fixtures/${entry#*:}'), unixepoch() * 1000, unixepoch() * 1000);"
done
end=$(date +%s%N)
stored=$(sqlite3 "$db" "SELECT count(*) FROM webhook_events")
awk -v n="$stored" -v ns=$((end - start)) 'BEGIN { printf "OLDWAY events=%d seconds=%.3f events_per_s=%.1f\n", n, ns / 1e9, n / (ns / 1e9) }'
