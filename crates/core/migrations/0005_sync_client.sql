-- The sync client: the enrollment (which server, organisation and store this desk belongs to),
-- the state of the background sync, why an op was refused, tombstones, and which catalogue
-- rows came from the server (local ones are mapped onto the server's after enrolling).

ALTER TABLE sync_state ADD COLUMN org_id TEXT;
ALTER TABLE sync_state ADD COLUMN device_name TEXT;
-- Long-lived secret traded for short-lived access tokens. Kept in the desk's own database
-- (readable only by the user who runs the app): Linux counter PCs rarely run a keyring.
ALTER TABLE sync_state ADD COLUMN refresh_token TEXT;
ALTER TABLE sync_state ADD COLUMN enrolled_at TEXT;
-- Set once the first full download finished; until then pulls run before pushes.
ALTER TABLE sync_state ADD COLUMN bootstrapped INTEGER NOT NULL DEFAULT 0;
-- The server's sequence when the first download began, to show its progress.
ALTER TABLE sync_state ADD COLUMN bootstrap_target INTEGER;
ALTER TABLE sync_state ADD COLUMN last_attempt_at TEXT;
ALTER TABLE sync_state ADD COLUMN next_attempt_at TEXT;
ALTER TABLE sync_state ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
-- What stops sync until a person acts: 'revoked', 'update_app', 'enroll_again'; NULL when none.
ALTER TABLE sync_state ADD COLUMN blocked TEXT;
-- Server time minus this desk's clock at the last exchange, in ms: stamps are corrected by it
-- so a desk whose clock is off still orders its changes sanely against the others.
ALTER TABLE sync_state ADD COLUMN clock_offset_ms INTEGER NOT NULL DEFAULT 0;

ALTER TABLE outbox ADD COLUMN reject_code TEXT;
ALTER TABLE outbox ADD COLUMN settled_at TEXT;
-- A person looked at a refused op and put it away.
ALTER TABLE outbox ADD COLUMN dismissed_at TEXT;
-- Confirmed ops are pruned by age; this keeps that from scanning every confirmed op.
CREATE INDEX outbox_applied_by_age ON outbox (settled_at) WHERE state = 'applied';

ALTER TABLE customers ADD COLUMN deleted_hlc TEXT;
ALTER TABLE customers ADD COLUMN restored_hlc TEXT;

ALTER TABLE staff ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'server'));
ALTER TABLE touch_points ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'server'));
ALTER TABLE stores ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'server'));
