-- The organisation's insight, computed in PostgreSQL (issue 13). Conversations travel in the
-- change log as the desks sent them; these tables hold what the figures are made of.

-- One row per conversation as it stands now: as logged, as last corrected field by field, and
-- with its feedback. `day` is the day it happened on its store's calendar. A row can exist
-- before its conversation arrives (feedback or a correction pushed first): `logged` says
-- whether it counts yet.
CREATE TABLE insight_facts (
    org_id          uuid NOT NULL,
    interaction_id  uuid NOT NULL,
    logged          boolean NOT NULL DEFAULT false,
    store_id        uuid,
    staff_id        uuid,
    customer_id     uuid,
    touch_point_id  uuid,
    reason          text,
    outcome         text,
    occurred_at     timestamptz,
    day             date,
    -- The correction that set each corrected field (NULL: as logged).
    touch_point_hlc text,
    reason_hlc      text,
    outcome_hlc     text,
    -- 1 very unhappy … 5 very happy.
    feeling         smallint CHECK (feeling BETWEEN 1 AND 5),
    nps             smallint CHECK (nps BETWEEN 0 AND 10),
    csat            smallint CHECK (csat BETWEEN 1 AND 5),
    ces             smallint CHECK (ces BETWEEN 1 AND 7),
    feedback_hlc    text,
    PRIMARY KEY (org_id, interaction_id)
);

CREATE INDEX insight_facts_by_day ON insight_facts (org_id, day, store_id) WHERE logged;
CREATE INDEX insight_facts_by_touch_point ON insight_facts (org_id, touch_point_id, day) WHERE logged;
CREATE INDEX insight_facts_by_staff ON insight_facts (org_id, staff_id, day) WHERE logged;
CREATE INDEX insight_facts_by_time ON insight_facts (org_id, occurred_at DESC) WHERE logged;

-- Rollups, by day and by week (Monday), per store: by touch point (scores, feelings, outcomes),
-- by person and by reason. A dashboard reads whole weeks from the week rollups and the days at
-- either end of its period from the day rollups. Day rows are recomputed from the facts for
-- every store-day a push touches, and week rows from those day rows, in the push's transaction
-- (pushes of one organisation are serialised by its counter, so a recompute always sees every
-- earlier push). The score columns are a Tally (touchpoint_protocol::insight).
CREATE TABLE insight_touch_point_days (
    org_id          uuid NOT NULL,
    day             date NOT NULL,
    store_id        uuid NOT NULL,
    touch_point_id  uuid NOT NULL,
    interactions    integer NOT NULL,
    promoters       integer NOT NULL,
    detractors      integer NOT NULL,
    nps_responses   integer NOT NULL,
    csat_sum        integer NOT NULL,
    csat_responses  integer NOT NULL,
    ces_sum         integer NOT NULL,
    ces_responses   integer NOT NULL,
    feeling_1       integer NOT NULL,
    feeling_2       integer NOT NULL,
    feeling_3       integer NOT NULL,
    feeling_4       integer NOT NULL,
    feeling_5       integer NOT NULL,
    resolved        integer NOT NULL,
    escalated       integer NOT NULL,
    follow_up_needed integer NOT NULL,
    unresolved      integer NOT NULL,
    PRIMARY KEY (org_id, day, store_id, touch_point_id)
);

CREATE TABLE insight_staff_days (
    org_id          uuid NOT NULL,
    day             date NOT NULL,
    store_id        uuid NOT NULL,
    staff_id        uuid NOT NULL,
    interactions    integer NOT NULL,
    promoters       integer NOT NULL,
    detractors      integer NOT NULL,
    nps_responses   integer NOT NULL,
    csat_sum        integer NOT NULL,
    csat_responses  integer NOT NULL,
    ces_sum         integer NOT NULL,
    ces_responses   integer NOT NULL,
    feeling_1       integer NOT NULL,
    feeling_2       integer NOT NULL,
    feeling_3       integer NOT NULL,
    feeling_4       integer NOT NULL,
    feeling_5       integer NOT NULL,
    PRIMARY KEY (org_id, day, store_id, staff_id)
);

CREATE TABLE insight_reason_days (
    org_id          uuid NOT NULL,
    day             date NOT NULL,
    store_id        uuid NOT NULL,
    -- Trimmed; '' for none.
    reason          text NOT NULL,
    interactions    integer NOT NULL,
    PRIMARY KEY (org_id, day, store_id, reason)
);

CREATE TABLE insight_touch_point_weeks (LIKE insight_touch_point_days INCLUDING ALL);
ALTER TABLE insight_touch_point_weeks RENAME COLUMN day TO week;
CREATE TABLE insight_staff_weeks (LIKE insight_staff_days INCLUDING ALL);
ALTER TABLE insight_staff_weeks RENAME COLUMN day TO week;
CREATE TABLE insight_reason_weeks (LIKE insight_reason_days INCLUDING ALL);
ALTER TABLE insight_reason_weeks RENAME COLUMN day TO week;

-- The whole organisation's figures read rollups without the store (touch points and reasons)
-- and one by store without the touch point: a year of 500 stores is a few thousand rows, not
-- hundreds of thousands. Derived from the store rollups above by the same refresh.
CREATE TABLE insight_org_touch_point_days (
    org_id          uuid NOT NULL,
    day             date NOT NULL,
    touch_point_id  uuid NOT NULL,
    interactions    integer NOT NULL,
    promoters       integer NOT NULL,
    detractors      integer NOT NULL,
    nps_responses   integer NOT NULL,
    csat_sum        integer NOT NULL,
    csat_responses  integer NOT NULL,
    ces_sum         integer NOT NULL,
    ces_responses   integer NOT NULL,
    feeling_1       integer NOT NULL,
    feeling_2       integer NOT NULL,
    feeling_3       integer NOT NULL,
    feeling_4       integer NOT NULL,
    feeling_5       integer NOT NULL,
    resolved        integer NOT NULL,
    escalated       integer NOT NULL,
    follow_up_needed integer NOT NULL,
    unresolved      integer NOT NULL,
    PRIMARY KEY (org_id, day, touch_point_id)
);

CREATE TABLE insight_store_days (
    org_id          uuid NOT NULL,
    day             date NOT NULL,
    store_id        uuid NOT NULL,
    interactions    integer NOT NULL,
    promoters       integer NOT NULL,
    detractors      integer NOT NULL,
    nps_responses   integer NOT NULL,
    csat_sum        integer NOT NULL,
    csat_responses  integer NOT NULL,
    ces_sum         integer NOT NULL,
    ces_responses   integer NOT NULL,
    feeling_1       integer NOT NULL,
    feeling_2       integer NOT NULL,
    feeling_3       integer NOT NULL,
    feeling_4       integer NOT NULL,
    feeling_5       integer NOT NULL,
    PRIMARY KEY (org_id, day, store_id)
);

CREATE TABLE insight_org_reason_days (
    org_id          uuid NOT NULL,
    day             date NOT NULL,
    reason          text NOT NULL,
    interactions    integer NOT NULL,
    PRIMARY KEY (org_id, day, reason)
);

CREATE TABLE insight_org_touch_point_weeks (
    org_id          uuid NOT NULL,
    week            date NOT NULL,
    touch_point_id  uuid NOT NULL,
    interactions    integer NOT NULL,
    promoters       integer NOT NULL,
    detractors      integer NOT NULL,
    nps_responses   integer NOT NULL,
    csat_sum        integer NOT NULL,
    csat_responses  integer NOT NULL,
    ces_sum         integer NOT NULL,
    ces_responses   integer NOT NULL,
    feeling_1       integer NOT NULL,
    feeling_2       integer NOT NULL,
    feeling_3       integer NOT NULL,
    feeling_4       integer NOT NULL,
    feeling_5       integer NOT NULL,
    resolved        integer NOT NULL,
    escalated       integer NOT NULL,
    follow_up_needed integer NOT NULL,
    unresolved      integer NOT NULL,
    PRIMARY KEY (org_id, week, touch_point_id)
);

CREATE TABLE insight_store_weeks (
    org_id          uuid NOT NULL,
    week            date NOT NULL,
    store_id        uuid NOT NULL,
    interactions    integer NOT NULL,
    promoters       integer NOT NULL,
    detractors      integer NOT NULL,
    nps_responses   integer NOT NULL,
    csat_sum        integer NOT NULL,
    csat_responses  integer NOT NULL,
    ces_sum         integer NOT NULL,
    ces_responses   integer NOT NULL,
    feeling_1       integer NOT NULL,
    feeling_2       integer NOT NULL,
    feeling_3       integer NOT NULL,
    feeling_4       integer NOT NULL,
    feeling_5       integer NOT NULL,
    PRIMARY KEY (org_id, week, store_id)
);

CREATE TABLE insight_org_reason_weeks (
    org_id          uuid NOT NULL,
    week            date NOT NULL,
    reason          text NOT NULL,
    interactions    integer NOT NULL,
    PRIMARY KEY (org_id, week, reason)
);


-- One touch point's figures (across stores or in one) read rollups that keep it beside the
-- person and the reason.
CREATE TABLE insight_staff_touch_point_days (
    org_id          uuid NOT NULL,
    day             date NOT NULL,
    store_id        uuid NOT NULL,
    staff_id        uuid NOT NULL,
    touch_point_id  uuid NOT NULL,
    interactions    integer NOT NULL,
    promoters       integer NOT NULL,
    detractors      integer NOT NULL,
    nps_responses   integer NOT NULL,
    csat_sum        integer NOT NULL,
    csat_responses  integer NOT NULL,
    ces_sum         integer NOT NULL,
    ces_responses   integer NOT NULL,
    feeling_1       integer NOT NULL,
    feeling_2       integer NOT NULL,
    feeling_3       integer NOT NULL,
    feeling_4       integer NOT NULL,
    feeling_5       integer NOT NULL,
    PRIMARY KEY (org_id, day, store_id, staff_id, touch_point_id)
);

CREATE TABLE insight_reason_touch_point_days (
    org_id          uuid NOT NULL,
    day             date NOT NULL,
    store_id        uuid NOT NULL,
    touch_point_id  uuid NOT NULL,
    reason          text NOT NULL,
    interactions    integer NOT NULL,
    PRIMARY KEY (org_id, day, store_id, touch_point_id, reason)
);

CREATE INDEX insight_staff_touch_point_days_by_touch_point ON insight_staff_touch_point_days (org_id, touch_point_id, day);
CREATE INDEX insight_reason_touch_point_days_by_touch_point ON insight_reason_touch_point_days (org_id, touch_point_id, day);
CREATE INDEX insight_touch_point_days_by_touch_point ON insight_touch_point_days (org_id, touch_point_id, day);

CREATE TABLE insight_staff_touch_point_weeks (
    org_id          uuid NOT NULL,
    week            date NOT NULL,
    store_id        uuid NOT NULL,
    staff_id        uuid NOT NULL,
    touch_point_id  uuid NOT NULL,
    interactions    integer NOT NULL,
    promoters       integer NOT NULL,
    detractors      integer NOT NULL,
    nps_responses   integer NOT NULL,
    csat_sum        integer NOT NULL,
    csat_responses  integer NOT NULL,
    ces_sum         integer NOT NULL,
    ces_responses   integer NOT NULL,
    feeling_1       integer NOT NULL,
    feeling_2       integer NOT NULL,
    feeling_3       integer NOT NULL,
    feeling_4       integer NOT NULL,
    feeling_5       integer NOT NULL,
    PRIMARY KEY (org_id, week, store_id, staff_id, touch_point_id)
);

CREATE TABLE insight_reason_touch_point_weeks (
    org_id          uuid NOT NULL,
    week            date NOT NULL,
    store_id        uuid NOT NULL,
    touch_point_id  uuid NOT NULL,
    reason          text NOT NULL,
    interactions    integer NOT NULL,
    PRIMARY KEY (org_id, week, store_id, touch_point_id, reason)
);

CREATE INDEX insight_staff_touch_point_weeks_by_touch_point ON insight_staff_touch_point_weeks (org_id, touch_point_id, week);
CREATE INDEX insight_reason_touch_point_weeks_by_touch_point ON insight_reason_touch_point_weeks (org_id, touch_point_id, week);
CREATE INDEX insight_touch_point_weeks_by_touch_point ON insight_touch_point_weeks (org_id, touch_point_id, week);

-- One store's figures read its own rows.
CREATE INDEX insight_touch_point_days_by_store ON insight_touch_point_days (org_id, store_id, day);
CREATE INDEX insight_staff_days_by_store ON insight_staff_days (org_id, store_id, day);
CREATE INDEX insight_reason_days_by_store ON insight_reason_days (org_id, store_id, day);
CREATE INDEX insight_touch_point_weeks_by_store ON insight_touch_point_weeks (org_id, store_id, week);
CREATE INDEX insight_staff_weeks_by_store ON insight_staff_weeks (org_id, store_id, week);
CREATE INDEX insight_reason_weeks_by_store ON insight_reason_weeks (org_id, store_id, week);

-- Recomputes the rollups of the given store-days (and of their weeks) from the facts: the one
-- definition of what a rollup row holds. A push calls it for the store-days it touched; it is
-- idempotent, so a correction, late feedback or a repeated op can never leave a count off by one.
CREATE FUNCTION insight_refresh(org uuid, stores uuid[], days date[]) RETURNS void LANGUAGE sql AS $$
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

    -- The organisation's rows for the touched days and weeks, from the store rows.
    DELETE FROM insight_org_touch_point_days r USING (SELECT DISTINCT d AS day FROM unnest(days) AS x(d)) x WHERE r.org_id = org AND r.day = x.day;
    DELETE FROM insight_org_reason_days r USING (SELECT DISTINCT d AS day FROM unnest(days) AS x(d)) x WHERE r.org_id = org AND r.day = x.day;
    DELETE FROM insight_store_days r USING unnest(stores, days) AS d(store_id, day)
    WHERE r.org_id = org AND r.store_id = d.store_id AND r.day = d.day;
    DELETE FROM insight_org_touch_point_weeks r USING (SELECT DISTINCT date_trunc('week', d)::date AS week FROM unnest(days) AS x(d)) k WHERE r.org_id = org AND r.week = k.week;
    DELETE FROM insight_org_reason_weeks r USING (SELECT DISTINCT date_trunc('week', d)::date AS week FROM unnest(days) AS x(d)) k WHERE r.org_id = org AND r.week = k.week;
    DELETE FROM insight_store_weeks r USING (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k
    WHERE r.org_id = org AND r.store_id = k.store_id AND r.week = k.week;

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

    INSERT INTO insight_store_days
    SELECT org, r.day, r.store_id, sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum),
           sum(csat_responses), sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3),
           sum(feeling_4), sum(feeling_5)
    FROM insight_touch_point_days r JOIN (SELECT DISTINCT * FROM unnest(stores, days) AS d(store_id, day)) d
      ON r.store_id = d.store_id AND r.day = d.day
    WHERE r.org_id = org GROUP BY r.day, r.store_id;

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

    INSERT INTO insight_store_weeks
    SELECT org, k.week, r.store_id, sum(interactions), sum(promoters), sum(detractors), sum(nps_responses), sum(csat_sum),
           sum(csat_responses), sum(ces_sum), sum(ces_responses), sum(feeling_1), sum(feeling_2), sum(feeling_3),
           sum(feeling_4), sum(feeling_5)
    FROM insight_store_days r JOIN (SELECT DISTINCT s AS store_id, date_trunc('week', d)::date AS week FROM unnest(stores, days) AS x(s, d)) k ON r.store_id = k.store_id AND r.day >= k.week AND r.day < k.week + 7
    WHERE r.org_id = org GROUP BY k.week, r.store_id;

    -- Touch point beside person and reason.
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

-- Conversations already in the change log (pushed before this migration) become facts.
INSERT INTO insight_facts (org_id, interaction_id, logged, store_id, staff_id, customer_id, touch_point_id, reason,
                           outcome, occurred_at, day)
SELECT c.org_id, (c.op->'body'->>'interaction_id')::uuid, true, (c.op->>'store_id')::uuid, (c.op->>'staff_id')::uuid,
       (c.op->'body'->>'customer_id')::uuid, (c.op->'body'->>'touch_point_id')::uuid, c.op->'body'->>'reason',
       c.op->'body'->>'outcome', (c.op->'body'->>'occurred_at')::timestamptz,
       ((c.op->'body'->>'occurred_at')::timestamptz AT TIME ZONE
            CASE WHEN s.timezone IN (SELECT name FROM pg_timezone_names) THEN s.timezone ELSE 'UTC' END)::date
FROM change_log c LEFT JOIN stores s ON s.org_id = c.org_id AND s.store_id = (c.op->>'store_id')::uuid
WHERE c.entity = 'interaction_logged'
ON CONFLICT DO NOTHING;

-- Their feedback (the latest recorded against each) and corrections (the latest of each field).
UPDATE insight_facts f SET feeling = v.feeling, nps = v.nps, csat = v.csat, ces = v.ces, feedback_hlc = v.hlc
FROM (SELECT DISTINCT ON (c.org_id, c.op->'body'->>'interaction_id')
             c.org_id, (c.op->'body'->>'interaction_id')::uuid AS interaction_id, c.hlc,
             CASE c.op->'body'->>'feeling' WHEN 'very_unhappy' THEN 1 WHEN 'unhappy' THEN 2 WHEN 'neutral' THEN 3
                  WHEN 'happy' THEN 4 WHEN 'very_happy' THEN 5 END AS feeling,
             (c.op->'body'->>'nps')::smallint AS nps, (c.op->'body'->>'csat')::smallint AS csat,
             (c.op->'body'->>'ces')::smallint AS ces
      FROM change_log c
      WHERE c.entity = 'feedback_recorded' AND c.op->'body'->>'interaction_id' IS NOT NULL
      ORDER BY c.org_id, c.op->'body'->>'interaction_id', c.hlc DESC) v
WHERE f.org_id = v.org_id AND f.interaction_id = v.interaction_id;

UPDATE insight_facts f SET touch_point_id = v.value::uuid, touch_point_hlc = v.hlc
FROM (SELECT DISTINCT ON (c.org_id, c.op->'body'->>'interaction_id') c.org_id,
             c.op->'body'->>'interaction_id' AS interaction_id, c.hlc, c.op->'body'->'changes'->>'touch_point_id' AS value
      FROM change_log c
      WHERE c.entity = 'interaction_amended' AND c.op->'body'->'changes'->>'touch_point_id' IS NOT NULL
      ORDER BY c.org_id, c.op->'body'->>'interaction_id', c.hlc DESC) v
WHERE f.org_id = v.org_id AND f.interaction_id = v.interaction_id::uuid;

UPDATE insight_facts f SET reason = v.value, reason_hlc = v.hlc
FROM (SELECT DISTINCT ON (c.org_id, c.op->'body'->>'interaction_id') c.org_id,
             c.op->'body'->>'interaction_id' AS interaction_id, c.hlc, c.op->'body'->'changes'->>'reason' AS value
      FROM change_log c
      WHERE c.entity = 'interaction_amended' AND c.op->'body'->'changes'->>'reason' IS NOT NULL
      ORDER BY c.org_id, c.op->'body'->>'interaction_id', c.hlc DESC) v
WHERE f.org_id = v.org_id AND f.interaction_id = v.interaction_id::uuid;

UPDATE insight_facts f SET outcome = v.value, outcome_hlc = v.hlc
FROM (SELECT DISTINCT ON (c.org_id, c.op->'body'->>'interaction_id') c.org_id,
             c.op->'body'->>'interaction_id' AS interaction_id, c.hlc, c.op->'body'->'changes'->>'outcome' AS value
      FROM change_log c
      WHERE c.entity = 'interaction_amended' AND c.op->'body'->'changes'->>'outcome' IS NOT NULL
      ORDER BY c.org_id, c.op->'body'->>'interaction_id', c.hlc DESC) v
WHERE f.org_id = v.org_id AND f.interaction_id = v.interaction_id::uuid;

SELECT insight_refresh(org_id, array_agg(store_id), array_agg(day))
FROM (SELECT DISTINCT org_id, store_id, day FROM insight_facts WHERE logged) d GROUP BY org_id;
