//! What stored stats samples cost on disk (`make bench-ingest`).

use callscope::server::db;

/// Prints what the stored samples cost on disk: heap, indexes and TOAST
/// (`pg_total_relation_size`) of the partitions holding them, per sample.
pub async fn report(url: &str) -> anyhow::Result<()> {
    let pool = db::connect(url).await?;
    let (samples, bytes): (i64, i64) = sqlx::query_as(
        "with parts as (
             select c.oid, (select count(*) from stats_samples s where s.tableoid = c.oid) as samples
             from pg_inherits i join pg_class c on c.oid = i.inhrelid
             where i.inhparent = 'stats_samples'::regclass
         )
         select coalesce(sum(samples), 0)::bigint, coalesce(sum(pg_total_relation_size(oid)), 0)::bigint
         from parts where samples > 0",
    )
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    println!(
        "stored: {samples} samples, {:.0} bytes per sample on disk (heap and indexes of their partitions)",
        bytes as f64 / samples.max(1) as f64
    );
    Ok(())
}
