-- The organisation's list of reasons for contact, which desks suggest on the log form (until an
-- organisation has one, desks suggest their built-in list). Labels are unique whatever their case,
-- retired ones included: bringing a reason back restores it rather than making a second.
CREATE TABLE reasons (
    org_id      uuid NOT NULL REFERENCES organisations (org_id),
    reason_id   uuid NOT NULL,
    label       text NOT NULL CHECK (length(trim(label)) > 0),
    sort_order  int NOT NULL DEFAULT 0,
    active      boolean NOT NULL DEFAULT true,
    PRIMARY KEY (org_id, reason_id)
);
CREATE UNIQUE INDEX reasons_by_label ON reasons (org_id, lower(label));
