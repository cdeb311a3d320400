-- Counters behind /stats and /metrics, kept by triggers so every writer (the service, bin/hls purge, the
-- old Python workers on an adopted file) keeps them true: reading them costs a few rows instead of a
-- scan of webhook_events (about 1 s at 300k events). One row per (status, event_type); timed_events and
-- processing_ms sum completed_at - started_at of the rows that have both, for the average processing time.
CREATE TABLE event_counts (
    status         TEXT    NOT NULL,
    event_type     TEXT    NOT NULL,
    events         INTEGER NOT NULL DEFAULT 0,
    timed_events   INTEGER NOT NULL DEFAULT 0,
    processing_ms  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (status, event_type)
) WITHOUT ROWID;
INSERT INTO event_counts (status, event_type, events, timed_events, processing_ms)
  SELECT status, event_type, COUNT(*), COUNT(completed_at - started_at), COALESCE(SUM(completed_at - started_at), 0)
  FROM webhook_events GROUP BY status, event_type;
CREATE TRIGGER event_counts_insert AFTER INSERT ON webhook_events BEGIN
  INSERT INTO event_counts (status, event_type, events, timed_events, processing_ms)
    VALUES (new.status, new.event_type, 1, new.completed_at - new.started_at IS NOT NULL,
            COALESCE(new.completed_at - new.started_at, 0))
    ON CONFLICT (status, event_type) DO UPDATE SET events = events + 1,
      timed_events = timed_events + excluded.timed_events, processing_ms = processing_ms + excluded.processing_ms;
END;
CREATE TRIGGER event_counts_delete AFTER DELETE ON webhook_events BEGIN
  UPDATE event_counts SET events = events - 1,
      timed_events = timed_events - (old.completed_at - old.started_at IS NOT NULL),
      processing_ms = processing_ms - COALESCE(old.completed_at - old.started_at, 0)
    WHERE status = old.status AND event_type = old.event_type;
END;
-- Only updates that move a row between counters, or change its processing time, touch them.
CREATE TRIGGER event_counts_update AFTER UPDATE OF status, event_type, started_at, completed_at ON webhook_events
  WHEN old.status IS NOT new.status OR old.event_type IS NOT new.event_type
    OR old.started_at IS NOT new.started_at OR old.completed_at IS NOT new.completed_at
BEGIN
  UPDATE event_counts SET events = events - 1,
      timed_events = timed_events - (old.completed_at - old.started_at IS NOT NULL),
      processing_ms = processing_ms - COALESCE(old.completed_at - old.started_at, 0)
    WHERE status = old.status AND event_type = old.event_type;
  INSERT INTO event_counts (status, event_type, events, timed_events, processing_ms)
    VALUES (new.status, new.event_type, 1, new.completed_at - new.started_at IS NOT NULL,
            COALESCE(new.completed_at - new.started_at, 0))
    ON CONFLICT (status, event_type) DO UPDATE SET events = events + 1,
      timed_events = timed_events + excluded.timed_events, processing_ms = processing_ms + excluded.processing_ms;
END;
-- The oldest waiting event's age: MIN(created_at) answered from this partial index, not a scan.
CREATE INDEX idx_events_waiting_since ON webhook_events (created_at) WHERE status IN ('pending', 'retry');
-- Retention walks final events by age (finished, or arrived when the finish time is missing).
CREATE INDEX idx_events_final_age ON webhook_events (COALESCE(completed_at, created_at))
  WHERE status IN ('completed', 'failed', 'skipped');
-- The last retention run, for /metrics (one row).
CREATE TABLE retention_runs (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    ran_at      INTEGER NOT NULL,
    deleted     INTEGER NOT NULL
);
