//! callscope: self-hosted WebRTC call-quality monitoring.
//!
//! The crate is split first by where code runs, then by feature:
//! - [`domain`] — pure types and rules shared by server and browser;
//! - [`api`] — server functions and the DTOs they return;
//! - [`ui`] — the Leptos app (server-rendered and hydrated);
//! - `server` — everything that only runs on the server (`ssr` feature).
//!
//! Dependencies point one way: `ui → api → domain`; server functions call
//! into `server`, whose `db` knows only `domain` and sqlx; `server` never
//! names `ui`, so [`pages`] hands the app to it from here.

pub mod api;
pub mod domain;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

/// The dashboard's pages ([`ui`]) as the server mounts them: the binary and
/// the tests pass this to `server::Application::build`.
#[cfg(feature = "ssr")]
pub fn pages() -> server::Pages {
    use leptos::prelude::IntoAny;
    server::Pages { app: || ui::App().into_any(), shell: |options| ui::shell(options).into_any() }
}

/// Entry point of the browser bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(ui::App);
}
