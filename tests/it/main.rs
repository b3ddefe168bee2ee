//! Integration tests: the real server over real PostgreSQL, one binary so
//! the helpers in `common` are shared and linking happens once.

mod accounts;
mod admin;
mod arrays;
mod arrows;
mod auth;
mod client_tokens;
mod cluster;
mod collector;
mod common;
mod conference_issues;
mod dashboard;
mod db_cli;
mod delivery;
mod demo;
mod diagnosis;
mod distribution;
mod durability;
mod embedded_pg;
mod health;
mod lifecycle;
mod metrics;
mod migrations;
mod outage;
mod replica;
mod retention;
mod rollups;
mod secrets_at_rest;
mod serve_process;
mod server;
mod subject;
mod summaries;
mod throttle;
mod top_issues;
mod upkeep;
mod webhooks;
