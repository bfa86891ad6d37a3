-- Refresh tokens are rotated on every use. The one before stays known for a short while so a
-- desk that never heard the answer can try again; used later, it means the token was copied,
-- and the device is revoked with the reason said. A token not used for long expires.
ALTER TABLE devices ADD COLUMN previous_refresh_hash bytea;
ALTER TABLE devices ADD COLUMN refresh_rotated_at timestamptz;
ALTER TABLE devices ADD COLUMN refresh_used_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE devices ADD COLUMN revoked_reason text;
