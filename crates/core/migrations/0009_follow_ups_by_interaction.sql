-- The loop figures look up each unhappy conversation's follow-ups.
CREATE INDEX follow_ups_by_interaction ON follow_ups (interaction_id) WHERE interaction_id IS NOT NULL;
