-- The reconciler (issue 13 part 3): guids the intake answered without storing an event (ignored
-- deliveries), so a gap is "never seen" rather than "never queued"; and guids a redelivery was asked
-- for, so a restart does not ask twice.
CREATE TABLE seen_deliveries (
    guid     TEXT    NOT NULL PRIMARY KEY,
    answer   TEXT    NOT NULL,
    seen_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE redelivery_requests (
    guid          TEXT    NOT NULL PRIMARY KEY,
    delivery_id   INTEGER NOT NULL,
    asked_at      INTEGER NOT NULL
) WITHOUT ROWID;
