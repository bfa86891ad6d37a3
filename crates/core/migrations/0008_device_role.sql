-- What the server enrolled this desk as: a frontline desk sends no reviews, deletions or
-- erasures (the server would refuse them), so the desk refuses them first.
ALTER TABLE sync_state ADD COLUMN device_role TEXT CHECK (device_role IN ('frontline', 'supervisor', 'admin'));
