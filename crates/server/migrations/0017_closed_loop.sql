-- The closed loop and at-risk customers across the organisation (issue 13): a follow-up's
-- fields the figures read, as columns (kept by the push beside the merged `fields`), and the
-- indexes that find a conversation's follow-ups and a customer's conversations.

ALTER TABLE follow_ups
    ADD COLUMN interaction_id uuid,
    ADD COLUMN status         text NOT NULL DEFAULT 'open',
    ADD COLUMN due_at         timestamptz,
    ADD COLUMN closed_at      timestamptz,
    -- 1 very unhappy … 5 very happy, as the facts store a feeling.
    ADD COLUMN feeling_after  smallint CHECK (feeling_after BETWEEN 1 AND 5),
    -- When it was opened: the stamp of its first change (as a desk that pulls it records it).
    ADD COLUMN created_at     timestamptz;

UPDATE follow_ups f SET
    interaction_id = (f.fields->>'interaction_id')::uuid,
    status = coalesce(f.fields->>'status', 'open'),
    due_at = (f.fields->>'due_at')::timestamptz,
    closed_at = (f.fields->>'closed_at')::timestamptz,
    feeling_after = CASE f.fields->>'feeling_after'
        WHEN 'very_unhappy' THEN 1 WHEN 'unhappy' THEN 2 WHEN 'neutral' THEN 3
        WHEN 'happy' THEN 4 WHEN 'very_happy' THEN 5 END,
    created_at = first.at
FROM (SELECT org_id, entity_id, to_timestamp(left(min(hlc), 13)::bigint / 1000.0) AS at
      FROM change_log WHERE entity = 'follow_up_patch' GROUP BY org_id, entity_id) first
WHERE first.org_id = f.org_id AND first.entity_id = f.follow_up_id;

CREATE INDEX follow_ups_by_interaction ON follow_ups (org_id, interaction_id) WHERE interaction_id IS NOT NULL;
CREATE INDEX follow_ups_by_customer ON follow_ups (org_id, customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX follow_ups_open ON follow_ups (org_id, due_at) WHERE status IN ('open', 'in_progress');
CREATE INDEX insight_facts_by_customer ON insight_facts (org_id, customer_id, occurred_at DESC)
    WHERE logged AND customer_id IS NOT NULL;
