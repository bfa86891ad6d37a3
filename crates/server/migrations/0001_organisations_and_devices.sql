-- Every table leads with org_id and every query filters on it, so the database can later be
-- sharded by organisation without changing the protocol.

CREATE TABLE organisations (
    org_id      uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(trim(name)) > 0),
    -- Replaced when history is restored from a backup: clients that saw another epoch resync.
    epoch       uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The per-organisation sequence. Taken by UPDATE inside the write transaction, so sequence
-- order is commit order and a reader can never skip a change (a bigserial commits out of order).
CREATE TABLE org_counters (
    org_id    uuid PRIMARY KEY REFERENCES organisations (org_id),
    next_seq  bigint NOT NULL DEFAULT 1
);

CREATE TABLE stores (
    org_id      uuid NOT NULL REFERENCES organisations (org_id),
    store_id    uuid NOT NULL,
    name        text NOT NULL,
    timezone    text,
    PRIMARY KEY (org_id, store_id)
);

CREATE TABLE staff (
    org_id         uuid NOT NULL REFERENCES organisations (org_id),
    staff_id       uuid NOT NULL,
    name           text NOT NULL,
    role           text NOT NULL CHECK (role IN ('frontline', 'supervisor', 'admin')),
    home_store_id  uuid,
    pin_hash       text,
    active         boolean NOT NULL DEFAULT true,
    PRIMARY KEY (org_id, staff_id)
);

CREATE TABLE touch_points (
    org_id           uuid NOT NULL REFERENCES organisations (org_id),
    touch_point_id   uuid NOT NULL,
    name             text NOT NULL,
    default_channel  text NOT NULL,
    sort_order       int NOT NULL DEFAULT 0,
    active           boolean NOT NULL DEFAULT true,
    PRIMARY KEY (org_id, touch_point_id)
);

CREATE TABLE devices (
    org_id         uuid NOT NULL REFERENCES organisations (org_id),
    device_id      uuid NOT NULL,
    store_id       uuid NOT NULL,
    name           text NOT NULL,
    refresh_hash   bytea NOT NULL,
    -- What the device reads besides its own store: a supervisor's back-office PC reads the
    -- stores they look after, an administrator's the whole organisation. It writes only as
    -- its own store.
    also_reads     uuid[] NOT NULL DEFAULT '{}',
    reads_org      boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    PRIMARY KEY (org_id, device_id)
);

-- Devices are found by id alone when a token is refreshed.
CREATE UNIQUE INDEX devices_by_id ON devices (device_id);

CREATE TABLE enrollment_codes (
    code_hash   bytea PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organisations (org_id),
    store_id    uuid NOT NULL,
    also_reads  uuid[] NOT NULL DEFAULT '{}',
    reads_org   boolean NOT NULL DEFAULT false,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    device_id   uuid
);
