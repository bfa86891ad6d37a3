-- Pull back-fills the history of customers who came into a store's scope within a page.
CREATE INDEX customer_scope_by_since ON customer_scope (org_id, store_id, since_seq);
-- A customer's events (last seen, search results).
CREATE INDEX events_by_customer ON events (org_id, customer_id) WHERE customer_id IS NOT NULL;
-- Name prefix search across the organisation.
CREATE INDEX customers_by_name ON customers (org_id, lower(fields->>'name') text_pattern_ops);
