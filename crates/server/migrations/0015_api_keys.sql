-- Keys for machines (integrations) to call the organisation API without a person signing in:
-- found by the hash of the secret (shown once, never stored), read-only or read-write, made and
-- revoked by an administrator, whose name stays on what the key does.
CREATE TABLE api_keys (
    key_id        uuid PRIMARY KEY,
    org_id        uuid NOT NULL REFERENCES organisations (org_id),
    name          text NOT NULL CHECK (length(trim(name)) > 0),
    scope         text NOT NULL CHECK (scope IN ('read_only', 'read_write')),
    secret_hash   bytea NOT NULL UNIQUE,
    created_by    uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    FOREIGN KEY (org_id, created_by) REFERENCES console_accounts (org_id, staff_id)
);
CREATE INDEX api_keys_by_org ON api_keys (org_id, created_at DESC);
