-- The review scorecard can be defined on a desk that is not connected (by its administrator);
-- once connected, the server's scorecard is the one that counts. Every criterion so far came
-- from a server.
ALTER TABLE review_criteria ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'server'));
UPDATE review_criteria SET origin = 'server';
