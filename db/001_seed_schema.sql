-- Seed schema: the tables the old Python workers used, timestamps as epoch milliseconds (UTC).
CREATE TABLE webhook_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id     TEXT    NOT NULL UNIQUE,
    event_type      TEXT    NOT NULL,
    repository      TEXT    NOT NULL,
    action          TEXT,
    payload_json    TEXT    NOT NULL,
    signature       TEXT,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'retry')),
    retry_count     INTEGER NOT NULL DEFAULT 0,
    priority        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    scheduled_at    INTEGER NOT NULL,
    started_at      INTEGER,
    completed_at    INTEGER,
    error_message   TEXT
);
CREATE INDEX idx_events_status_scheduled ON webhook_events (status, scheduled_at);
CREATE INDEX idx_events_repository ON webhook_events (repository, id);
CREATE INDEX idx_events_created ON webhook_events (created_at);
CREATE TABLE claude_analyses (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id            INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    analysis_type       TEXT    NOT NULL,
    prompt              TEXT,
    response            TEXT,
    claude_tokens_used  INTEGER NOT NULL DEFAULT 0,
    claude_cost_usd     REAL    NOT NULL DEFAULT 0,
    processing_time_ms  INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL
);
CREATE INDEX idx_analyses_event ON claude_analyses (event_id);
CREATE TABLE daily_stats (
    date               TEXT    PRIMARY KEY,
    webhooks_received  INTEGER NOT NULL DEFAULT 0,
    claude_analyses    INTEGER NOT NULL DEFAULT 0,
    github_actions     INTEGER NOT NULL DEFAULT 0,
    total_cost_usd     REAL    NOT NULL DEFAULT 0
);
