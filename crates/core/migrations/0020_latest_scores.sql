-- A customer's latest CSAT, NPS and CES (their page's summary, the at-risk rules) by index:
-- the first entry of their own. Through `feedback_by_customer` the lookup walked every
-- feedback row of a customer who never gave that score: thousands for the regulars with the
-- longest histories, whose pages opened in 11–21 ms at p99 against a 3 ms budget (issue 14).
CREATE INDEX feedback_csat_by_customer ON feedback (customer_id, occurred_at DESC) WHERE csat IS NOT NULL;
CREATE INDEX feedback_nps_by_customer ON feedback (customer_id, occurred_at DESC) WHERE nps IS NOT NULL;
CREATE INDEX feedback_ces_by_customer ON feedback (customer_id, occurred_at DESC) WHERE ces IS NOT NULL;
