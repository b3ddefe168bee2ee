//! Group commit for stats: submissions that arrive together are written by
//! one insert, so the database parses, plans and commits once per batch
//! instead of once per submission. A writer takes whatever is queued (up to
//! [`MAX_BATCH`]) the moment it is free, so a lone submission waits for
//! nobody. Each submission is answered only after the insert holding it
//! has committed; if a batch fails, its submissions are retried one by one
//! so one bad poll cannot fail the others — unless the store is what failed
//! (all are then answered 503 at once, to be sent again).

use std::sync::Arc;
use std::time::Instant;

use sqlx::PgPool;
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::server::AppError;
use crate::server::db::stats::{self, Poll};
use crate::server::metrics::events;

/// At most this many submissions per insert.
pub const MAX_BATCH: usize = 64;
/// Writers working at once, each with its own connection while it writes.
const WRITERS: usize = 4;
/// Submissions waiting for a writer; beyond this, callers wait to enqueue.
const QUEUE: usize = 4096;

struct Job {
    poll: Poll,
    done: oneshot::Sender<Result<(), AppError>>,
}

/// The queue in front of the writers.
pub struct StatsWriter {
    jobs: mpsc::Sender<Job>,
}

impl StatsWriter {
    /// Starts the writers over `pool`; they stop when this is dropped.
    pub fn start(pool: &PgPool) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..WRITERS {
            tokio::spawn(write_batches(pool.clone(), queue.clone()));
        }
        Self { jobs }
    }

    /// Stores `poll`; returns once it is committed.
    pub async fn write(&self, poll: Poll) -> Result<(), AppError> {
        let (done, committed) = oneshot::channel();
        self.jobs.send(Job { poll, done }).await.map_err(|_| AppError::ServiceUnavailable)?;
        committed.await.map_err(|_| AppError::Internal(anyhow::anyhow!("a stats writer stopped mid-batch")))?
    }

    /// Submissions waiting for a writer.
    pub fn queued(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
    }
}

async fn write_batches(pool: PgPool, queue: Arc<Mutex<mpsc::Receiver<Job>>>) {
    while let Some(batch) = next_batch(&queue).await {
        let (polls, answers): (Vec<Poll>, Vec<_>) = batch.into_iter().map(|job| (job.poll, job.done)).unzip();
        match insert_timed(&pool, &polls).await {
            Ok(()) => answers.into_iter().for_each(|done| drop(done.send(Ok(())))),
            Err(error) if answers.len() == 1 => {
                if let Some(done) = answers.into_iter().next() {
                    drop(done.send(Err(error)));
                }
            }
            // The store is away: one by one would wait for it once per poll.
            Err(AppError::ServiceUnavailable) => {
                answers.into_iter().for_each(|done| drop(done.send(Err(AppError::ServiceUnavailable))));
            }
            Err(error) => {
                tracing::warn!(%error, polls = polls.len(), "a stats batch failed; writing its polls one by one");
                events::stats_batch_failed();
                for (poll, done) in polls.iter().zip(answers) {
                    drop(done.send(stats::insert(&pool, std::slice::from_ref(poll)).await));
                }
            }
        }
    }
}

/// Inserts `polls` on a connection of its own, recording the wait for it,
/// the batch's size and how long the insert took.
async fn insert_timed(pool: &PgPool, polls: &[Poll]) -> Result<(), AppError> {
    let started = Instant::now();
    let mut conn = pool.acquire().await?;
    events::pool_acquired("stats_writer", started.elapsed());
    let started = Instant::now();
    stats::insert(&mut *conn, polls).await?;
    events::stats_batch(polls.len(), started.elapsed());
    Ok(())
}

/// Waits for one job, then takes every job already queued, up to [`MAX_BATCH`].
/// `None` once the queue is closed and empty.
async fn next_batch(queue: &Mutex<mpsc::Receiver<Job>>) -> Option<Vec<Job>> {
    let mut queue = queue.lock().await;
    let first = queue.recv().await?;
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match queue.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}
