-- Tills no longer hold supervisors' and admins' PIN verifiers; the server checks those PINs,
-- and after wrong ones makes that person wait (the same growing pauses as a desk).
ALTER TABLE staff ADD COLUMN pin_failures integer NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN pin_locked_until timestamptz;
