-- Search finds "O'Brien" by "obrien" and a loyalty card by its number alone ("48727" for
-- LOY-48727). The key table learns the new kind; the index entries are rebuilt by this step's
-- Rust hook (customers::reindex_search_variants) for the customers it concerns.
CREATE TABLE customer_keys_new (
    kind            TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'loyalty', 'loyalty_digits', 'external')),
    value           TEXT NOT NULL,
    customer_rowid  INTEGER NOT NULL REFERENCES customers (rowid) ON DELETE CASCADE,
    PRIMARY KEY (kind, value, customer_rowid)
) WITHOUT ROWID;
INSERT INTO customer_keys_new (kind, value, customer_rowid) SELECT kind, value, customer_rowid FROM customer_keys;
DROP TABLE customer_keys;
ALTER TABLE customer_keys_new RENAME TO customer_keys;
CREATE INDEX customer_keys_by_customer ON customer_keys (customer_rowid);
