//! A binary built with `embed-site` (`make dist`) carries the site in
//! `CALLSCOPE_SITE_DIR`: rebuild it when that site changes.
fn main() {
    if std::env::var_os("CARGO_FEATURE_EMBED_SITE").is_some() {
        println!("cargo:rerun-if-env-changed=CALLSCOPE_SITE_DIR");
        if let Some(site) = std::env::var_os("CALLSCOPE_SITE_DIR") {
            println!("cargo:rerun-if-changed={}", site.to_string_lossy());
        }
    }
}
