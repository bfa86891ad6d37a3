-- The organisation's catalogue (synced down from the server once enrolled; seeded locally on
-- first start so the app is usable with no server) and this device's identity.

CREATE TABLE stores (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    timezone    TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE staff (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    role           TEXT NOT NULL CHECK (role IN ('frontline', 'supervisor', 'admin')),
    home_store_id  TEXT REFERENCES stores(id),
    pin_hash       TEXT,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL
);

CREATE TABLE touch_points (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL CHECK (length(trim(name)) > 0),
    default_channel  TEXT NOT NULL
                     CHECK (default_channel IN ('in_person', 'phone', 'email', 'chat', 'video', 'social')),
    sort_order       INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- Common reasons for contact, offered as suggestions; staff may also type their own.
CREATE TABLE reasons (
    id          TEXT PRIMARY KEY,
    label       TEXT NOT NULL UNIQUE CHECK (length(trim(label)) > 0),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- Exactly one row: who this install is.
CREATE TABLE device (
    singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id         TEXT NOT NULL,
    store_id          TEXT NOT NULL REFERENCES stores(id),
    -- Region used to read phone numbers typed without a country code (ISO 3166 alpha-2).
    default_region    TEXT NOT NULL DEFAULT 'US',
    touch_point_id    TEXT REFERENCES touch_points(id),
    signed_in_staff   TEXT REFERENCES staff(id),
    -- Last hybrid-logical-clock stamp issued here, so stamps never go backwards across restarts.
    last_hlc          TEXT,
    created_at        TEXT NOT NULL
);
