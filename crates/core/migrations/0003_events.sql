-- Append-only events: interactions, feedback, amendments, reviews; and follow-ups, the one
-- mutable record of the closed loop.

CREATE TABLE interactions (
    rowid           INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    customer_id     TEXT REFERENCES customers (id),   -- NULL for an anonymous walk-in
    store_id        TEXT NOT NULL,
    staff_id        TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    touch_point_id  TEXT NOT NULL,
    channel         TEXT NOT NULL
                    CHECK (channel IN ('in_person', 'phone', 'email', 'chat', 'video', 'social')),
    reason          TEXT,
    outcome         TEXT NOT NULL
                    CHECK (outcome IN ('resolved', 'escalated', 'follow_up_needed', 'unresolved')),
    duration_secs   INTEGER CHECK (duration_secs IS NULL OR duration_secs >= 0),
    summary         TEXT,
    occurred_at     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    hlc             TEXT NOT NULL
);

CREATE INDEX interactions_by_customer ON interactions (customer_id, occurred_at DESC);
CREATE INDEX interactions_by_time ON interactions (occurred_at);
CREATE INDEX interactions_by_touch_point ON interactions (touch_point_id, occurred_at);
CREATE INDEX interactions_by_staff ON interactions (staff_id, occurred_at);

CREATE TABLE feedback (
    rowid           INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    interaction_id  TEXT REFERENCES interactions (id),
    customer_id     TEXT REFERENCES customers (id),
    store_id        TEXT NOT NULL,
    staff_id        TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    feeling         TEXT CHECK (feeling IN ('very_unhappy', 'unhappy', 'neutral', 'happy', 'very_happy')),
    csat            INTEGER CHECK (csat BETWEEN 1 AND 5),
    nps             INTEGER CHECK (nps BETWEEN 0 AND 10),
    ces             INTEGER CHECK (ces BETWEEN 1 AND 7),
    verbatim        TEXT,
    occurred_at     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    hlc             TEXT NOT NULL
);

CREATE INDEX feedback_by_interaction ON feedback (interaction_id);
CREATE INDEX feedback_by_customer ON feedback (customer_id, occurred_at DESC);

-- A correction to an interaction: the changed fields as JSON; the original row never changes.
CREATE TABLE amendments (
    id              TEXT PRIMARY KEY,
    interaction_id  TEXT NOT NULL REFERENCES interactions (id),
    changes         TEXT NOT NULL CHECK (json_valid(changes)),
    reason          TEXT,
    staff_id        TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    hlc             TEXT NOT NULL
);

CREATE INDEX amendments_by_interaction ON amendments (interaction_id, hlc);

-- Interactions as they stand after every correction (latest amendment per field by HLC);
-- the logged row itself never changes.
CREATE VIEW interactions_current AS
SELECT i.*,
       coalesce((SELECT json_extract(a.changes, '$.touch_point_id') FROM amendments a
                 WHERE a.interaction_id = i.id AND json_extract(a.changes, '$.touch_point_id') IS NOT NULL
                 ORDER BY a.hlc DESC LIMIT 1), i.touch_point_id) AS cur_touch_point_id,
       coalesce((SELECT json_extract(a.changes, '$.channel') FROM amendments a
                 WHERE a.interaction_id = i.id AND json_extract(a.changes, '$.channel') IS NOT NULL
                 ORDER BY a.hlc DESC LIMIT 1), i.channel) AS cur_channel,
       coalesce((SELECT json_extract(a.changes, '$.reason') FROM amendments a
                 WHERE a.interaction_id = i.id AND json_extract(a.changes, '$.reason') IS NOT NULL
                 ORDER BY a.hlc DESC LIMIT 1), i.reason) AS cur_reason,
       coalesce((SELECT json_extract(a.changes, '$.outcome') FROM amendments a
                 WHERE a.interaction_id = i.id AND json_extract(a.changes, '$.outcome') IS NOT NULL
                 ORDER BY a.hlc DESC LIMIT 1), i.outcome) AS cur_outcome,
       coalesce((SELECT json_extract(a.changes, '$.duration_secs') FROM amendments a
                 WHERE a.interaction_id = i.id AND json_extract(a.changes, '$.duration_secs') IS NOT NULL
                 ORDER BY a.hlc DESC LIMIT 1), i.duration_secs) AS cur_duration_secs,
       coalesce((SELECT json_extract(a.changes, '$.summary') FROM amendments a
                 WHERE a.interaction_id = i.id AND json_extract(a.changes, '$.summary') IS NOT NULL
                 ORDER BY a.hlc DESC LIMIT 1), i.summary) AS cur_summary
FROM interactions i;

CREATE TABLE follow_ups (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT REFERENCES customers (id),
    interaction_id  TEXT REFERENCES interactions (id),
    store_id        TEXT NOT NULL,
    owner_staff_id  TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    promise         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'in_progress', 'done', 'could_not_reach')),
    resolution      TEXT,
    feeling_after   TEXT CHECK (feeling_after IN ('very_unhappy', 'unhappy', 'neutral', 'happy', 'very_happy')),
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    closed_by       TEXT,
    closed_at       TEXT
);

CREATE INDEX follow_ups_open_by_owner ON follow_ups (owner_staff_id, due_at)
    WHERE status IN ('open', 'in_progress');
CREATE INDEX follow_ups_by_customer ON follow_ups (customer_id, status);

CREATE TABLE reviews (
    id              TEXT PRIMARY KEY,
    interaction_id  TEXT NOT NULL REFERENCES interactions (id),
    reviewer_id     TEXT NOT NULL,
    staff_id        TEXT NOT NULL,            -- whose work was reviewed
    kind            TEXT NOT NULL CHECK (kind IN ('praise', 'coaching', 'compliance')),
    comment         TEXT NOT NULL,
    scores          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(scores)),
    recorded_at     TEXT NOT NULL,
    hlc             TEXT NOT NULL
);

CREATE INDEX reviews_by_interaction ON reviews (interaction_id);
CREATE INDEX reviews_by_staff ON reviews (staff_id, recorded_at DESC);

CREATE TABLE review_acknowledgements (
    review_id        TEXT PRIMARY KEY REFERENCES reviews (id),
    staff_id         TEXT NOT NULL,
    acknowledged_at  TEXT NOT NULL,
    hlc              TEXT NOT NULL
);
