-- The outbox (every local write enqueues its op here in the same transaction), the sync
-- cursor, the history of profile changes and the audit log.

CREATE TABLE outbox (
    seq              INTEGER PRIMARY KEY,     -- local order of writes
    op_id            TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    entity_id        TEXT NOT NULL,
    payload          TEXT NOT NULL CHECK (json_valid(payload)),
    hlc              TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'applied', 'rejected')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_error       TEXT,
    created_at       TEXT NOT NULL
);

CREATE INDEX outbox_by_state ON outbox (state, seq);

CREATE TABLE sync_state (
    singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_url        TEXT,
    pull_cursor       INTEGER NOT NULL DEFAULT 0,
    server_epoch      TEXT,
    protocol_version  INTEGER NOT NULL,
    schema_version    INTEGER NOT NULL,
    last_success_at   TEXT,
    last_error        TEXT
);

-- Who changed which profile field, when, from what to what (shown on the customer's page).
CREATE TABLE customer_changes (
    rowid        INTEGER PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    staff_id     TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    hlc          TEXT NOT NULL
);

CREATE INDEX customer_changes_by_customer ON customer_changes (customer_id, changed_at DESC);

CREATE TABLE audit_log (
    rowid        INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    staff_id     TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('view', 'change', 'export', 'erase', 'import')),
    entity       TEXT NOT NULL,
    entity_id    TEXT,
    detail       TEXT
);

CREATE INDEX audit_log_by_time ON audit_log (at DESC);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, at DESC);
