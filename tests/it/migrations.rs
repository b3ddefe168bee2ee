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

/// Applies the embedded migrations numbered `from..to` by hand, as plain SQL.
async fn apply(pool: &PgPool, versions: std::ops::Range<i64>) {
    for migration in MIGRATOR.iter().filter(|m| versions.contains(&m.version)) {
        sqlx::raw_sql(migration.sql.clone())
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("migration {}: {e}", migration.version));
    }
}

#[sqlx::test(migrations = false)]
async fn samples_stored_before_0022_are_converted_keeping_what_is_read(pool: PgPool) {
    apply(&pool, 1..22).await;
    // Two polls of one fabric yesterday (in its day's partition), one far
    // back (in the default partition), with what 0005 kept: figures no
    // network produces among them.
    sqlx::raw_sql(
        r#"select ensure_stats_partitions(current_date - 1, 2);
           insert into stats_samples (sampled_at, fabric_id, app_id, stat_key, report_type, direction, media_kind,
                                      ssrc, rtt_ms, jitter_ms, fraction_lost, packets_lost, raw) values
           (current_date - 1 + time '10:00', 7, 1, 'IT01A1', 'track', 'inbound', 'audio', 4294967295, null, 12.5,
            0.1, 3, '{"type": "inbound-rtp", "concealedSamples": 12, "totalSamplesReceived": 48000, "x": 1}'),
           (current_date - 1 + time '10:00', 7, 1, 'OT01V2', 'track', 'outbound', 'video', 2, 1e308, 'NaN', null,
            null, '{"type": "outbound-rtp", "qualityLimitationReason": "weird", "freezeCount": "x"}'),
           (current_date - 1 + time '10:00', 7, 1, 'CP1', 'candidatePair', null, null, null, 40, null, null, null,
            '{"type": "candidate-pair", "selected": true, "localCandidateType": "relay", "localProtocol": "UDP",
              "localRelayProtocol": "tls", "availableOutgoingBitrate": 1e400, "localAddress": "192.0.2.1"}'),
           (current_date - 1 + time '10:00:10', 7, 1, 'IT01V3', 'track', 'inbound', 'video', 3, null, 3, 0, 1,
            '{"type": "inbound-rtp", "freezeCount": 3, "totalFreezesDuration": 1.25}'),
           (current_date - 400, 8, 1, 'old', 'codec', null, null, null, null, null, null, null, '{}');"#,
    )
    .execute(&pool)
    .await
    .expect("samples as 0005 stored them");
    apply(&pool, 22..23).await;

    type Row = (String, String, Option<String>, Option<i64>, Option<f64>, Option<f64>, Option<f64>, Option<i16>);
    let rows: Vec<Row> = sqlx::query_as(
        "select tableoid::regclass::text, stat_key, stats_name('stats_type', stats_type), ssrc, rtt_ms::float8,
                jitter_ms::float8, fraction_lost::float8, poll_objects
         from stats_samples order by sampled_at, stat_key",
    )
    .fetch_all(&pool)
    .await
    .expect("converted");
    let day = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).format("%Y%m%d").to_string();
    let keys: Vec<(&str, &str)> = rows.iter().map(|row| (row.0.as_str(), row.1.as_str())).collect();
    let partition = format!("stats_samples_p{day}");
    assert_eq!(
        keys,
        [
            ("stats_samples_default", "old"),
            (partition.as_str(), "CP1"),
            (partition.as_str(), "IT01A1"),
            (partition.as_str(), "OT01V2"),
            (partition.as_str(), "IT01V3")
        ]
    );
    let polls: Vec<Option<i16>> = rows.iter().map(|row| row.7).collect();
    assert_eq!(polls, [Some(1), Some(3), None, None, Some(1)], "each poll's first row is marked");
    assert_eq!(
        (rows[2].2.as_deref(), rows[2].3, rows[2].5, rows[2].6),
        (Some("inbound-rtp"), Some(4294967295), Some(12.5), Some(0.1f32.into()))
    );
    assert!(rows[3].4 == Some(f64::INFINITY) && rows[3].5.is_some_and(f64::is_nan), "1e308 and NaN survive as real");

    let read: (i64, i64, String, Option<i32>, f64, String, String, String, Option<f32>) = sqlx::query_as(
        "select (select concealed_samples from stats_samples where stat_key = 'IT01A1'),
                (select total_samples_received from stats_samples where stat_key = 'IT01A1'),
                (select stats_name('quality_limitation_reason', quality_limitation_reason) from stats_samples
                  where stat_key = 'OT01V2'),
                (select freeze_count from stats_samples where stat_key = 'OT01V2'),
                (select total_freezes_duration_s::float8 from stats_samples where stat_key = 'IT01V3'),
                stats_name('candidate_type', local_candidate_type), stats_name('protocol', local_protocol),
                stats_name('protocol', local_relay_protocol), available_outgoing_bitrate_bps
         from stats_samples where stat_key = 'CP1' and selected",
    )
    .fetch_one(&pool)
    .await
    .expect("what the detectors read");
    assert_eq!(read, (12, 48000, "other".to_owned(), None, 1.25, "relay".into(), "udp".into(), "tls".into(), None));

    // The partition functions work on the new table.
    let created: i32 = sqlx::query_scalar("select ensure_stats_partitions(current_date + 5, 1)")
        .fetch_one(&pool)
        .await
        .expect("ensure");
    let dropped: i32 =
        sqlx::query_scalar("select drop_stats_partitions_before(current_date)").fetch_one(&pool).await.expect("drop");
    let left: i64 = sqlx::query_scalar("select count(*) from stats_samples").fetch_one(&pool).await.expect("count");
    assert_eq!((created, dropped, left), (1, 1, 0));
}

#[sqlx::test(migrations = false)]
async fn samples_stored_before_0023_keep_one_poll_per_instant_and_counters_within_an_integer(pool: PgPool) {
    apply(&pool, 1..23).await;
    // Two polls of fabric 7 stamped with the same instant (first objects A
    // and B, as 0022 told them apart), a poll of fabric 8, and counters
    // past what an integer holds.
    sqlx::raw_sql(
        r#"insert into stats_samples (sampled_at, fabric_id, stat_key, report_type, poll_objects, packets_lost,
                                      packets_received, packets_sent) values
           ('2026-01-01 10:00', 7, 'A', 1, 2, -5000000000, 5000000000, 7),
           ('2026-01-01 10:00', 7, 'A2', 1, null, 1, 2, 3),
           ('2026-01-01 10:00', 7, 'B', 1, 1, 4, 5, 9000000000000000),
           ('2026-01-01 10:00', 8, 'A', 1, 1, 1, 1, 1);"#,
    )
    .execute(&pool)
    .await
    .expect("samples as 0022 stored them");
    apply(&pool, 23..24).await;

    type Row = (i64, String, Option<i16>, Option<i32>, Option<i32>, Option<i32>);
    let rows: Vec<Row> = sqlx::query_as(
        "select fabric_id, stat_key, poll_objects, packets_lost, packets_received, packets_sent
         from stats_samples order by fabric_id, stat_key",
    )
    .fetch_all(&pool)
    .await
    .expect("converted");
    let max = i32::MAX;
    assert_eq!(
        rows,
        [
            (7, "A".to_owned(), Some(2), Some(i32::MIN), Some(max), Some(7)),
            (7, "A2".to_owned(), None, Some(1), Some(2), Some(3)),
            (7, "B".to_owned(), None, Some(4), Some(5), Some(max)),
            (8, "A".to_owned(), Some(1), Some(1), Some(1), Some(1)),
        ],
        "every row kept, one first row per instant, counters at the integer's bounds"
    );
    // A poll is now its fabric and instant: a second first row conflicts.
    let again = sqlx::query(
        "insert into stats_samples (sampled_at, fabric_id, stat_key, report_type, poll_objects)
         values ('2026-01-01 10:00', 7, 'C', 1, 1) on conflict do nothing",
    )
    .execute(&pool)
    .await
    .expect("insert");
    assert_eq!(again.rows_affected(), 0);
}
