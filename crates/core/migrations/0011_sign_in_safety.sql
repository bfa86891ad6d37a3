-- A person whose PIN verifier this desk does not hold (a supervisor at a till) signs in with
-- the server's check.
ALTER TABLE staff ADD COLUMN pin_online INTEGER NOT NULL DEFAULT 0 CHECK (pin_online IN (0, 1));

-- Wrong PINs in a row, per person, and until when sign-in waits (kept across restarts, so
-- closing the app does not reset the pause).
CREATE TABLE sign_in_failures (
    staff_id      TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    locked_until  TEXT
);

-- The audit log also records sign-in pauses: the action list grows, so the table is rebuilt.
CREATE TABLE audit_log_new (
    rowid        INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    staff_id     TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('view', 'change', 'export', 'erase', 'import', 'sign_in_locked')),
    entity       TEXT NOT NULL,
    entity_id    TEXT,
    detail       TEXT,
    id           TEXT,
    customer_id  TEXT
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
