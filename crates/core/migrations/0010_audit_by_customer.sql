-- One customer's audit trail (from their page) is read through this, not by scanning the log.
CREATE INDEX audit_log_by_customer ON audit_log (customer_id, at DESC) WHERE customer_id IS NOT NULL;
