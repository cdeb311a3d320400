-- Retention trims the payloads of completed and skipped events before it deletes their rows
-- (hls.database.payload-retention): the row keeps what the list and detail show (title, number, link,
-- sender) and loses the rest. This row remembers up to when payloads were trimmed, so each daily run
-- reads only the rows that became old enough since the last one.
CREATE TABLE payload_trims (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    trimmed_before  INTEGER NOT NULL,  -- epoch ms: final events older than this are trimmed
    ran_at          INTEGER NOT NULL,
    trimmed         INTEGER NOT NULL   -- how many payloads the last run trimmed
);
