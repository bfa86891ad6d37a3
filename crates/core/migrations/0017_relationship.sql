-- Issue 12, anticipate: what keeps a relationship warm. Each is a customer field with its own
-- field clock (last writer wins), stored as JSON like the lists before them.
ALTER TABLE customers ADD COLUMN important_dates TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(important_dates));
ALTER TABLE customers ADD COLUMN preferences TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(preferences));
-- The customer's answer about each channel: {"allowed", "at", "how"}; NULL: not asked.
ALTER TABLE customers ADD COLUMN contact_phone TEXT CHECK (contact_phone IS NULL OR json_valid(contact_phone));
ALTER TABLE customers ADD COLUMN contact_email TEXT CHECK (contact_email IS NULL OR json_valid(contact_email));
ALTER TABLE customers ADD COLUMN contact_sms TEXT CHECK (contact_sms IS NULL OR json_valid(contact_sms));
-- {"keeper_staff_id", "every_days", "remind_dates"}; NULL: nobody keeps in touch.
ALTER TABLE customers ADD COLUMN keep_in_touch TEXT CHECK (keep_in_touch IS NULL OR json_valid(keep_in_touch));

-- The reminders sweep reads only the customers someone keeps in touch with.
CREATE INDEX customers_kept_in_touch ON customers (id) WHERE keep_in_touch IS NOT NULL;

-- Why a follow-up exists, how it reaches the customer, and the date a reminder is about.
ALTER TABLE follow_ups ADD COLUMN kind TEXT NOT NULL DEFAULT 'recovery'
    CHECK (kind IN ('recovery', 'check_in', 'stay_in_touch', 'important_date'));
ALTER TABLE follow_ups ADD COLUMN route TEXT CHECK (route IN ('phone', 'email', 'sms', 'next_visit'));
ALTER TABLE follow_ups ADD COLUMN occasion TEXT CHECK (occasion IS NULL OR json_valid(occasion));
