-- Customers: a mutable profile merged field by field (last writer wins by HLC, see
-- field_clocks), plus derived search structures kept in step in the same transaction.

CREATE TABLE customers (
    rowid          INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    phones         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(phones)),   -- E.164, primary first
    -- Derived: the same numbers formatted for people (formatting costs ~60 µs a number, too
    -- slow to repeat for every search result).
    phones_display TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(phones_display)),
    emails         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(emails)),   -- lower case, primary first
    loyalty_id     TEXT,
    external_id    TEXT,
    language       TEXT,
    tags           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    consent        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(consent)),
    note           TEXT,
    home_store_id  TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT,
    updated_at     TEXT NOT NULL,
    -- Derived from interactions: when they were last seen, for "recent customers".
    last_seen_at   TEXT,
    deleted_at     TEXT,
    erased_at      TEXT
);

CREATE INDEX customers_recent ON customers (last_seen_at DESC, updated_at DESC)
    WHERE deleted_at IS NULL;

-- The HLC at which each field of a mutable record was last set (customers, follow-ups).
CREATE TABLE field_clocks (
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    field      TEXT NOT NULL,
    hlc        TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, field)
) WITHOUT ROWID;

-- Exact-match keys: phone (E.164), email (lower case), loyalty id, external id.
-- Also answers "does someone already have this phone/email?" for duplicate warnings.
CREATE TABLE customer_keys (
    kind            TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'loyalty', 'external')),
    value           TEXT NOT NULL,
    customer_rowid  INTEGER NOT NULL REFERENCES customers (rowid) ON DELETE CASCADE,
    PRIMARY KEY (kind, value, customer_rowid)
) WITHOUT ROWID;

CREATE INDEX customer_keys_by_customer ON customer_keys (customer_rowid);

-- Name prefix search. Contentless: the text lives in customers; rowid = customers.rowid.
CREATE VIRTUAL TABLE customer_name_fts USING fts5 (
    name,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

-- Phone digits for "any part of the number" search (trigram substring match).
CREATE VIRTUAL TABLE customer_phone_fts USING fts5 (
    digits,
    content = '',
    contentless_delete = 1,
    tokenize = 'trigram'
);
