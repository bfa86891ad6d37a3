-- The organisation's own rollups (every store's rows of a day summed, and their weeks) are no
-- longer recomputed by every push (issue 14). Recomputing them read every store's rows of the
-- day and week each time — some twenty thousand rows at a chain's size — inside the push's
-- transaction, while it holds the organisation's sequence counter, so every push of a chain
-- waited for the one before it: at 100 desks a push took 138 ms at p50 and 2 s at p99 in the
-- load bench, and a second organisation's pulls waited too.
--
-- A push now recomputes its store-days (as before) and marks their days in
-- `insight_org_dirty`. `insight_org_settle` recomputes the marked days' organisation rows from
-- the store rows, under a lock of the organisation's own, in its own transaction: before a
-- dashboard is read and every few seconds in the background. One settle counts a day for
-- every push since the last, not once a push.
--
-- Why it cannot miss a push: it reads the marks, then recomputes (each statement sees every
-- store row committed before it ran), then deletes the marks it read, as it read them. A push
-- committed before the read is counted; one that commits later has marked its day again
-- (a new `mark`), so its mark stays for the next settle. A settle that deleted its marks
-- before recomputing made a push that marked the same day wait for the whole recompute while
-- it held the organisation's counter: p99 3.8 s at 500 desks.

CREATE TABLE insight_org_dirty (
    org_id  uuid NOT NULL,
    day     date NOT NULL,
    -- Changed by every push that marks the day again: a settle takes away only the marks it
    -- read, as it read them.
    mark    bigint NOT NULL,
    PRIMARY KEY (org_id, day)
);

CREATE SEQUENCE insight_org_dirty_mark;

CREATE OR REPLACE FUNCTION insight_refresh_by_store(org uuid, stores uuid[], days date[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM insight_touch_point_days r USING unnest(stores, days) AS d(store_id, day)
        WHERE r.org_id = org AND r.store_id = d.store_id AND r.day = d.day;
    DELETE FROM insight_staff_days r USING unnest(stores, days) AS d(store_id, day)
        WHERE r.org_id = org AND r.store_id = d.store_id AND r.day = d.day;
    DELETE FROM insight_reason_days r USING unnest(stores, days) AS d(store_id, day)
        WHERE r.org_id = org AND r.store_id = d.store_id AND r.day = d.day;
    INSERT INTO insight_touch_point_days
        SELECT org, day, store_id, touch_point_id, count(*),
               count(*) FILTER (WHERE nps >= 9), count(*) FILTER (WHERE nps <= 6), count(nps),
               coalesce(sum(csat), 0), count(csat), coalesce(sum(ces), 0), count(ces),
               count(*) FILTER (WHERE feeling = 1), count(*) FILTER (WHERE feeling = 2),
               count(*) FILTER (WHERE feeling = 3), count(*) FILTER (WHERE feeling = 4),
               count(*) FILTER (WHERE feeling = 5),
               count(*) FILTER (WHERE outcome = 'resolved'), count(*) FILTER (WHERE outcome = 'escalated'),
               count(*) FILTER (WHERE outcome = 'follow_up_needed'), count(*) FILTER (WHERE outcome = 'unresolved')
        FROM (SELECT f.* FROM insight_facts f
              JOIN (SELECT DISTINCT * FROM unnest(stores, days) AS d(store_id, day)) d
                ON f.store_id = d.store_id AND f.day = d.day
              WHERE f.org_id = org AND f.logged) f
        GROUP BY day, store_id, touch_point_id;
    INSERT INTO insight_staff_days
        SELECT org, day, store_id, staff_id, count(*),
               count(*) FILTER (WHERE nps >= 9), count(*) FILTER (WHERE nps <= 6), count(nps),
               coalesce(sum(csat), 0), count(csat), coalesce(sum(ces), 0), count(ces),
               count(*) FILTER (WHERE feeling = 1), count(*) FILTER (WHERE feeling = 2),
               count(*) FILTER (WHERE feeling = 3), count(*) FILTER (WHERE feeling = 4),
               count(*) FILTER (WHERE feeling = 5)
        FROM (SELECT f.* FROM insight_facts f
              JOIN (SELECT DISTINCT * FROM unnest(stores, days) AS d(store_id, day)) d
                ON f.store_id = d.store_id AND f.day = d.day
              WHERE f.org_id = org AND f.logged) f
        GROUP BY day, store_id, staff_id;
    INSERT INTO insight_reason_days
        SELECT org, day, store_id, coalesce(trim(reason), ''), count(*)
        FROM (SELECT f.* FROM insight_facts f
              JOIN (SELECT DISTINCT * FROM unnest(stores, days) AS d(store_id, day)) d
                ON f.store_id = d.store_id AND f.day = d.day
              WHERE f.org_id = org AND f.logged) f
        GROUP BY day, store_id, coalesce(trim(reason), '');
    DELETE FROM insight_touch_point_weeks r USING (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k
        WHERE r.org_id = org AND r.store_id = k.store_id AND r.week = k.week;
    DELETE FROM insight_staff_weeks r USING (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k
        WHERE r.org_id = org AND r.store_id = k.store_id AND r.week = k.week;
    DELETE FROM insight_reason_weeks r USING (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k
        WHERE r.org_id = org AND r.store_id = k.store_id AND r.week = k.week;
    INSERT INTO insight_touch_point_weeks
        SELECT org, k.week, r.store_id, r.touch_point_id, sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum),
               sum(csat_responses), sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3),
               sum(feeling_4), sum(feeling_5),
               sum(resolved), sum(escalated), sum(follow_up_needed), sum(unresolved)
        FROM insight_touch_point_days r JOIN (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k ON r.store_id = k.store_id AND r.day >= k.week AND r.day < k.week + 7
        WHERE r.org_id = org
        GROUP BY k.week, r.store_id, r.touch_point_id;
    INSERT INTO insight_staff_weeks
        SELECT org, k.week, r.store_id, r.staff_id, sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum),
               sum(csat_responses), sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3),
               sum(feeling_4), sum(feeling_5)
        FROM insight_staff_days r JOIN (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k ON r.store_id = k.store_id AND r.day >= k.week AND r.day < k.week + 7
        WHERE r.org_id = org
        GROUP BY k.week, r.store_id, r.staff_id;
    INSERT INTO insight_reason_weeks
        SELECT org, k.week, r.store_id, r.reason, sum(interactions)
        FROM insight_reason_days r JOIN (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k ON r.store_id = k.store_id AND r.day >= k.week AND r.day < k.week + 7
        WHERE r.org_id = org
        GROUP BY k.week, r.store_id, r.reason;
    DELETE FROM insight_store_days r USING unnest(stores, days) AS d(store_id, day)
        WHERE r.org_id = org AND r.store_id = d.store_id AND r.day = d.day;
    DELETE FROM insight_store_weeks r USING (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k
        WHERE r.org_id = org AND r.store_id = k.store_id AND r.week = k.week;
    INSERT INTO insight_store_days
        SELECT org, r.day, r.store_id, sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum),
               sum(csat_responses), sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3),
               sum(feeling_4), sum(feeling_5)
        FROM insight_touch_point_days r JOIN (SELECT DISTINCT * FROM unnest(stores, days) AS d(store_id, day)) d
          ON r.store_id = d.store_id AND r.day = d.day
        WHERE r.org_id = org GROUP BY r.day, r.store_id;
    INSERT INTO insight_store_weeks
        SELECT org, k.week, r.store_id, sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum),
               sum(csat_responses), sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3),
               sum(feeling_4), sum(feeling_5)
        FROM insight_store_days r JOIN (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k ON r.store_id = k.store_id AND r.day >= k.week AND r.day < k.week + 7
        WHERE r.org_id = org GROUP BY k.week, r.store_id;
    DELETE FROM insight_staff_touch_point_days r USING unnest(stores, days) AS d(store_id, day)
        WHERE r.org_id = org AND r.store_id = d.store_id AND r.day = d.day;
    DELETE FROM insight_reason_touch_point_days r USING unnest(stores, days) AS d(store_id, day)
        WHERE r.org_id = org AND r.store_id = d.store_id AND r.day = d.day;
    DELETE FROM insight_staff_touch_point_weeks r USING (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k
        WHERE r.org_id = org AND r.store_id = k.store_id AND r.week = k.week;
    DELETE FROM insight_reason_touch_point_weeks r USING (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k
        WHERE r.org_id = org AND r.store_id = k.store_id AND r.week = k.week;
    INSERT INTO insight_staff_touch_point_days
        SELECT org, day, store_id, staff_id, touch_point_id, count(*),
               count(*) FILTER (WHERE nps >= 9), count(*) FILTER (WHERE nps <= 6), count(nps),
               coalesce(sum(csat), 0), count(csat), coalesce(sum(ces), 0), count(ces),
               count(*) FILTER (WHERE feeling = 1), count(*) FILTER (WHERE feeling = 2),
               count(*) FILTER (WHERE feeling = 3), count(*) FILTER (WHERE feeling = 4),
               count(*) FILTER (WHERE feeling = 5)
        FROM (SELECT f.* FROM insight_facts f
              JOIN (SELECT DISTINCT * FROM unnest(stores, days) AS d(store_id, day)) d
                ON f.store_id = d.store_id AND f.day = d.day
              WHERE f.org_id = org AND f.logged) f
        GROUP BY day, store_id, staff_id, touch_point_id;
    INSERT INTO insight_reason_touch_point_days
        SELECT org, day, store_id, touch_point_id, coalesce(trim(reason), ''), count(*)
        FROM (SELECT f.* FROM insight_facts f
              JOIN (SELECT DISTINCT * FROM unnest(stores, days) AS d(store_id, day)) d
                ON f.store_id = d.store_id AND f.day = d.day
              WHERE f.org_id = org AND f.logged) f
        GROUP BY day, store_id, touch_point_id, coalesce(trim(reason), '');
    INSERT INTO insight_staff_touch_point_weeks
        SELECT org, k.week, r.store_id, r.staff_id, r.touch_point_id, sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum),
               sum(csat_responses), sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3),
               sum(feeling_4), sum(feeling_5)
        FROM insight_staff_touch_point_days r JOIN (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k
          ON r.store_id = k.store_id AND r.day >= k.week AND r.day < k.week + 7
        WHERE r.org_id = org GROUP BY k.week, r.store_id, r.staff_id, r.touch_point_id;
    INSERT INTO insight_reason_touch_point_weeks
        SELECT org, k.week, r.store_id, r.touch_point_id, r.reason, sum(interactions)
        FROM insight_reason_touch_point_days r JOIN (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k
          ON r.store_id = k.store_id AND r.day >= k.week AND r.day < k.week + 7
        WHERE r.org_id = org GROUP BY k.week, r.store_id, r.touch_point_id, r.reason;
$$;

CREATE OR REPLACE FUNCTION insight_refresh(org uuid, stores uuid[], days date[]) RETURNS void LANGUAGE sql AS $$
    SELECT insight_refresh_by_store(org, stores, days);
    INSERT INTO insight_org_dirty
    SELECT org, d, nextval('insight_org_dirty_mark') FROM (SELECT DISTINCT d FROM unnest(days) AS x(d)) x
    ON CONFLICT (org_id, day) DO UPDATE SET mark = EXCLUDED.mark;
$$;

CREATE FUNCTION insight_org_settle(org uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    days date[];
    marks bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('insight_org_settle:' || org::text, 0));
    SELECT array_agg(d.day), array_agg(d.mark) INTO days, marks FROM insight_org_dirty d WHERE d.org_id = org;
    IF days IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM insight_org_touch_point_days r USING (SELECT DISTINCT d AS day FROM unnest(days) AS x(d)) x WHERE r.org_id = org AND r.day = x.day;
    DELETE FROM insight_org_reason_days r USING (SELECT DISTINCT d AS day FROM unnest(days) AS x(d)) x WHERE r.org_id = org AND r.day = x.day;
    DELETE FROM insight_org_touch_point_weeks r USING (SELECT DISTINCT date_trunc('week', d)::date AS week FROM unnest(days) AS x(d)) k WHERE r.org_id = org AND r.week = k.week;
    DELETE FROM insight_org_reason_weeks r USING (SELECT DISTINCT date_trunc('week', d)::date AS week FROM unnest(days) AS x(d)) k WHERE r.org_id = org AND r.week = k.week;
    INSERT INTO insight_org_touch_point_days
        SELECT org, r.day, r.touch_point_id, sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum),
               sum(csat_responses), sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3),
               sum(feeling_4), sum(feeling_5), sum(resolved), sum(escalated), sum(follow_up_needed), sum(unresolved)
        FROM insight_touch_point_days r JOIN (SELECT DISTINCT d AS day FROM unnest(days) AS x(d)) x ON r.day = x.day
        WHERE r.org_id = org GROUP BY r.day, r.touch_point_id;
    INSERT INTO insight_org_reason_days
        SELECT org, r.day, r.reason, sum(interactions)
        FROM insight_reason_days r JOIN (SELECT DISTINCT d AS day FROM unnest(days) AS x(d)) x ON r.day = x.day
        WHERE r.org_id = org GROUP BY r.day, r.reason;
    INSERT INTO insight_org_touch_point_weeks
        SELECT org, k.week, r.touch_point_id, sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum),
               sum(csat_responses), sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3),
               sum(feeling_4), sum(feeling_5), sum(resolved), sum(escalated), sum(follow_up_needed), sum(unresolved)
        FROM insight_org_touch_point_days r JOIN (SELECT DISTINCT date_trunc('week', d)::date AS week FROM unnest(days) AS x(d)) k ON r.day >= k.week AND r.day < k.week + 7
        WHERE r.org_id = org GROUP BY k.week, r.touch_point_id;
    INSERT INTO insight_org_reason_weeks
        SELECT org, k.week, r.reason, sum(interactions)
        FROM insight_org_reason_days r JOIN (SELECT DISTINCT date_trunc('week', d)::date AS week FROM unnest(days) AS x(d)) k ON r.day >= k.week AND r.day < k.week + 7
        WHERE r.org_id = org GROUP BY k.week, r.reason;
    DELETE FROM insight_org_reason_touch_point_days r USING (SELECT DISTINCT d AS day FROM unnest(days) AS x(d)) x
        WHERE r.org_id = org AND r.day = x.day;
    DELETE FROM insight_org_reason_touch_point_weeks r
        USING (SELECT DISTINCT date_trunc('week', d)::date AS week FROM unnest(days) AS x(d)) k
        WHERE r.org_id = org AND r.week = k.week;
    INSERT INTO insight_org_reason_touch_point_days
        SELECT org, r.day, r.touch_point_id, r.reason, sum(interactions)
        FROM insight_reason_touch_point_days r JOIN (SELECT DISTINCT d AS day FROM unnest(days) AS x(d)) x ON r.day = x.day
        WHERE r.org_id = org GROUP BY r.day, r.touch_point_id, r.reason;
    INSERT INTO insight_org_reason_touch_point_weeks
        SELECT org, k.week, r.touch_point_id, r.reason, sum(interactions)
        FROM insight_org_reason_touch_point_days r
        JOIN (SELECT DISTINCT date_trunc('week', d)::date AS week FROM unnest(days) AS x(d)) k
          ON r.day >= k.week AND r.day < k.week + 7
        WHERE r.org_id = org GROUP BY k.week, r.touch_point_id, r.reason;
    -- Last, and only the marks as they were read: a push that marked a day again meanwhile
    -- (its rows perhaps not counted above) leaves its mark for the next settle. Nothing here
    -- waits on a push, nor a push on this, but for this one short statement.
    DELETE FROM insight_org_dirty d USING unnest(days, marks) AS t(day, mark)
    WHERE d.org_id = org AND d.day = t.day AND d.mark = t.mark;
END
$$;

-- A store's weeks are summed from its days: by the store, not by reading every store's rows of
-- the organisation (these three had no such index, and the weeks' inserts of every push read
-- the whole table: 67 ms a push at 300,000 conversations, 14 ms with them).
CREATE INDEX insight_staff_touch_point_days_by_store ON insight_staff_touch_point_days (org_id, store_id, day);
CREATE INDEX insight_reason_touch_point_days_by_store ON insight_reason_touch_point_days (org_id, store_id, day);
CREATE INDEX insight_store_days_by_store ON insight_store_days (org_id, store_id, day);
-- The settle's deletes by day and by week.
CREATE INDEX insight_org_reason_touch_point_days_by_day ON insight_org_reason_touch_point_days (org_id, day);
CREATE INDEX insight_org_reason_touch_point_weeks_by_week ON insight_org_reason_touch_point_weeks (org_id, week);
