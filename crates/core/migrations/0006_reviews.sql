-- Supervisors: the review scorecard criteria (from the server), where a review belongs, and
-- audit entries that sync.

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

-- Audit entries travel like events (a supervisor sees the store's, not just this desk's):
-- each has the id of its op, so a pulled entry is stored once.
ALTER TABLE audit_log ADD COLUMN id TEXT;
ALTER TABLE audit_log ADD COLUMN customer_id TEXT;
CREATE UNIQUE INDEX audit_log_by_id ON audit_log (id);
CREATE INDEX audit_log_by_staff ON audit_log (staff_id, at DESC);
