//! What both benchmarks need: the server configuration and a printable URL.

use callscope::server::Config;
use callscope::server::config::ConfigArgs;

/// The server configuration of a benchmark run over `url`, on a free port.
pub fn config(url: &str) -> anyhow::Result<Config> {
    let mut args = ConfigArgs::parse_from(["--addr", "127.0.0.1:0"])?;
    args.database_url = Some(url.to_owned());
    args.data_dir = std::env::temp_dir().join("callscope-bench");
    Config::load(&args)
}

/// `url` without its password, for printing.
pub fn redact(url: &str) -> String {
    url::Url::parse(url).map_or_else(
        |_| "the database".to_owned(),
        |mut url| {
            url.set_password(None).ok();
            url.to_string()
        },
    )
}
