-- The head office reads desks' audit entries newest first, narrowed by person, store, customer
-- or action: an index of just those rows of the change log (a small share of it).
CREATE INDEX change_log_audit ON change_log (org_id, server_seq DESC) WHERE entity = 'audit_recorded';
CREATE INDEX conflicts_by_time ON conflicts (org_id, recorded_at DESC);
