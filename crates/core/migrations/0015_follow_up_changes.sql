-- A follow-up's history of snoozes and hand-overs: when, by whom, to what, and why. Filled
-- as follow-up patches that carry a note are applied (here or pulled from another desk), so
-- every desk keeps the same history; one row per patch (its HLC).
CREATE TABLE follow_up_changes (
    follow_up_id TEXT NOT NULL REFERENCES follow_ups (id) ON DELETE CASCADE,
    hlc          TEXT NOT NULL,
    at           TEXT NOT NULL,
    by_staff     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('snoozed', 'reassigned')),
    due_at       TEXT,
    owner_staff  TEXT,
    note         TEXT,
    PRIMARY KEY (follow_up_id, hlc)
) WITHOUT ROWID;
