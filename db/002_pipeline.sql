-- Pipeline: a 'skipped' status, a lease on claimed events, richer analyses, and the GitHub actions taken.
-- SQLite cannot alter a CHECK constraint, so webhook_events is rebuilt (the documented 12-step way).
CREATE TABLE webhook_events_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id       TEXT    NOT NULL UNIQUE,
    event_type        TEXT    NOT NULL,
    repository        TEXT    NOT NULL,
    action            TEXT,
    payload_json      TEXT    NOT NULL,
    signature         TEXT,
    status            TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'retry', 'skipped')),
    retry_count       INTEGER NOT NULL DEFAULT 0,
    priority          INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    scheduled_at      INTEGER NOT NULL,
    started_at        INTEGER,
    completed_at      INTEGER,
    error_message     TEXT,
    lease_owner       TEXT,
    lease_expires_at  INTEGER
);
-- Carry the AUTOINCREMENT high-water mark over first: ids of deleted events are never handed out again.
INSERT INTO sqlite_sequence (name, seq) SELECT 'webhook_events_new', seq FROM sqlite_sequence WHERE name = 'webhook_events';
INSERT INTO webhook_events_new (id, delivery_id, event_type, repository, action, payload_json, signature, status,
    retry_count, priority, created_at, scheduled_at, started_at, completed_at, error_message)
  SELECT id, delivery_id, event_type, repository, action, payload_json, signature, status,
    retry_count, priority, created_at, scheduled_at, started_at, completed_at, error_message FROM webhook_events;
DROP TABLE webhook_events;
ALTER TABLE webhook_events_new RENAME TO webhook_events;
CREATE INDEX idx_events_status_scheduled ON webhook_events (status, scheduled_at);
CREATE INDEX idx_events_created ON webhook_events (created_at);
-- The claim looks for each repository's oldest waiting event; this partial index holds only waiting rows.
CREATE INDEX idx_events_waiting ON webhook_events (repository, id) WHERE status IN ('pending', 'retry');
CREATE INDEX idx_events_processing ON webhook_events (lease_expires_at) WHERE status = 'processing';
CREATE INDEX idx_events_repository ON webhook_events (repository, id);
ALTER TABLE claude_analyses ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claude_analyses ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claude_analyses ADD COLUMN provider TEXT NOT NULL DEFAULT 'anthropic';
ALTER TABLE claude_analyses ADD COLUMN model TEXT;
ALTER TABLE claude_analyses ADD COLUMN summary TEXT;
ALTER TABLE claude_analyses ADD COLUMN labels_json TEXT;
ALTER TABLE claude_analyses ADD COLUMN comment TEXT;
ALTER TABLE claude_analyses ADD COLUMN priority TEXT;
ALTER TABLE claude_analyses ADD COLUMN confidence REAL;
CREATE TABLE github_actions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id      INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('label', 'comment', 'review')),
    target        TEXT    NOT NULL,
    request_json  TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('planned', 'done', 'refused', 'failed')),
    dry_run       INTEGER NOT NULL DEFAULT 0,
    reason        TEXT,
    github_id     TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (event_id, kind, target)
);
CREATE INDEX idx_actions_event ON github_actions (event_id);
