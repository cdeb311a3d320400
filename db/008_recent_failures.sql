-- bin/hls monitor asks /health how many events failed in a recent window: with this index the count reads
-- only the failed rows of the window, at any table size (and retention finds old final rows the same way).
CREATE INDEX idx_events_status_completed ON webhook_events (status, completed_at);
