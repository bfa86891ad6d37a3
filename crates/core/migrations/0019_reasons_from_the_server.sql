-- Reasons for contact come from the organisation's list once it has one: `server` rows are
-- the organisation's; the built-in ones a desk starts with are `local` and give way to them.
ALTER TABLE reasons ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'server'));
