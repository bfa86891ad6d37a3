-- Desktop notifications, per person on this desk (off until they turn them on), and which
-- notices each person has had, so each is shown once. Device-local: never synced.
CREATE TABLE notification_settings (
    staff_id   TEXT PRIMARY KEY,
    enabled    INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    language   TEXT NOT NULL DEFAULT 'en',
    changed_at TEXT NOT NULL
);

CREATE TABLE notices_shown (
    staff_id     TEXT NOT NULL,
    follow_up_id TEXT NOT NULL,
    what         TEXT NOT NULL CHECK (what IN ('assigned', 'due_soon')),
    shown_at     TEXT NOT NULL,
    PRIMARY KEY (staff_id, follow_up_id, what)
) WITHOUT ROWID;
