-- Outgoing webhooks: an administrator names a URL and the events it wants; each event is queued
-- in the same transaction as the push that caused it (so none is lost or sent for a push that
-- did not land) and delivered by the server, signed with the webhook's secret, retried with
-- backoff until it is answered with 2xx or has failed eight times.
CREATE TABLE webhooks (
    webhook_id  uuid PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organisations (org_id),
    url         text NOT NULL,
    events      text[] NOT NULL,
    -- The HMAC key deliveries are signed with (the server must hold it to sign; shown once).
    secret      text NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_by  uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_by_org ON webhooks (org_id) WHERE active;

CREATE TABLE webhook_deliveries (
    delivery_id      uuid PRIMARY KEY,
    org_id           uuid NOT NULL,
    webhook_id       uuid NOT NULL REFERENCES webhooks (webhook_id),
    event            text NOT NULL,
    payload          jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_status      integer,
    last_error       text,
    delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at DESC);

-- A follow-up's "overdue" goes out once for each due time it passes (a snooze that passes
-- again is told again).
CREATE TABLE webhook_overdue_sent (
    org_id        uuid NOT NULL,
    follow_up_id  uuid NOT NULL,
    due_at        text NOT NULL,
    PRIMARY KEY (org_id, follow_up_id, due_at)
);
