-- Pull back-fills the history of customers who came into a store's scope within a page.
CREATE INDEX customer_scope_by_since ON customer_scope (org_id, store_id, since_seq);
-- Name prefix search across the organisation.
CREATE INDEX customers_by_name ON customers (org_id, lower(fields->>'name') text_pattern_ops);
