use leptos::config::LeptosOptions;
use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// The scripts that load and hydrate the app: leptos's `HydrationScripts`
/// with the content security policy's nonce on the module preload as well.
///
/// leptos's own puts the nonce on its inline script only, so the browser
/// refuses (and reports) its `<link rel="modulepreload">` under a policy
/// that allows scripts by nonce alone. The bundle is the one `make site`
/// lays out: `/{site_pkg_dir}/{output_name}.js` and `…_bg.wasm`.
#[component]
pub fn NoncedHydrationScripts(
    /// The site options (package directory and bundle name).
    options: LeptosOptions,
) -> impl IntoView {
    let nonce = use_nonce();
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    let (js, wasm) = (format!("{pkg}.js"), format!("{pkg}_bg.wasm"));
    // No `<`, `>` or `&`: the text stays the same whether or not it is escaped.
    let script = format!(
        "import({js:?}).then(function (app) {{ return app.default({{ module_or_path: {wasm:?} }}).then(function () {{ app.hydrate(); }}); }});"
    );
    view! {
        <link rel="modulepreload" href=js nonce=nonce.clone()/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=nonce>{script}</script>
    }
}
