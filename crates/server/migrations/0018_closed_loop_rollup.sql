-- The closed loop from rollups (issue 13): computed from the facts and the follow-ups at every
-- read, a year of a large organisation took seconds. Like the insight rollups (0011), a push
-- recomputes the closed loop of the store-days it touched, in its transaction, by one function:
-- what a conversation counts is written once, here, by the rules of `touchpoint_protocol::risk`.

-- The closed loop counts, for an unhappy conversation, the follow-ups opened for its customer
-- from their page (linked to no conversation) at or after it. Found through the customer's
-- index, every such probe read all of a frequent customer's follow-ups (the per-conversation
-- ones too): a cost that grew with the square of a customer's visits. These are few; index
-- just them, in the order the probe reads them.
CREATE INDEX follow_ups_from_page ON follow_ups (org_id, customer_id, created_at) WHERE interaction_id IS NULL;

-- A store's customers at risk include those whose home store it is: found by their index (at
-- 1M customers, reading them all made one store's list slower than the organisation's).
CREATE INDEX customers_by_home_store ON customers (org_id, home_store_id) WHERE home_store_id IS NOT NULL;

-- One row per store-day with anything to count, by the day of the conversation (the store's
-- own calendar, as the facts keep it).
CREATE TABLE insight_loop_days (
    org_id      uuid NOT NULL,
    store_id    uuid NOT NULL,
    day         date NOT NULL,
    unhappy     integer NOT NULL,
    followed_up integer NOT NULL,
    within_sla  integer NOT NULL,
    -- Recovered (a follow-up done): the rows of `insight_loop_recovered` the store-day holds.
    recovered   integer NOT NULL,
    -- Feelings after a follow-up done (1 very unhappy … 5 very happy), counted per follow-up.
    after_1     integer NOT NULL,
    after_2     integer NOT NULL,
    after_3     integer NOT NULL,
    after_4     integer NOT NULL,
    after_5     integer NOT NULL,
    PRIMARY KEY (org_id, store_id, day)
);
CREATE INDEX insight_loop_days_by_day ON insight_loop_days (org_id, day) INCLUDE (store_id);

-- One row per unhappy conversation recovered (a follow-up done), with how long it took: a
-- median cannot be summed, so the figures take it from these rows. Each store's rows in order
-- of hours give its median without a sort; the organisation's in order of hours give the
-- middle value of a long period by skipping to it (`closed_loop::figures`).
CREATE TABLE insight_loop_recovered (
    org_id   uuid NOT NULL,
    store_id uuid NOT NULL,
    day      date NOT NULL,
    hours    double precision NOT NULL
);
CREATE INDEX insight_loop_recovered_by_store ON insight_loop_recovered (org_id, store_id, day) INCLUDE (hours);
CREATE INDEX insight_loop_recovered_by_day ON insight_loop_recovered (org_id, day) INCLUDE (hours);
CREATE INDEX insight_loop_recovered_by_hours ON insight_loop_recovered (org_id, hours) INCLUDE (day);

-- Recomputes the closed loop of the given store-days; idempotent, like insight_refresh.
-- `sla_hours` is `touchpoint_protocol::risk::SLA_HOURS`, passed by the server. PL/pgSQL planned
-- for each call's arrays: planned for arrays of unknown length (as a SQL function's statements
-- are), the joins between the steps below become nested loops, quadratic in the conversations
-- of the store-days (minutes for an organisation's rebuild).
CREATE FUNCTION insight_loop_refresh(org uuid, stores uuid[], days date[], sla_hours integer)
RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    DELETE FROM insight_loop_days r USING unnest(stores, days) AS d(store_id, day)
    WHERE r.org_id = org AND r.store_id = d.store_id AND r.day = d.day;
    DELETE FROM insight_loop_recovered r USING unnest(stores, days) AS d(store_id, day)
    WHERE r.org_id = org AND r.store_id = d.store_id AND r.day = d.day;

    WITH sd AS (SELECT DISTINCT * FROM unnest(stores, days) AS d(store_id, day)),
    facts AS (
        SELECT f.* FROM sd JOIN insight_facts f ON f.org_id = org AND f.store_id = sd.store_id AND f.day = sd.day
        WHERE f.logged
    ),
    -- A conversation that left the customer unhappy.
    unhappy AS (
        SELECT f.interaction_id, f.store_id, f.day, f.customer_id, f.occurred_at FROM facts f
        WHERE f.feeling <= 2 OR f.nps <= 6 OR f.csat <= 2
    ),
    -- Its follow-ups: those opened from it, and those opened for the same customer from their
    -- page (linked to no conversation) at or after it.
    answered AS (
        SELECT u.interaction_id, fu.status, fu.closed_at FROM unhappy u
        JOIN follow_ups fu ON fu.org_id = org AND fu.interaction_id = u.interaction_id
        UNION ALL
        SELECT u.interaction_id, fu.status, fu.closed_at FROM unhappy u
        JOIN follow_ups fu ON fu.org_id = org AND fu.customer_id = u.customer_id AND fu.interaction_id IS NULL
                          AND fu.created_at >= u.occurred_at
    ),
    per AS (
        SELECT interaction_id,
               min(closed_at) FILTER (WHERE status IN ('done', 'could_not_reach')) AS closed_at,
               bool_or(status = 'done') AS recovered
        FROM answered GROUP BY interaction_id
    ),
    handled AS (
        SELECT u.store_id, u.day, u.occurred_at, p.interaction_id IS NOT NULL AS followed_up,
               p.closed_at, coalesce(p.recovered, false) AS recovered
        FROM unhappy u LEFT JOIN per p USING (interaction_id)
    ),
    recovered AS (
        INSERT INTO insight_loop_recovered (org_id, store_id, day, hours)
        SELECT org, store_id, day, extract(epoch FROM closed_at - occurred_at)::float8 / 3600 FROM handled
        WHERE closed_at IS NOT NULL AND recovered
    ),
    counts AS (
        SELECT store_id, day, count(*) AS unhappy, count(*) FILTER (WHERE followed_up) AS followed_up,
               count(*) FILTER (WHERE closed_at - occurred_at <= make_interval(hours => sla_hours)) AS within_sla,
               count(*) FILTER (WHERE closed_at IS NOT NULL AND recovered) AS recovered
        FROM handled GROUP BY store_id, day
    ),
    after AS (
        SELECT f.store_id, f.day,
               count(*) FILTER (WHERE fu.feeling_after = 1) AS a1, count(*) FILTER (WHERE fu.feeling_after = 2) AS a2,
               count(*) FILTER (WHERE fu.feeling_after = 3) AS a3, count(*) FILTER (WHERE fu.feeling_after = 4) AS a4,
               count(*) FILTER (WHERE fu.feeling_after = 5) AS a5
        FROM facts f JOIN follow_ups fu ON fu.org_id = org AND fu.interaction_id = f.interaction_id
        WHERE fu.status = 'done' AND fu.feeling_after IS NOT NULL
        GROUP BY f.store_id, f.day
    )
    INSERT INTO insight_loop_days
    SELECT org, store_id, day, coalesce(c.unhappy, 0), coalesce(c.followed_up, 0), coalesce(c.within_sla, 0),
           coalesce(c.recovered, 0), coalesce(a.a1, 0), coalesce(a.a2, 0), coalesce(a.a3, 0), coalesce(a.a4, 0), coalesce(a.a5, 0)
    FROM counts c FULL JOIN after a USING (store_id, day);
END
$$;

-- Every store-day an existing organisation has (48: `risk::SLA_HOURS` when this was written),
-- planned on fresh statistics (tables just filled and never analysed get nested loops over
-- sequential scans: the rebuild of 1M conversations ran for over a quarter of an hour).
ANALYZE insight_facts;
ANALYZE follow_ups;
SELECT insight_loop_refresh(org_id, array_agg(store_id), array_agg(day), 48)
FROM (SELECT DISTINCT org_id, store_id, day FROM insight_facts WHERE logged) d GROUP BY org_id;
