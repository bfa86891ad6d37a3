-- The at-risk list's candidates by index (issue 14): the unhappy feedback and the unresolved or
-- escalated conversations of the detractor window. Without them the list read every feedback
-- row the desk holds (there was no index by time) and every conversation of the window: 1.04 s
-- at 1,000,000 conversations against its 1 s budget. Partial, so they hold only those rows.
CREATE INDEX feedback_unhappy_by_time ON feedback (occurred_at)
    WHERE customer_id IS NOT NULL AND (feeling IN ('unhappy', 'very_unhappy') OR csat <= 2 OR nps <= 6);
CREATE INDEX interactions_unresolved_by_time ON interactions (occurred_at)
    WHERE customer_id IS NOT NULL AND outcome IN ('unresolved', 'escalated');
