-- The one comment HLS keeps per issue or pull request thread (issue 11): later analyses of the thread
-- edit it in place. Written in the same transaction as the github_actions row that posted or edited it;
-- when the row is lost, the comment's hls:thread marker on GitHub finds it again.
CREATE TABLE IF NOT EXISTS thread_comments (
  target TEXT PRIMARY KEY,          -- owner/repo#n, as github_actions.target
  comment_id TEXT NOT NULL,         -- GitHub's issue comment id
  event_id INTEGER NOT NULL,        -- the event whose analysis the comment shows now
  updated_at INTEGER NOT NULL
);
