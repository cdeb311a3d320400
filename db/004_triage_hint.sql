-- The embedded classifier's prediction stored beside each analysis, so agreement between the classifier
-- and Claude can be counted (/stats triage, metrics).
ALTER TABLE claude_analyses ADD COLUMN hint_type TEXT;
ALTER TABLE claude_analyses ADD COLUMN hint_confidence REAL;
ALTER TABLE claude_analyses ADD COLUMN hint_agrees INTEGER;
