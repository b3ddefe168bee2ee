//! The schema: every migration applies to an empty database, and again is a no-op.

use callscope::server::db::{self, MIGRATOR};
use sqlx::PgPool;

#[sqlx::test(migrations = false)]
async fn every_migration_applies_to_an_empty_database_and_migrate_is_idempotent(pool: PgPool) {
    db::migrate(&pool).await.expect("first migrate");
    db::migrate(&pool).await.expect("second migrate");

    let applied: Vec<i64> = sqlx::query_scalar("select version from _sqlx_migrations where success order by version")
        .fetch_all(&pool)
        .await
        .expect("applied");
    let embedded: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    assert!(!embedded.is_empty());
    assert_eq!(applied, embedded);
}

#[sqlx::test]
async fn the_model_has_every_table_the_product_needs(pool: PgPool) {
    let tables: Vec<String> =
        sqlx::query_scalar("select table_name::text from information_schema.tables where table_schema = 'public'")
            .fetch_all(&pool)
            .await
            .expect("tables");
    for table in [
        "users",
        "sessions",
        "apps",
        "app_secrets",
        "app_jwt_keys",
        "app_origins",
        "user_app_grants",
        "conference_instances",
        "endpoints",
        "fabrics",
        "fabric_events",
        "reported_errors",
        "ssrc_maps",
        "sdps",
        "ice_candidates",
        "feedback",
        "call_details",
        "stats_samples",
        "idempotency_keys",
        "webhooks",
        "webhook_deliveries",
        "audit_log",
    ] {
        assert!(tables.iter().any(|t| t == table), "missing table {table}");
    }
}

#[sqlx::test]
async fn stats_partitions_are_created_once_per_day(pool: PgPool) {
    let first: i32 =
        sqlx::query_scalar("select ensure_stats_partitions(current_date, 3)").fetch_one(&pool).await.expect("first");
    let second: i32 =
        sqlx::query_scalar("select ensure_stats_partitions(current_date, 3)").fetch_one(&pool).await.expect("second");
    assert_eq!((first, second), (3, 0));
}
