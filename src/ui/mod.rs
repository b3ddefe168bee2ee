//! The Leptos app: the HTML shell, the routes and their pages.

mod app;
mod components;
mod format;
mod pages;

pub use app::{App, shell};
