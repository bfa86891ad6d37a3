-- One touch point's reasons across the whole organisation, without the store: a year of a busy
-- touch point read ~150,000 store × reason × week rows at 10M conversations; these hold one row per
-- reason a day (and a week). A store's own touch-point dashboard still reads the rows by store.
CREATE TABLE insight_org_reason_touch_point_days (
    org_id          uuid NOT NULL,
    day             date NOT NULL,
    touch_point_id  uuid NOT NULL,
    reason          text NOT NULL,
    interactions    integer NOT NULL,
    PRIMARY KEY (org_id, touch_point_id, day, reason)
);

CREATE TABLE insight_org_reason_touch_point_weeks (
    org_id          uuid NOT NULL,
    week            date NOT NULL,
    touch_point_id  uuid NOT NULL,
    reason          text NOT NULL,
    interactions    integer NOT NULL,
    PRIMARY KEY (org_id, touch_point_id, week, reason)
);

-- The refresh a push calls stays one function: what it did, then these from the rows by store
-- it has just rewritten (the organisation's days and weeks the store-days fall in).
ALTER FUNCTION insight_refresh(uuid, uuid[], date[]) RENAME TO insight_refresh_by_store;

CREATE FUNCTION insight_refresh(org uuid, stores uuid[], days date[]) RETURNS void LANGUAGE sql AS $$
    SELECT insight_refresh_by_store(org, stores, days);

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
$$;

-- What is already there.
INSERT INTO insight_org_reason_touch_point_days
SELECT org_id, day, touch_point_id, reason, sum(interactions)
FROM insight_reason_touch_point_days GROUP BY org_id, day, touch_point_id, reason;

INSERT INTO insight_org_reason_touch_point_weeks
SELECT org_id, week, touch_point_id, reason, sum(interactions)
FROM insight_reason_touch_point_weeks GROUP BY org_id, week, touch_point_id, reason;
