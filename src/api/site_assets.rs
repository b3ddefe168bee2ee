use serde::{Deserialize, Serialize};

/// Where the browser bundle is: its URLs under content-hashed names, as
/// `make site` wrote them in the site's `assets.json`. Provided as context
/// by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteAssets {
    /// The wasm-bindgen glue, e.g. `/pkg/callscope.0123456789abcdef.js`.
    pub js: String,
    /// The WebAssembly module.
    pub wasm: String,
    /// The stylesheet.
    pub css: String,
}
