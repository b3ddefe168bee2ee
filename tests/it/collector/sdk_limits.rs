//! The SDK refuses, before sending, what the collector would refuse
//! (`LIMITS` in sdk/src/limits.js). Its table must say what the
//! collector's own limits (`domain::limits`) say, name for name, or the SDK
//! refuses what the collector takes, or sends what it refuses.

use callscope::domain::limits;

/// The SDK's `LIMITS` table, in order: each name and its value (an integer
/// or a product of integers).
fn sdk_limits() -> Vec<(String, usize)> {
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/sdk/src/limits.js")).expect("the SDK's limits");
    let (_, table) = source.split_once("export const LIMITS = Object.freeze({").expect("the SDK's LIMITS");
    let (table, _) = table.split_once("});").expect("the end of LIMITS");
    table
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .map(|line| {
            let (name, value) = line.trim_end_matches(',').split_once(':').expect("name: value");
            let factors = value.split('*').map(|factor| factor.trim().parse::<usize>().expect("an integer"));
            (name.trim().to_owned(), factors.product())
        })
        .collect()
}

#[test]
fn the_sdk_checks_what_it_sends_against_the_collectors_own_limits() {
    let collector = [
        ("idBytes", limits::ID_BYTES),
        ("userFieldChars", limits::USER_FIELD_CHARS),
        ("usageLabelBytes", limits::USAGE_LABEL_BYTES),
        ("applicationVersionChars", limits::APPLICATION_VERSION_CHARS),
        ("applicationLogBytes", limits::APPLICATION_LOG_BYTES),
        ("sdpBytes", limits::SDP_BYTES),
        ("objectJsonBytes", limits::OBJECT_BYTES),
        ("commentBytes", limits::COMMENT_BYTES),
        ("precallMessageBytes", limits::TEXT_BYTES),
        ("itemsPerArray", limits::MAX_ITEMS),
        ("statsObjects", limits::STATS_OBJECTS),
    ];
    let collector: Vec<(String, usize)> = collector.iter().map(|(name, value)| ((*name).to_owned(), *value)).collect();
    assert_eq!(sdk_limits(), collector);
}
