//! Everything that only runs on the server: HTTP, database, auth, workers.

pub mod accounts;
pub mod admin;
pub mod app;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod chart_images;
pub mod charts;
pub mod cli;
pub mod collector;
pub mod config;
pub mod db;
pub mod demo;
pub mod embedded_pg;
pub mod error;
pub mod health;
pub mod lifecycle;
pub mod master_key;
pub mod metrics;
pub mod progress;
pub mod reports;
pub mod request_id;
pub mod retention;
pub mod rollups;
pub mod sealed;
pub mod security_headers;
pub mod site;
pub mod state;
pub mod subject;
pub mod telemetry;
pub mod upkeep;
pub mod webhooks;

pub use app::{Application, Pages};
pub use config::Config;
pub use error::AppError;
pub use state::AppState;
