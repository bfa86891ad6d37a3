-- What each desk says of itself at the end of a sync round (POST /v1/sync/report), for the
-- head office's list of devices: its app version and outbox, and when it last pushed and pulled.
ALTER TABLE devices
    ADD COLUMN app_version     text,
    ADD COLUMN outbox_waiting  integer,
    ADD COLUMN outbox_refused  integer,
    ADD COLUMN last_push_at    timestamptz,
    ADD COLUMN last_pull_at    timestamptz;
