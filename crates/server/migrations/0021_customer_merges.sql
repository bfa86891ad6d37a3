-- Merged customers in the organisation's figures (issue 13). A desk shows what was logged on a
-- merged record on its survivor; the server's at-risk list and overdue counts must too, or a
-- duplicate made offline splits one unhappy customer into two who each look fine.
--
-- The merges, as the change log holds them but by record (a merge's records and stamp, and
-- whether it was undone), and which record each merged one's history shows on now: worked out
-- by `touchpoint_protocol::merges::holding`, the rule the desks follow, in the push that
-- changes any of it.

CREATE TABLE customer_merges (
    org_id      uuid NOT NULL,
    merge_id    uuid NOT NULL,
    merged_id   uuid NOT NULL,
    survivor_id uuid NOT NULL,
    -- The merge's stamp: merges hold in stamp order (then by id).
    hlc         text NOT NULL,
    undone      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (org_id, merge_id)
);
CREATE INDEX customer_merges_by_merged ON customer_merges (org_id, merged_id);
CREATE INDEX customer_merges_by_survivor ON customer_merges (org_id, survivor_id);

-- A record merged into another by merges that hold, and the end of its chain.
CREATE TABLE customer_survivors (
    org_id      uuid NOT NULL,
    customer_id uuid NOT NULL,
    survivor_id uuid NOT NULL,
    PRIMARY KEY (org_id, customer_id)
);
CREATE INDEX customer_survivors_by_survivor ON customer_survivors (org_id, survivor_id);

-- Organisations whose survivors are still to be worked out.
CREATE TABLE customer_merges_unsettled (org_id uuid PRIMARY KEY);

INSERT INTO customer_merges (org_id, merge_id, merged_id, survivor_id, hlc, undone)
SELECT m.org_id, m.entity_id, (m.op->'body'->>'merged_id')::uuid, m.customer_id, m.hlc,
       EXISTS (SELECT 1 FROM change_log u WHERE u.org_id = m.org_id AND u.entity = 'merge_undone' AND u.entity_id = m.entity_id)
FROM change_log m
WHERE m.entity = 'customers_merged'
ON CONFLICT DO NOTHING;

-- Those with merges before this migration: the server works out their survivors when it next
-- starts (the rule is in Rust, not SQL).
INSERT INTO customer_merges_unsettled SELECT DISTINCT org_id FROM customer_merges ON CONFLICT DO NOTHING;
