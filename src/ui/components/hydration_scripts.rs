use leptos::nonce::use_nonce;
use leptos::prelude::*;

use crate::api::SiteAssets;

/// The stylesheet and the scripts that load and hydrate the app: leptos's
/// `HydrationScripts` with the content security policy's nonce on the
/// module preload as well, and the bundle's hashed names.
///
/// leptos's own puts the nonce on its inline script only, so the browser
/// refuses (and reports) its `<link rel="modulepreload">` under a policy
/// that allows scripts by nonce alone.
#[component]
pub fn NoncedHydrationScripts() -> impl IntoView {
    let nonce = use_nonce();
    let SiteAssets { js, wasm, css } = expect_context::<SiteAssets>();
    // No `<`, `>` or `&`: the text stays the same whether or not it is escaped.
    let script = format!(
        "import({js:?}).then(function (app) {{ return app.default({{ module_or_path: {wasm:?} }}).then(function () {{ app.hydrate(); }}); }});"
    );
    view! {
        <link rel="stylesheet" href=css/>
        <link rel="modulepreload" href=js nonce=nonce.clone()/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=nonce>{script}</script>
    }
}
