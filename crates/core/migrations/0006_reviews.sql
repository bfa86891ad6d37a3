-- Supervisors' reviews: the scorecard criteria (from the server), and where a review belongs.

CREATE TABLE review_criteria (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- The store of the reviewed conversation and the desk the review was written on.
ALTER TABLE reviews ADD COLUMN store_id TEXT;
ALTER TABLE reviews ADD COLUMN device_id TEXT;

-- The review queue filters conversations by when they happened and shows the newest first.
CREATE INDEX interactions_by_store_time ON interactions (store_id, occurred_at DESC);
