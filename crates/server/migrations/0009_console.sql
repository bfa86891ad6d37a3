-- The head office's console: people of the organisation who sign in with a password (not the
-- desk PIN) from a browser, their sessions, and an audit of what they do there.

-- A console account belongs to one staff member; the login is unique across the server
-- (sign-in does not ask for the organisation).
CREATE TABLE console_accounts (
    org_id          uuid NOT NULL,
    staff_id        uuid NOT NULL,
    login           text NOT NULL,
    password_hash   text NOT NULL,
    console_role    text NOT NULL CHECK (console_role IN ('admin', 'supervisor')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Wrong passwords in a row; at the limit the account is locked for a while.
    failed_in_row   integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    PRIMARY KEY (org_id, staff_id),
    FOREIGN KEY (org_id, staff_id) REFERENCES staff (org_id, staff_id)
);
CREATE UNIQUE INDEX console_accounts_by_login ON console_accounts (lower(login));

-- A session is found by the hash of the cookie's secret (the secret itself is never stored).
-- It ends at `expires_at`, after being idle too long, or when signed out.
CREATE TABLE console_sessions (
    session_hash    bytea PRIMARY KEY,
    org_id          uuid NOT NULL,
    staff_id        uuid NOT NULL,
    csrf_token      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    FOREIGN KEY (org_id, staff_id) REFERENCES console_accounts (org_id, staff_id)
);
CREATE INDEX console_sessions_by_staff ON console_sessions (org_id, staff_id);

-- What happened in the console: sign-ins (and failed ones), sign-outs, every change.
CREATE TABLE console_audit (
    entry_id        uuid PRIMARY KEY,
    org_id          uuid NOT NULL REFERENCES organisations (org_id),
    at              timestamptz NOT NULL DEFAULT now(),
    -- Who, when known (a failed sign-in of an unknown login has nobody).
    staff_id        uuid,
    action          text NOT NULL,
    -- What it was about: a store, a staff member, a device.
    subject_id      uuid,
    detail          jsonb NOT NULL DEFAULT '{}',
    client_ip       text
);
CREATE INDEX console_audit_by_org ON console_audit (org_id, at DESC);
