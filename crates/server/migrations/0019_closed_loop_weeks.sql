-- The closed loop of a long period (issue 13): at 10M conversations a year of the whole
-- organisation summed 182,000 store-days and read 1.2M recovered conversations twice (each
-- store's median, then the organisation's, each skipped to in order of hours): 1.5 s. Like the
-- insight rollups, a period now reads whole weeks from week rows and only the days at either
-- end from day rows; a week row carries its recovered conversations' hours, sorted, so every
-- median (each store's, all stores') is taken by the server from a few thousand arrays.

CREATE TABLE insight_loop_weeks (
    org_id      uuid NOT NULL,
    store_id    uuid NOT NULL,
    -- The Monday of the week, on the store's own calendar (the days' week).
    week        date NOT NULL,
    unhappy     integer NOT NULL,
    followed_up integer NOT NULL,
    within_sla  integer NOT NULL,
    recovered   integer NOT NULL,
    after_1     integer NOT NULL,
    after_2     integer NOT NULL,
    after_3     integer NOT NULL,
    after_4     integer NOT NULL,
    after_5     integer NOT NULL,
    -- Hours to recover of the week's recovered conversations, in order (`recovered` of them).
    hours       double precision[] NOT NULL,
    PRIMARY KEY (org_id, store_id, week)
);
CREATE INDEX insight_loop_weeks_by_week ON insight_loop_weeks (org_id, week);

-- The days at either end of a period: their hours with their store, from the index alone.
-- Nothing skips through the organisation's hours in order any more.
DROP INDEX insight_loop_recovered_by_hours;
DROP INDEX insight_loop_recovered_by_day;
CREATE INDEX insight_loop_recovered_by_day ON insight_loop_recovered (org_id, day) INCLUDE (store_id, hours);

-- Overdue now: the open follow-ups past due, from the index alone (at 16,000 overdue the
-- heap fetches were most of the figure); one store's by their store.
DROP INDEX follow_ups_open;
CREATE INDEX follow_ups_open ON follow_ups (org_id, due_at) INCLUDE (store_id, customer_id)
    WHERE status IN ('open', 'in_progress');
CREATE INDEX follow_ups_open_by_store ON follow_ups (org_id, store_id, due_at)
    WHERE status IN ('open', 'in_progress');

-- Recomputes the week rows of the weeks holding the given store-days, from their day rows (after
-- insight_loop_refresh of the same store-days).
CREATE FUNCTION insight_loop_weeks_refresh(org uuid, stores uuid[], days date[])
RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    DELETE FROM insight_loop_weeks r
    USING (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS t(s, d)) w
    WHERE r.org_id = org AND r.store_id = w.store_id AND r.week = w.week;

    INSERT INTO insight_loop_weeks
    SELECT org, w.store_id, w.week, sum(d.unhappy), sum(d.followed_up), sum(d.within_sla), sum(d.recovered),
           sum(d.after_1), sum(d.after_2), sum(d.after_3), sum(d.after_4), sum(d.after_5),
           coalesce((SELECT array_agg(r.hours ORDER BY r.hours) FROM insight_loop_recovered r
                     WHERE r.org_id = org AND r.store_id = w.store_id AND r.day >= w.week AND r.day < w.week + 7),
                    '{}')
    FROM (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS t(s, d)) w
    JOIN insight_loop_days d ON d.org_id = org AND d.store_id = w.store_id AND d.day >= w.week AND d.day < w.week + 7
    GROUP BY w.store_id, w.week;
END
$$;

-- Every week an existing organisation has.
ANALYZE insight_loop_days;
ANALYZE insight_loop_recovered;
INSERT INTO insight_loop_weeks
SELECT d.org_id, d.store_id, d.week, d.unhappy, d.followed_up, d.within_sla, d.recovered,
       d.a1, d.a2, d.a3, d.a4, d.a5, coalesce(h.hours, '{}')
FROM (SELECT org_id, store_id, date_trunc('week', day)::date AS week, sum(unhappy) AS unhappy,
             sum(followed_up) AS followed_up, sum(within_sla) AS within_sla, sum(recovered) AS recovered,
             sum(after_1) AS a1, sum(after_2) AS a2, sum(after_3) AS a3, sum(after_4) AS a4, sum(after_5) AS a5
      FROM insight_loop_days GROUP BY 1, 2, 3) d
LEFT JOIN (SELECT org_id, store_id, date_trunc('week', day)::date AS week, array_agg(hours ORDER BY hours) AS hours
           FROM insight_loop_recovered GROUP BY 1, 2, 3) h USING (org_id, store_id, week);
