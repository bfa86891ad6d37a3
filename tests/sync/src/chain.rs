//! A chain's history written straight into PostgreSQL, for the benches that measure the
//! server at a chain's size: stores, touch points, people, customers and their conversations
//! (as the insight facts and rollups a push keeps), with follow-ups.

use std::time::Instant;

use uuid::Uuid;

use crate::TestServer;

pub const TOUCH_POINTS: usize = 12;
pub const STAFF_PER_STORE: usize = 10;
pub const DAYS: i64 = 730;

/// A chain's history, written straight into the tables a push keeps (facts, then every
/// store-day's rollups by the same `insight_refresh_by_store` the settle runs after pushes).
pub async fn populate(
    server: &TestServer,
    stores: usize,
    conversations: usize,
    customers: usize,
) -> (Vec<Uuid>, Vec<Uuid>, Vec<Uuid>) {
    let pool = &server.pool;
    let org = server.org;
    let store_ids: Vec<Uuid> = (0..stores).map(|_| Uuid::now_v7()).collect();
    let tp_ids: Vec<Uuid> = (0..TOUCH_POINTS).map(|_| Uuid::now_v7()).collect();
    let staff_ids: Vec<Uuid> = (0..stores * STAFF_PER_STORE).map(|_| Uuid::now_v7()).collect();
    let names = |prefix: &str, n: usize| (0..n).map(|i| format!("{prefix} {i}")).collect::<Vec<_>>();
    sqlx::query("INSERT INTO stores (org_id, store_id, name, timezone) SELECT $1, id, name, 'Europe/Lisbon' FROM UNNEST($2::uuid[], $3::text[]) AS t(id, name)")
        .bind(org).bind(&store_ids).bind(names("Store", stores)).execute(pool).await.expect("stores");
    sqlx::query("INSERT INTO touch_points (org_id, touch_point_id, name, default_channel) SELECT $1, id, name, 'in_person' FROM UNNEST($2::uuid[], $3::text[]) AS t(id, name)")
        .bind(org).bind(&tp_ids).bind(names("Touch point", TOUCH_POINTS)).execute(pool).await.expect("touch points");
    let homes: Vec<Uuid> = (0..staff_ids.len()).map(|i| store_ids[i / STAFF_PER_STORE]).collect();
    sqlx::query("INSERT INTO staff (org_id, staff_id, name, role, home_store_id) SELECT $1, id, name, 'frontline', home FROM UNNEST($2::uuid[], $3::text[], $4::uuid[]) AS t(id, name, home)")
        .bind(org).bind(&staff_ids).bind(names("Person", staff_ids.len())).bind(&homes).execute(pool).await.expect("staff");

    let start = Instant::now();
    // Customers (named, each with a home store), their ids made from their number so the
    // conversations below can name them without a lookup.
    sqlx::query(
        "INSERT INTO customers (org_id, customer_id, fields, home_store_id)
         SELECT $1, md5($1::text || 'c' || g)::uuid, jsonb_build_object('name', 'Customer ' || g), $2[1 + g % $3]
         FROM generate_series(1, $4) AS g",
    )
    .bind(org)
    .bind(&store_ids)
    .bind(i32::try_from(stores).expect("stores"))
    .bind(i64::try_from(customers).expect("customers"))
    .execute(pool)
    .await
    .expect("customers");
    // Busier stores and touch points, a weekly rhythm, feedback on about 60% of conversations,
    // and a named customer on 70% of them (a few customers come often, most rarely).
    sqlx::query(
        "INSERT INTO insight_facts (org_id, interaction_id, logged, store_id, staff_id, customer_id, touch_point_id,
                                    reason, outcome, occurred_at, day, feeling, nps, csat, ces)
         SELECT $1, gen_random_uuid(), true, $2[s + 1], $3[s * $6 + (g % $6) + 1],
                CASE WHEN g % 10 < 7 THEN md5($1::text || 'c' || (1 + floor(power(random(), 2) * $9)::int))::uuid END,
                $4[tp + 1],
                (ARRAY['Returns', 'Billing', 'Delivery late', 'Product question', 'Complaint', NULL])[(g % 6) + 1],
                (ARRAY['resolved', 'resolved', 'resolved', 'escalated', 'follow_up_needed', 'unresolved'])[(g % 7 % 6) + 1],
                at, (at AT TIME ZONE 'Europe/Lisbon')::date,
                CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + (g * 7 % 5) END,
                CASE WHEN g % 10 < 6 THEN (g * 13 % 11) END,
                CASE WHEN g % 10 < 4 THEN 1 + (g * 3 % 5) END,
                CASE WHEN g % 10 < 2 THEN 1 + (g * 11 % 7) END
         FROM (SELECT g, floor(power(random(), 1.6) * $7)::int AS s, floor(power(random(), 1.4) * 12)::int AS tp,
                      now() - make_interval(secs => random() * $8 * 86400) AS at
               FROM generate_series(1, $5) AS g) x",
    )
    .bind(org)
    .bind(&store_ids)
    .bind(&staff_ids)
    .bind(&tp_ids)
    .bind(i64::try_from(conversations).expect("count"))
    .bind(i32::try_from(STAFF_PER_STORE).expect("staff"))
    .bind(i32::try_from(stores).expect("stores"))
    .bind(DAYS as f64)
    .bind(i32::try_from(customers).expect("customers"))
    .execute(pool)
    .await
    .expect("facts");
    eprintln!("  {conversations} conversations written in {:.0} s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    // Follow-ups for half the unhappy conversations with a customer (one in ten opened from the
    // customer's page rather than from the conversation): opened an hour after, due two days after; most done (some with a feeling after, within 0–4 days), some not reached;
    // those of the last two weeks partly still open (and some of them overdue).
    let follow_ups = sqlx::query(
        "INSERT INTO follow_ups (org_id, follow_up_id, store_id, customer_id, fields, interaction_id, status, due_at,
                                 closed_at, feeling_after, created_at)
         SELECT org_id, gen_random_uuid(), store_id, customer_id, '{\"promise\": \"Call back\"}',
                CASE WHEN r2 >= 0.1 THEN interaction_id END, st,
                occurred_at + interval '2 days',
                CASE WHEN st IN ('done', 'could_not_reach') THEN occurred_at + make_interval(secs => r * 96 * 3600) END,
                CASE WHEN st = 'done' AND r < 0.7 THEN 1 + floor(r * 70)::int % 5 END,
                occurred_at + interval '1 hour'
         FROM (SELECT f.*, random() AS r, random() AS r2,
                      CASE WHEN f.occurred_at > now() - interval '14 days' AND random() < 0.4
                           THEN (ARRAY['open', 'in_progress'])[1 + floor(random() * 2)::int]
                           WHEN random() < 0.12 THEN 'could_not_reach' ELSE 'done' END AS st
               FROM insight_facts f
               WHERE f.org_id = $1 AND f.customer_id IS NOT NULL AND (f.feeling <= 2 OR f.nps <= 6 OR f.csat <= 2)
                 AND random() < 0.5) x",
    )
    .bind(org)
    .execute(pool)
    .await
    .expect("follow-ups")
    .rows_affected();
    eprintln!("  {customers} customers, {follow_ups} follow-ups written in {:.0} s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    sqlx::query(
        "SELECT insight_refresh($1, array_agg(store_id), array_agg(day))
         FROM (SELECT DISTINCT store_id, day FROM insight_facts WHERE org_id = $1 AND logged) d",
    )
    .bind(org)
    .execute(pool)
    .await
    .expect("rollups");
    touchpoint_server::db::insight::settle(pool, org).await.expect("the organisation's rollups");
    // Planned on statistics, as the migration's rebuild is.
    sqlx::raw_sql("ANALYZE insight_facts; ANALYZE follow_ups").execute(pool).await.expect("analyze");
    sqlx::query(
        "SELECT insight_loop_refresh($1, array_agg(store_id), array_agg(day), $2)
         FROM (SELECT DISTINCT store_id, day FROM insight_facts WHERE org_id = $1 AND logged) d",
    )
    .bind(org)
    .bind(touchpoint_protocol::risk::SLA_HOURS as i32)
    .execute(pool)
    .await
    .expect("closed-loop rollups");
    sqlx::query(
        "SELECT insight_loop_weeks_refresh($1, array_agg(store_id), array_agg(day))
         FROM (SELECT DISTINCT store_id, day FROM insight_facts WHERE org_id = $1 AND logged) d",
    )
    .bind(org)
    .execute(pool)
    .await
    .expect("closed-loop week rollups");
    vacuum(pool).await;
    eprintln!("  rollups built in {:.0} s", start.elapsed().as_secs_f64());
    (store_ids, tp_ids, staff_ids)
}

/// What autovacuum does to a table in use: statistics (and the visibility map) for every table
/// a dashboard reads, so the plans are the ones a running server gets.
pub async fn vacuum(pool: &sqlx::PgPool) {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE tablename LIKE 'insight\\_%' OR tablename IN ('customers', 'follow_ups')
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    for t in tables {
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM ANALYZE {t}"))).execute(pool).await.expect("vacuum");
    }
}

/// The stores, touch points and people an earlier run's `populate` made.
pub async fn populated(server: &TestServer) -> (Vec<Uuid>, Vec<Uuid>, Vec<Uuid>) {
    let ids = |sql: &'static str| async move {
        sqlx::query_scalar::<_, Uuid>(sql).bind(server.org).fetch_all(&server.pool).await.expect(sql)
    };
    (
        ids("SELECT store_id FROM stores WHERE org_id = $1 AND name LIKE 'Store %' ORDER BY name").await,
        ids("SELECT touch_point_id FROM touch_points WHERE org_id = $1 AND name LIKE 'Touch point %' ORDER BY name")
            .await,
        ids("SELECT staff_id FROM staff WHERE org_id = $1 AND name LIKE 'Person %' ORDER BY name").await,
    )
}

/// The change log and the stores' scope that the history `populate` wrote would have left:
/// each customer's creation and each conversation with its feedback as the op a desk pushed
/// (in time order), so pulls and pushes run against a log of the chain's size. Returns the
/// rows written.
pub async fn change_log(server: &TestServer) -> i64 {
    let pool = &server.pool;
    let org = server.org;
    let start = Instant::now();
    // The ops' stamps: wall time, counter 0, a node of its own (the op's id without dashes).
    let customers = sqlx::query(
        "INSERT INTO change_log (org_id, server_seq, op_id, entity, entity_id, customer_id, store_id, op, hlc)
         SELECT $1, seq, op_id, 'customer_patch', customer_id, customer_id, home_store_id,
                json_build_object('op_id', op_id, 'device_id', op_id, 'store_id', home_store_id,
                                  'staff_id', op_id, 'hlc', hlc,
                                  'body', json_build_object('type', 'customer_patch', 'customer_id', customer_id,
                                                            'name', fields->>'name', 'home_store_id', home_store_id)),
                hlc
         FROM (SELECT customer_id, home_store_id, fields, op_id,
                      (SELECT next_seq - 1 FROM org_counters WHERE org_id = $1) + row_number() OVER (ORDER BY customer_id) AS seq,
                      '1600000000000-000000-' || replace(op_id::text, '-', '') AS hlc
               FROM (SELECT *, gen_random_uuid() AS op_id FROM customers WHERE org_id = $1) c) x",
    )
    .bind(org)
    .execute(pool)
    .await
    .expect("customers' ops")
    .rows_affected() as i64;
    sqlx::query(
        "INSERT INTO customer_scope (org_id, store_id, customer_id, since_seq)
         SELECT org_id, store_id, customer_id, server_seq FROM change_log
         WHERE org_id = $1 AND entity = 'customer_patch' ON CONFLICT DO NOTHING",
    )
    .bind(org)
    .execute(pool)
    .await
    .expect("scope");
    let after: i64 = sqlx::query_scalar("SELECT coalesce(max(server_seq), 0) FROM change_log WHERE org_id = $1")
        .bind(org)
        .fetch_one(pool)
        .await
        .expect("last seq");
    // Two places per conversation: the interaction, then its feedback (when it had any).
    let conversations = sqlx::query(
        "WITH f AS (
             SELECT f.*, $2 + 2 * row_number() OVER (ORDER BY occurred_at) AS seq, gen_random_uuid() AS device,
                    lpad((extract(epoch FROM occurred_at) * 1000)::bigint::text, 13, '0') || '-000000-' AS wall
             FROM insight_facts f WHERE org_id = $1)
         INSERT INTO change_log (org_id, server_seq, op_id, entity, entity_id, customer_id, store_id, op, hlc)
         SELECT $1, seq - o.second, o.op_id, o.kind, o.entity_id, customer_id, store_id,
                json_build_object('op_id', o.op_id, 'device_id', device, 'store_id', store_id, 'staff_id', staff_id,
                                  'hlc', hlc, 'body', o.body),
                hlc
         FROM f, LATERAL (
             SELECT 1 AS second, gen_random_uuid() AS op_id, 'interaction_logged' AS kind, f.interaction_id AS entity_id,
                    json_build_object('type', 'interaction_logged', 'interaction_id', f.interaction_id,
                                      'customer_id', f.customer_id, 'touch_point_id', f.touch_point_id,
                                      'channel', 'in_person', 'reason', f.reason, 'outcome', f.outcome,
                                      'duration_secs', 240, 'summary', 'Asked about an order; explained the options',
                                      'occurred_at', f.occurred_at) AS body
             UNION ALL
             SELECT 0, gen_random_uuid(), 'feedback_recorded', md5(f.interaction_id::text)::uuid,
                    json_build_object('type', 'feedback_recorded', 'feedback_id', md5(f.interaction_id::text)::uuid,
                                      'interaction_id', f.interaction_id, 'customer_id', f.customer_id,
                                      'feeling', f.feeling, 'csat', f.csat, 'nps', f.nps, 'ces', f.ces,
                                      'verbatim', NULL, 'occurred_at', f.occurred_at)
             WHERE f.feeling IS NOT NULL OR f.csat IS NOT NULL) o,
         LATERAL (SELECT f.wall || lpad(o.second::text, 6, '0') || replace(f.device::text, '-', '') AS hlc) h",
    )
    .bind(org)
    .bind(after)
    .execute(pool)
    .await
    .expect("conversations' ops")
    .rows_affected() as i64;
    sqlx::query(
        "UPDATE org_counters SET next_seq = (SELECT max(server_seq) + 1 FROM change_log WHERE org_id = $1)
         WHERE org_id = $1",
    )
    .bind(org)
    .execute(pool)
    .await
    .expect("counter");
    for t in ["change_log", "customer_scope"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM ANALYZE {t}"))).execute(pool).await.expect("vacuum");
    }
    eprintln!("  change log: {} rows written in {:.0} s", customers + conversations, start.elapsed().as_secs_f64());
    customers + conversations
}
