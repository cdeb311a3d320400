-- The claim reads each repository's oldest waiting event with its priority and due time. Carrying both
-- in the partial index of waiting rows lets it answer from the index alone: reading them from the table
-- meant walking past payload_json (overflow pages) for every repository's head on every claim.
DROP INDEX idx_events_waiting;
CREATE INDEX idx_events_waiting ON webhook_events (repository, id, priority, scheduled_at) WHERE status IN ('pending', 'retry');
