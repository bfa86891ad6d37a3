-- Supervisors list the newest conflicts of the organisation (then filtered to their stores).
CREATE INDEX conflicts_recent ON conflicts (org_id, recorded_at DESC);
