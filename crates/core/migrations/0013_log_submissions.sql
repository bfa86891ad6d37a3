-- The key a log form sends with its save. The same form sent twice (a double Ctrl+Enter, a
-- retry after a lost answer) saves once, and the second send answers what the first saved,
-- its follow-up proposal included. Local to this desk: the key never leaves it.
CREATE TABLE log_submissions (
    key            TEXT PRIMARY KEY,
    interaction_id TEXT NOT NULL,
    feedback_id    TEXT,
    proposal       TEXT,
    saved_at       TEXT NOT NULL
) WITHOUT ROWID;
