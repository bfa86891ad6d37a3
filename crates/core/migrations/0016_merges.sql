-- One customer, one record: merges of duplicate records, undoable, the same on every desk.
--
-- A merge never rewrites either record's own fields. The merged record stays (a redirect to
-- its survivor: `customers.merged_into`), conversations and the rest are re-pointed to the
-- survivor but remember the record they were logged on (`logged_customer_id`), and the values
-- chosen for the survivor are an overlay on its fields that an undo takes off again. Which
-- merges hold is derived from the set of merge and undo ops alone (see customers::merge), so
-- every desk ends with the same answer whatever order they arrive in.

CREATE TABLE customer_merges (
    id           TEXT PRIMARY KEY,                  -- the merge's id
    merged_id    TEXT NOT NULL REFERENCES customers (id),
    survivor_id  TEXT NOT NULL REFERENCES customers (id),
    hlc          TEXT NOT NULL,
    staff_id     TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    made_at      TEXT NOT NULL,
    -- The values the survivor takes (a customer patch), each at the merge's stamp.
    fields       TEXT NOT NULL CHECK (json_valid(fields)),
    undone_hlc   TEXT,
    undone_by    TEXT,
    undone_at    TEXT,
    -- Derived: the merge holds (not undone, and not void: a record already merged elsewhere
    -- by an earlier merge, a loop, or an erased record void it).
    effective    INTEGER NOT NULL DEFAULT 0 CHECK (effective IN (0, 1)),
    CHECK (merged_id != survivor_id)
);
CREATE INDEX customer_merges_by_merged ON customer_merges (merged_id);
CREATE INDEX customer_merges_by_survivor ON customer_merges (survivor_id);

-- Derived from the effective merges: the record a merged customer now is (the end of the
-- chain, so A→B→C gives C for both A and B).
ALTER TABLE customers ADD COLUMN merged_into TEXT;
CREATE INDEX customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;

-- A survivor's own value of a field while a merge's chosen value is shown instead (what an
-- undo brings back, and what a later edit of the survivor competes with).
CREATE TABLE customer_own_fields (
    customer_id  TEXT NOT NULL,
    field        TEXT NOT NULL,
    value        TEXT,
    hlc          TEXT,
    PRIMARY KEY (customer_id, field)
) WITHOUT ROWID;

-- Pairs that look alike but are different people (first_id < second_id).
CREATE TABLE not_same_person (
    first_id   TEXT NOT NULL,
    second_id  TEXT NOT NULL,
    hlc        TEXT NOT NULL,
    staff_id   TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (first_id, second_id),
    CHECK (first_id < second_id)
) WITHOUT ROWID;

-- The record each row was logged on, when it now shows on another (NULL: the same).
ALTER TABLE interactions ADD COLUMN logged_customer_id TEXT;
ALTER TABLE feedback ADD COLUMN logged_customer_id TEXT;
ALTER TABLE follow_ups ADD COLUMN logged_customer_id TEXT;
CREATE INDEX interactions_logged_on ON interactions (logged_customer_id) WHERE logged_customer_id IS NOT NULL;
CREATE INDEX feedback_logged_on ON feedback (logged_customer_id) WHERE logged_customer_id IS NOT NULL;
CREATE INDEX follow_ups_logged_on ON follow_ups (logged_customer_id) WHERE logged_customer_id IS NOT NULL;

-- What arrives (or is logged) on a merged record lands on its survivor, whoever inserts it.
CREATE TRIGGER interactions_follow_merges AFTER INSERT ON interactions
WHEN NEW.customer_id IS NOT NULL
 AND (SELECT merged_into FROM customers WHERE id = NEW.customer_id) IS NOT NULL
BEGIN
    UPDATE interactions SET logged_customer_id = NEW.customer_id,
        customer_id = (SELECT merged_into FROM customers WHERE id = NEW.customer_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER feedback_follow_merges AFTER INSERT ON feedback
WHEN NEW.customer_id IS NOT NULL
 AND (SELECT merged_into FROM customers WHERE id = NEW.customer_id) IS NOT NULL
BEGIN
    UPDATE feedback SET logged_customer_id = NEW.customer_id,
        customer_id = (SELECT merged_into FROM customers WHERE id = NEW.customer_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER follow_ups_follow_merges AFTER INSERT ON follow_ups
WHEN NEW.customer_id IS NOT NULL
 AND (SELECT merged_into FROM customers WHERE id = NEW.customer_id) IS NOT NULL
BEGIN
    UPDATE follow_ups SET logged_customer_id = NEW.customer_id,
        customer_id = (SELECT merged_into FROM customers WHERE id = NEW.customer_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER follow_ups_follow_merges_on_change AFTER UPDATE OF customer_id ON follow_ups
WHEN NEW.customer_id IS NOT NULL
 AND (SELECT merged_into FROM customers WHERE id = NEW.customer_id) IS NOT NULL
BEGIN
    UPDATE follow_ups SET logged_customer_id = NEW.customer_id,
        customer_id = (SELECT merged_into FROM customers WHERE id = NEW.customer_id)
    WHERE id = NEW.id;
END;

-- The audit log learns two actions (merge, unmerge): its action list is a CHECK, so the table
-- is rebuilt, keeping every row and index.
CREATE TABLE audit_log_new (
    rowid               INTEGER PRIMARY KEY,
    at                  TEXT NOT NULL,
    staff_id            TEXT NOT NULL,
    device_id           TEXT NOT NULL,
    action              TEXT NOT NULL CHECK (action IN
                            ('view', 'change', 'export', 'erase', 'import', 'sign_in_locked', 'merge', 'unmerge')),
    entity              TEXT NOT NULL,
    entity_id           TEXT,
    detail              TEXT,
    id                  TEXT,
    customer_id         TEXT,
    logged_customer_id  TEXT
);
INSERT INTO audit_log_new (rowid, at, staff_id, device_id, action, entity, entity_id, detail, id, customer_id)
    SELECT rowid, at, staff_id, device_id, action, entity, entity_id, detail, id, customer_id FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_by_time ON audit_log (at DESC);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, at DESC);
CREATE UNIQUE INDEX audit_log_by_id ON audit_log (id);
CREATE INDEX audit_log_by_staff ON audit_log (staff_id, at DESC);
CREATE INDEX audit_log_by_customer ON audit_log (customer_id, at DESC) WHERE customer_id IS NOT NULL;
CREATE INDEX audit_log_logged_on ON audit_log (logged_customer_id) WHERE logged_customer_id IS NOT NULL;

CREATE TRIGGER audit_log_follow_merges AFTER INSERT ON audit_log
WHEN NEW.customer_id IS NOT NULL
 AND (SELECT merged_into FROM customers WHERE id = NEW.customer_id) IS NOT NULL
BEGIN
    UPDATE audit_log SET logged_customer_id = NEW.customer_id,
        customer_id = (SELECT merged_into FROM customers WHERE id = NEW.customer_id)
    WHERE rowid = NEW.rowid;
END;
