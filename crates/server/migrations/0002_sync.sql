-- The idempotency ledger is the change log itself for applied ops (one row per op, found by
-- op_id) plus this table for refused ones: a duplicate push gets the stored answer again.
-- (One row per op instead of two halves the write work of a push.)
CREATE TABLE rejected_ops (
    org_id      uuid NOT NULL,
    op_id       uuid NOT NULL,
    device_id   uuid NOT NULL,
    result      jsonb NOT NULL,
    PRIMARY KEY (org_id, op_id)
);

-- Every change, in commit order. Pulls read it by (org, seq) with the store's scope.
CREATE TABLE change_log (
    org_id       uuid NOT NULL,
    server_seq   bigint NOT NULL,
    op_id        uuid NOT NULL,
    entity       text NOT NULL,
    entity_id    uuid NOT NULL,
    customer_id  uuid,
    store_id     uuid,
    -- The op as the device sent it (json, not jsonb: stored and served as text, never re-encoded).
    op           json NOT NULL,
    hlc          text NOT NULL,
    PRIMARY KEY (org_id, server_seq)
);

CREATE UNIQUE INDEX change_log_by_op ON change_log (org_id, op_id);
CREATE INDEX change_log_by_customer ON change_log (org_id, customer_id, server_seq) WHERE customer_id IS NOT NULL;

-- Which stores hold which customers (home store, or seen there): their devices pull them.
CREATE TABLE customer_scope (
    org_id       uuid NOT NULL,
    store_id     uuid NOT NULL,
    customer_id  uuid NOT NULL,
    since_seq    bigint NOT NULL,
    PRIMARY KEY (org_id, store_id, customer_id)
);

-- Mutable records merged field by field: current values and the HLC that set each field.
CREATE TABLE customers (
    org_id        uuid NOT NULL,
    customer_id   uuid NOT NULL,
    fields        jsonb NOT NULL DEFAULT '{}',
    clocks        jsonb NOT NULL DEFAULT '{}',
    home_store_id uuid,
    deleted_hlc   text,
    restored_hlc  text,
    erased_at     timestamptz,
    PRIMARY KEY (org_id, customer_id)
);

CREATE TABLE follow_ups (
    org_id        uuid NOT NULL,
    follow_up_id  uuid NOT NULL,
    store_id      uuid NOT NULL,
    customer_id   uuid,
    fields        jsonb NOT NULL DEFAULT '{}',
    clocks        jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (org_id, follow_up_id)
);

-- Concurrent edits of the same field: both sides kept so a supervisor can see them.
CREATE TABLE conflicts (
    org_id        uuid NOT NULL,
    conflict_id   uuid NOT NULL,
    entity        text NOT NULL,
    entity_id     uuid NOT NULL,
    field         text NOT NULL,
    kept_value    jsonb,
    kept_hlc      text NOT NULL,
    lost_value    jsonb,
    lost_hlc      text NOT NULL,
    -- Who set each side (NULL for a value set before authors were recorded).
    kept_staff    uuid,
    lost_staff    uuid,
    server_seq    bigint NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, conflict_id)
);

CREATE INDEX conflicts_by_entity ON conflicts (org_id, entity, entity_id);

-- Reviews, for checking who may acknowledge them (the reviewed person only); the reviews
-- themselves travel in the change log like every event.
CREATE TABLE reviews (
    org_id           uuid NOT NULL,
    review_id        uuid NOT NULL,
    reviewed_staff   uuid NOT NULL,
    store_id         uuid NOT NULL,
    acknowledged_at  timestamptz,
    PRIMARY KEY (org_id, review_id)
);

CREATE TABLE review_criteria (
    org_id        uuid NOT NULL,
    criterion_id  uuid NOT NULL,
    name          text NOT NULL CHECK (length(trim(name)) > 0),
    sort_order    int NOT NULL DEFAULT 0,
    active        boolean NOT NULL DEFAULT true,
    PRIMARY KEY (org_id, criterion_id)
);
