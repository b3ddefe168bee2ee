//! `callscope demo`: fills the store with realistic conferences by driving
//! the collector over HTTP exactly as SDK clients would — it never writes
//! conference data to the database itself. The collector client is
//! reusable (the ingestion benchmark drives the collector with it too).

pub mod client;
mod scenario;
mod scenario_call;
mod scenario_endings;
mod scenario_errors;
mod scenario_fabrics;
mod scenario_generated;
mod scenario_media;
mod scenario_people;
mod scenario_plants;
mod scenario_stats;

pub use client::{ClientError, Collector, Endpoint};
pub use scenario::{DEFAULT_SEED, Options, SHOWCASE_CONFERENCES, Summary, run};
pub use scenario_plants::{PLANTED_ON, Plant};
pub use scenario_stats::{Quality, StatsSeries, stats_body};
