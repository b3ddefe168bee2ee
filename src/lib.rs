//! callscope: self-hosted WebRTC call-quality monitoring.
//!
//! The crate is split first by where code runs, then by feature:
//! - [`domain`] — pure types and rules shared by server and browser;
//! - [`api`] — server functions and the DTOs they return;
//! - [`ui`] — the Leptos app (server-rendered and hydrated);
//! - `server` — everything that only runs on the server (`ssr` feature).

pub mod api;
pub mod domain;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the browser bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(ui::App);
}
