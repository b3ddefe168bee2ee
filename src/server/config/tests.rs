//! Unit tests of the configuration: flags, defaults and refusals.

use secrecy::ExposeSecret;

use super::*;

fn load(args: &[&str]) -> Config {
    let parsed = ConfigArgs::parse_from(args.iter().copied()).expect("args");
    Config::load(&parsed).expect("config")
}

#[test]
fn cookies_are_secure_by_default_exactly_when_the_public_url_is_https() {
    assert!(load(&["--public-url", "https://calls.example.com"]).secure_cookies);
    assert!(!load(&["--public-url", "http://calls.example.com"]).secure_cookies);
    assert!(!load(&["--public-url", "https://calls.example.com", "--secure-cookies", "false"]).secure_cookies);
    assert!(load(&["--public-url", "http://10.0.0.1", "--secure-cookies", "true"]).secure_cookies);
}

#[test]
fn trusted_proxies_are_addresses_or_networks() {
    let config = load(&["--trusted-proxies", "127.0.0.1,10.0.0.0/8, ::1"]);
    let shown: Vec<String> = config.trusted_proxies.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
    assert!(load(&[]).trusted_proxies.is_empty());
    assert!(ConfigArgs::parse_from(["--trusted-proxies", "proxy.example"]).is_err());
}

#[test]
fn a_read_replica_is_taken_only_beside_a_primary() {
    // Set here, not by flags: the environment may name a store for the tests.
    let with = |primary: Option<&str>, replica: Option<&str>| {
        let mut args = ConfigArgs::parse_from(std::iter::empty::<String>()).expect("args");
        args.database_url = primary.map(str::to_owned);
        args.database_read_url = replica.map(str::to_owned);
        Config::load(&args).map(|config| config.read_database_url)
    };
    let (primary, replica) = (Some("postgres://primary/callscope"), Some("postgres://replica/callscope"));
    assert!(with(primary, None).expect("no replica").is_none());
    assert!(with(primary, Some("")).expect("an empty one").is_none());
    let read = with(primary, replica).expect("a replica");
    assert_eq!(read.as_ref().map(ExposeSecret::expose_secret), replica);
    assert!(with(None, replica).is_err(), "a replica without its primary");
}

#[test]
fn metrics_are_off_unless_asked_for_and_a_short_token_is_refused() {
    let off = load(&[]);
    assert!(off.metrics_addr.is_none() && off.metrics_token.is_none());
    assert!(load(&["--metrics-token", "0123456789abcdef"]).metrics_token.is_some());
    let short = ConfigArgs::parse_from(["--metrics-token", "0123456789abcde"]).expect("args");
    assert!(Config::load(&short).is_err());
}
