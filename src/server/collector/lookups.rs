//! What the stats hot path would otherwise ask the database on every
//! submission (a connection is taken from the pool only on a miss): which endpoint a ucID is (immutable but for the app's
//! disabled flag, so re-read every few seconds), which fabric a
//! connectionID names (immutable), and whether an origin may read the collector's answers (CORS; re-read every 5 s — the
//! whitelist itself is enforced by `/authenticate` on every token request).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::server::AppError;
use crate::server::db::conferences::{self, EndpointRow};
use crate::server::db::{apps, fabrics};

/// How long an endpoint is trusted from memory: disabling an app stops
/// its stats within this time (and every other call at once).
const ENDPOINT_TTL: Duration = Duration::from_secs(5);
const ORIGIN_TTL: Duration = Duration::from_secs(5);
/// Each map is cleared when it grows past this; it refills on demand.
const CAPACITY: usize = 100_000;

/// In-memory answers to the hot path's lookups.
#[derive(Default)]
pub struct Lookups {
    endpoints: Memo<Uuid, EndpointRow>,
    fabrics: Memo<(Uuid, String), i64>,
    origins: Memo<(String, String), bool>,
}

impl Lookups {
    /// The endpoint `uc_id`, from memory when read less than 5 s ago.
    pub async fn endpoint(&self, pool: &PgPool, uc_id: Uuid) -> Result<Option<EndpointRow>, AppError> {
        if let Some(row) = self.endpoints.get(&uc_id, ENDPOINT_TTL) {
            return Ok(Some(row));
        }
        let row = conferences::endpoint(pool, uc_id).await?;
        if let Some(row) = &row {
            self.endpoints.put(uc_id, row.clone());
        }
        Ok(row)
    }

    /// The fabric `connection_id` of the endpoint, created on first mention.
    pub async fn fabric(
        &self,
        pool: &PgPool,
        endpoint_id: Uuid,
        instance_id: i64,
        connection_id: &str,
        remote_user_id: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, AppError> {
        let key = (endpoint_id, connection_id.to_owned());
        if let Some(id) = self.fabrics.get(&key, Duration::MAX) {
            return Ok(id);
        }
        let mut conn = pool.acquire().await?;
        let id = fabrics::resolve(&mut conn, endpoint_id, instance_id, connection_id, remote_user_id, at).await?;
        self.fabrics.put(key, id);
        Ok(id)
    }

    /// Whether the app with appID `public_id` lets `origin` read answers.
    pub async fn origin_allowed(&self, pool: &PgPool, public_id: &str, origin: &str) -> Result<bool, AppError> {
        let key = (public_id.to_owned(), origin.to_owned());
        if let Some(allowed) = self.origins.get(&key, ORIGIN_TTL) {
            return Ok(allowed);
        }
        let allowed = apps::origin_allowed(pool, public_id, Some(origin)).await?;
        self.origins.put(key, allowed);
        Ok(allowed)
    }
}

/// A bounded map of values with the time they were stored.
struct Memo<K, V>(Mutex<HashMap<K, (V, Instant)>>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    fn get(&self, key: &K, ttl: Duration) -> Option<V> {
        let map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(key).filter(|(_, stored)| stored.elapsed() < ttl).map(|(value, _)| value.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(key, (value, Instant::now()));
    }
}
