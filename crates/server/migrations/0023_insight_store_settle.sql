-- A push no longer recomputes any rollup (issue 14). Under 500 desks of one chain the load bench
-- found most pushes waiting for the organisation's sequence counter (`org_counters`), held by
-- the push before them while it recomputed its store-days' insight rollups (`insight_refresh`)
-- and closed loop (`insight_loop_refresh`, `insight_loop_weeks_refresh`): push p99 2.2 s, and
-- the pulls queued behind the waiting pushes' connections.
--
-- A push now writes its conversations' facts and follow-ups (as before) and marks the
-- store-days they touched in `insight_dirty`. `insight_settle` recomputes the marked store-days'
-- rollups and closed loop, then the organisation's own rows of their days (through
-- `insight_org_dirty` and `insight_org_settle`, migration 0022), in its own transaction under
-- the organisation's settle lock: before a dashboard that reads rollups is answered, and every
-- second in the server's background. The counter is held only for what orders the change log.
--
-- Why no push is missed: the settle reads the marks, then recomputes (each statement sees
-- every fact committed before it ran), then deletes the marks it read, as it read them, and
-- only those no push is re-marking at that moment (SKIP LOCKED: the settle never waits for a
-- push). A push committed before the marks were read is counted; one committing later wrote a
-- new `mark`, which stays for the next settle. A push re-marking a row the settle is deleting
-- waits only for the settle's commit, which follows at once.

CREATE TABLE insight_dirty (
    org_id   uuid NOT NULL,
    store_id uuid NOT NULL,
    day      date NOT NULL,
    -- New at every push that marks the store-day again.
    mark     bigint NOT NULL,
    PRIMARY KEY (org_id, store_id, day)
);

-- What a push calls with the store-days it touched (in key order, so that two pushes marking
-- the same rows take their locks in one order).
CREATE FUNCTION insight_mark(org uuid, stores uuid[], days date[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO insight_dirty
    SELECT org, s, d, nextval('insight_org_dirty_mark')
    FROM (SELECT DISTINCT s, d FROM unnest(stores, days) AS x(s, d)) x
    ORDER BY s, d
    ON CONFLICT (org_id, store_id, day) DO UPDATE SET mark = EXCLUDED.mark;
$$;

-- Counts every marked store-day of the organisation into its rollups and closed loop, then the
-- organisation's rows of those days. `sla_hours` is `touchpoint_protocol::risk::SLA_HOURS`.
CREATE FUNCTION insight_settle(org uuid, sla_hours integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    stores uuid[];
    days date[];
    marks bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('insight_org_settle:' || org::text, 0));
    SELECT array_agg(d.store_id), array_agg(d.day), array_agg(d.mark) INTO stores, days, marks
    FROM insight_dirty d WHERE d.org_id = org;
    IF stores IS NOT NULL THEN
        PERFORM insight_refresh_by_store(org, stores, days);
        PERFORM insight_loop_refresh(org, stores, days, sla_hours);
        PERFORM insight_loop_weeks_refresh(org, stores, days);
        INSERT INTO insight_org_dirty
        SELECT org, d, nextval('insight_org_dirty_mark') FROM (SELECT DISTINCT d FROM unnest(days) AS x(d)) x
        ON CONFLICT (org_id, day) DO UPDATE SET mark = EXCLUDED.mark;
    END IF;
    -- The same lock again (advisory locks nest within a session): the organisation's own rows.
    PERFORM insight_org_settle(org);
    -- Last: a push re-marking a store-day this deletes waits for this transaction's end, so
    -- nothing may run after it (deleted before the organisation's rows above, the marks kept
    -- the chain's pushes waiting for that recount: push p50 0.8 s at 500 desks).
    IF stores IS NOT NULL THEN
        -- A test's pause (seconds, set on its own session only), so that a push can commit
        -- between the recount and the deletion of the marks; nothing else sets it.
        PERFORM pg_sleep(coalesce(nullif(current_setting('touchpoint.settle_pause', true), ''), '0')::double precision);
        DELETE FROM insight_dirty d
        WHERE (d.org_id, d.store_id, d.day) IN (
            SELECT x.org_id, x.store_id, x.day FROM insight_dirty x
            JOIN unnest(stores, days, marks) AS t(store_id, day, mark)
              ON x.store_id = t.store_id AND x.day = t.day AND x.mark = t.mark
            WHERE x.org_id = org
            FOR UPDATE OF x SKIP LOCKED);
    END IF;
END
$$;
