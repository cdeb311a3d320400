-- A migration that fails half-way: the first statement works, the second names a missing column.
CREATE TABLE half_done (id INTEGER PRIMARY KEY);
INSERT INTO half_done (id) VALUES (1);
UPDATE webhook_events SET no_such_column = 1;
