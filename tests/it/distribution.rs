//! The schema's readiness for distribution by `app_id` (Citus; see
//! docs/scaling.md): every table is classified, the ready ones stay ready,
//! and a new table must be ready (or a small reference table) from its
//! first migration. The tables listed as pending may only leave the list.

use std::collections::BTreeSet;

use sqlx::PgPool;

/// Small tables every node would hold a copy of.
const REFERENCE: &[&str] = &["apps", "job_leases", "login_failures", "sessions", "users"];
/// Kept on the coordinator only: admin actions, read by admins; the
/// collector's pulse, one row for the whole fleet.
const COORDINATOR: &[&str] = &["audit_log", "collector_pulse"];
/// Hash-distributed by `fabric_id`: every read names its fabrics.
const BY_FABRIC: &[&str] = &["stats_samples"];
/// Distributed by `app_id` and ready: an `app_id` column, in every primary
/// and unique key, and in every foreign key to another distributed table.
const READY: &[&str] =
    &["app_integration_progress", "daily_conferences", "daily_feedback", "idempotency_keys", "user_app_grants"];
/// To be distributed by `app_id`, with what docs/scaling.md says they need
/// first. This list may only shrink.
const PENDING: &[&str] = &[
    "app_jwt_keys",
    "app_origins",
    "app_secrets",
    "call_details",
    "conference_instances",
    "endpoints",
    "fabric_events",
    "fabric_issues",
    "fabrics",
    "feedback",
    "ice_candidates",
    "precall_tests",
    "reported_errors",
    "sdps",
    "ssrc_maps",
    "system_status_samples",
    "used_jwt_ids",
    "webhook_attempts",
    "webhook_deliveries",
    "webhooks",
];

/// The tables of the schema (partitions aside).
async fn tables(pool: &PgPool) -> BTreeSet<String> {
    sqlx::query_scalar(
        "select c.relname::text from pg_class c
          where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
            and c.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("tables")
    .into_iter()
    .collect()
}

/// Why `table` is not ready for distribution by `app_id`, if it is not.
async fn not_ready(pool: &PgPool, table: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select 'no app_id column'
          where not exists (select from pg_attribute where attrelid = $1::regclass and attname = 'app_id'
                                                        and not attisdropped)
         union all
         select format('%s lacks app_id', conname) from pg_constraint k
          where k.conrelid = $1::regclass and k.contype in ('p', 'u', 'x')
            and not exists (select from pg_attribute a where a.attrelid = k.conrelid and a.attnum = any(k.conkey)
                                                       and a.attname = 'app_id')
         union all
         select format('%s lacks app_id', conname) from pg_constraint k
          where k.conrelid = $1::regclass and k.contype = 'f' and k.confrelid::regclass::text <> all($2)
            and not exists (select from pg_attribute a where a.attrelid = k.conrelid and a.attnum = any(k.conkey)
                                                       and a.attname = 'app_id')",
    )
    .bind(table)
    .bind(REFERENCE)
    .fetch_all(pool)
    .await
    .expect("constraints")
}

#[sqlx::test]
async fn every_table_is_classified_for_distribution_by_app_id(pool: PgPool) {
    let classified: BTreeSet<String> =
        [REFERENCE, COORDINATOR, BY_FABRIC, READY, PENDING].concat().into_iter().map(str::to_owned).collect();
    let tables = tables(&pool).await;
    let unclassified: Vec<&String> = tables.difference(&classified).collect();
    assert!(
        unclassified.is_empty(),
        "{unclassified:?}: a new table carries app_id in its keys (READY) or is a small REFERENCE table; \
         see docs/scaling.md"
    );
    let gone: Vec<&String> = classified.difference(&tables).collect();
    assert!(gone.is_empty(), "{gone:?} no longer exist");
}

#[sqlx::test]
async fn ready_tables_carry_app_id_in_every_key_and_pending_ones_leave_their_list_when_they_do(pool: PgPool) {
    for table in READY {
        assert_eq!(not_ready(&pool, table).await, Vec::<String>::new(), "{table}");
    }
    for table in PENDING {
        assert!(!not_ready(&pool, table).await.is_empty(), "{table} is ready: move it to READY");
    }
}

#[sqlx::test]
async fn the_rule_finds_a_new_table_keyed_without_app_id(pool: PgPool) {
    sqlx::raw_sql(
        "create table distribution_probe (id bigserial primary key,
             app_id bigint not null references apps (id), instance_id bigint references conference_instances (id))",
    )
    .execute(&pool)
    .await
    .expect("probe");
    assert!(!tables(&pool).await.is_subset(
        &[REFERENCE, COORDINATOR, BY_FABRIC, READY, PENDING].concat().into_iter().map(str::to_owned).collect()
    ));
    assert_eq!(
        not_ready(&pool, "distribution_probe").await,
        ["distribution_probe_pkey lacks app_id", "distribution_probe_instance_id_fkey lacks app_id"]
    );
}
