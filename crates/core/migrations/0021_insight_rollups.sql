-- Insight from rollups (issue 14): the dashboards of a period read buckets — one row per week
-- (or day, for a period's first and last days) × store × touch point × person with its scores,
-- feelings and outcomes summed, and reason counts per week or day for each filter the screen
-- offers — instead of every conversation of the period. A year of a busy store is a
-- few thousand rows, not a million.
--
-- The rollups are kept by triggers (installed by this step's Rust hook, `insight::rollup`), so
-- every write — a conversation logged, its feedback, a correction, an erasure, a pulled page,
-- enrolment moving rows onto the server's store — changes them in its own transaction. Days
-- are this computer's calendar days (as the screen's periods are); if its time zone changes,
-- opening the desk rebuilds them.

-- A conversation as the dashboards count it: as corrected (the latest correction of each field
-- by HLC), with its feedback. `insight_hidden` leaves out a feedback row or correction just
-- written, so a trigger can see what the conversation counted as before it.
CREATE TABLE insight_hidden (
    kind    TEXT NOT NULL CHECK (kind IN ('feedback', 'amendment')),
    hidden_row INTEGER NOT NULL,
    PRIMARY KEY (kind, hidden_row)
) WITHOUT ROWID;

CREATE VIEW insight_rows AS
WITH fields AS (
    SELECT i.*,
           (SELECT json_extract(x.changes, '$.touch_point_id') FROM amendments x
            WHERE x.interaction_id = i.id AND json_extract(x.changes, '$.touch_point_id') IS NOT NULL
              AND x.rowid NOT IN (SELECT hidden_row FROM insight_hidden WHERE kind = 'amendment')
            ORDER BY x.hlc DESC LIMIT 1) AS am_touch_point_id,
           (SELECT json_extract(x.changes, '$.reason') FROM amendments x
            WHERE x.interaction_id = i.id AND json_extract(x.changes, '$.reason') IS NOT NULL
              AND x.rowid NOT IN (SELECT hidden_row FROM insight_hidden WHERE kind = 'amendment')
            ORDER BY x.hlc DESC LIMIT 1) AS am_reason,
           (SELECT json_extract(x.changes, '$.outcome') FROM amendments x
            WHERE x.interaction_id = i.id AND json_extract(x.changes, '$.outcome') IS NOT NULL
              AND x.rowid NOT IN (SELECT hidden_row FROM insight_hidden WHERE kind = 'amendment')
            ORDER BY x.hlc DESC LIMIT 1) AS am_outcome
    FROM interactions i
)
SELECT i.id AS interaction_id,
       date(i.occurred_at, 'localtime') AS day,
       date(i.occurred_at, 'localtime', 'weekday 0', '-6 days') AS week,
       i.store_id,
       i.staff_id,
       coalesce(i.am_touch_point_id, i.touch_point_id) AS touch_point_id,
       coalesce(nullif(trim(coalesce(i.am_reason, i.reason)), ''), '') AS reason,
       coalesce(nullif(trim(coalesce(i.am_outcome, i.outcome)), ''), 'unknown') AS outcome,
       fb.feeling, fb.nps, fb.csat, fb.ces
FROM fields i
LEFT JOIN feedback fb ON fb.interaction_id = i.id
     AND fb.rowid NOT IN (SELECT hidden_row FROM insight_hidden WHERE kind = 'feedback');

-- Weeks start on Monday (as the screen's weekly chart does).
CREATE VIEW insight_bucket_rows AS
SELECT r.*, g.grain, CASE g.grain WHEN 'day' THEN r.day ELSE r.week END AS period
FROM insight_rows r
CROSS JOIN (SELECT 'day' AS grain UNION ALL SELECT 'week') g;

CREATE TABLE insight_buckets (
    grain           TEXT NOT NULL CHECK (grain IN ('day', 'week')),
    period          TEXT NOT NULL,   -- the day, or the week's Monday
    store_id        TEXT NOT NULL,
    touch_point_id  TEXT NOT NULL,
    staff_id        TEXT NOT NULL,
    interactions    INTEGER NOT NULL,
    promoters       INTEGER NOT NULL,
    detractors      INTEGER NOT NULL,
    nps_responses   INTEGER NOT NULL,
    csat_sum        INTEGER NOT NULL,
    csat_responses  INTEGER NOT NULL,
    ces_sum         INTEGER NOT NULL,
    ces_responses   INTEGER NOT NULL,
    very_unhappy    INTEGER NOT NULL,
    unhappy         INTEGER NOT NULL,
    neutral         INTEGER NOT NULL,
    happy           INTEGER NOT NULL,
    very_happy      INTEGER NOT NULL,
    -- Outcomes, by the four an outcome can be.
    resolved          INTEGER NOT NULL,
    escalated         INTEGER NOT NULL,
    follow_up_needed  INTEGER NOT NULL,
    unresolved        INTEGER NOT NULL,
    PRIMARY KEY (grain, period, store_id, touch_point_id, staff_id)
) WITHOUT ROWID;

-- Reasons ("" for none given) are open-ended, so they are counted in rows: per week or day
-- and store, for everyone there (slice 'store', slice_id ''), or by touch point or person
-- (slice_id its id): the filters the screen offers. A touch point and a person at once is counted from the
-- conversations.
CREATE VIEW insight_reason_rows AS
SELECT r.interaction_id, b.slice, r.grain, r.period, r.store_id,
       CASE b.slice WHEN 'store' THEN '' WHEN 'touch_point' THEN r.touch_point_id ELSE r.staff_id END AS slice_id,
       r.reason
FROM insight_bucket_rows r
CROSS JOIN (SELECT 'store' AS slice UNION ALL SELECT 'touch_point' UNION ALL SELECT 'staff') b;

CREATE TABLE insight_reasons (
    slice           TEXT NOT NULL CHECK (slice IN ('store', 'touch_point', 'staff')),
    grain           TEXT NOT NULL CHECK (grain IN ('day', 'week')),
    period          TEXT NOT NULL,
    store_id        TEXT NOT NULL,
    slice_id        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    n               INTEGER NOT NULL,
    PRIMARY KEY (slice, grain, period, store_id, slice_id, reason)
) WITHOUT ROWID;

-- Conversations logged since the rollups last counted (see `insight::rollup::schema`): a
-- log adds one short row here instead of eight bucket rows, and the wait ends in the same
-- transaction as a pulled page, before the dashboards are read, or when 500 wait.
CREATE TABLE insight_pending (
    interaction_id  TEXT PRIMARY KEY
) WITHOUT ROWID;

-- The time zone the days were cut in (UTC offsets at fixed dates), to notice it changing.
CREATE TABLE insight_rollup_zone (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    zone    TEXT NOT NULL
);
