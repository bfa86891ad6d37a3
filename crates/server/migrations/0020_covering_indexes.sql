-- The organisation's heaviest figures from indexes alone (issue 13). At 10M conversations:
-- * a year of one touch point read 243,000 person-week rows through a bitmap of the heap: the
--   year's whole part of the table (340 MB), for 4,700 people a week at that touch point. From
--   an index that holds the sums, the same rows are 35 MB read in order (305 → 92 ms);
-- * the organisation's overdue count fetched each overdue follow-up and then its customer from
--   the heap to find their home store (16,000 of each: 218 → 97 ms);
-- * a store's at-risk customers scanned 91 days of every store's conversations by day, and
--   each of its home customers' conversations from the heap, to keep the unhappy and the
--   unresolved ones (680 → 35 ms from the indexes of those alone and of each customer's).

DROP INDEX insight_staff_touch_point_weeks_by_touch_point;
CREATE INDEX insight_staff_touch_point_weeks_by_touch_point ON insight_staff_touch_point_weeks (org_id, touch_point_id, week)
    INCLUDE (store_id, staff_id, interactions, promoters, detractors, nps_responses, csat_sum, csat_responses,
             ces_sum, ces_responses, feeling_1, feeling_2, feeling_3, feeling_4, feeling_5);
DROP INDEX insight_touch_point_weeks_by_touch_point;
CREATE INDEX insight_touch_point_weeks_by_touch_point ON insight_touch_point_weeks (org_id, touch_point_id, week)
    INCLUDE (store_id, interactions, promoters, detractors, nps_responses, csat_sum, csat_responses, ces_sum,
             ces_responses, feeling_1, feeling_2, feeling_3, feeling_4, feeling_5, resolved, escalated,
             follow_up_needed, unresolved);

-- Overdue now: which follow-up (counted once however many stores it counts at), from the index.
DROP INDEX follow_ups_open;
CREATE INDEX follow_ups_open ON follow_ups (org_id, due_at) INCLUDE (follow_up_id, store_id, customer_id)
    WHERE status IN ('open', 'in_progress');
DROP INDEX follow_ups_open_by_store;
CREATE INDEX follow_ups_open_by_store ON follow_ups (org_id, store_id, due_at) INCLUDE (follow_up_id, customer_id)
    WHERE status IN ('open', 'in_progress');
-- A customer's home store by their id, without their fields.
CREATE INDEX customers_home_store_of ON customers (org_id, customer_id) INCLUDE (home_store_id);

-- The conversations that put a customer at risk (unhappy, or ended unresolved or escalated):
-- the newest of the organisation's and of a store's. The condition is the one the
-- at-risk query writes (`closed_loop::RISK_EVENT`), so the planner can use them.
CREATE INDEX insight_facts_risk_events ON insight_facts (org_id, occurred_at) INCLUDE (customer_id)
    WHERE logged AND customer_id IS NOT NULL
      AND ((feeling <= 2 OR nps <= 6 OR csat <= 2) OR outcome IN ('unresolved', 'escalated'));
CREATE INDEX insight_facts_risk_events_by_store ON insight_facts (org_id, store_id, occurred_at) INCLUDE (customer_id)
    WHERE logged AND customer_id IS NOT NULL
      AND ((feeling <= 2 OR nps <= 6 OR csat <= 2) OR outcome IN ('unresolved', 'escalated'));

-- What the at-risk rules read about a customer (their visits' feelings and scores, outcomes),
-- from their index entries alone: a store's 2,000 customers met for the first time were 16,000
-- heap fetches across the whole table.
DROP INDEX insight_facts_by_customer;
CREATE INDEX insight_facts_by_customer ON insight_facts (org_id, customer_id, occurred_at DESC)
    INCLUDE (interaction_id, feeling, nps, csat, outcome) WHERE logged AND customer_id IS NOT NULL;

-- Index-only scans skip the heap once autovacuum has marked its pages all-visible.
ANALYZE insight_staff_touch_point_weeks, insight_touch_point_weeks, follow_ups, customers, insight_facts;
