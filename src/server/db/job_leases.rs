//! Leases of singleton jobs (`job_leases`): the retention job and the
//! upkeep run once across a fleet of callscope instances because each run
//! first takes its job's lease here, and frees it when done.

use std::time::Duration;

use serde_json::Value;
use sqlx::PgPool;

use crate::server::AppError;

/// Takes the lease of singleton job `job` for `hold` when it is free and
/// its last run started at least `every` ago; true when this holder now
/// runs it. Two instances asking at once: the row's lock orders them, and
/// the second sees the first's lease.
pub async fn lease(pool: &PgPool, job: &str, holder: &str, every: Duration, hold: Duration) -> Result<bool, AppError> {
    let (every, hold) = (seconds(every), seconds(hold));
    let leased = sqlx::query_scalar!(
        r#"insert into job_leases (name, holder, leased_until, last_started_at, run_count)
           values ($1, $2, now() + make_interval(secs => $3), now(), 1)
           on conflict (name) do update
               set holder = excluded.holder, leased_until = excluded.leased_until, last_started_at = now(),
                   run_count = job_leases.run_count + 1
               where job_leases.leased_until < now()
                 and (job_leases.last_started_at is null
                      or job_leases.last_started_at <= now() - make_interval(secs => $4))
           returning name"#,
        job,
        holder,
        hold,
        every,
    )
    .fetch_optional(pool)
    .await?;
    Ok(leased.is_some())
}

/// Records the end of `holder`'s run of `job` (what it did, or why it
/// failed) and frees the lease.
pub async fn finish(
    pool: &PgPool,
    job: &str,
    holder: &str,
    result: &Value,
    error: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "update job_leases set leased_until = now(), last_finished_at = now(), last_result = $3, last_error = $4
         where name = $1 and holder = $2",
        job,
        holder,
        result,
        error,
    )
    .execute(pool)
    .await?;
    Ok(())
}

fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64()
}
