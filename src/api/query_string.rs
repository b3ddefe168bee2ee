//! The query strings of the dashboard's shareable URLs (search, reports,
//! audit log): encoded the same on the server and in the browser.

/// `key=value` pairs joined by `&`, values percent-encoded; pairs without a
/// value are left out.
pub(crate) fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<String>)>) -> String {
    pairs
        .into_iter()
        .filter_map(|(key, value)| value.map(|value| format!("{key}={}", escape(&value))))
        .collect::<Vec<_>>()
        .join("&")
}

/// `path`, followed by `?query` unless the query is empty.
pub(crate) fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// The pairs of a filter form's query whose value, trimmed, is not empty:
/// a plain GET form sends every field, and a blank one is no filter.
pub(crate) fn filled<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    pairs.into_iter().map(|(key, value)| (key, value.trim())).filter(|(_, value)| !value.is_empty())
}

/// Percent-encodes a query-string value (UTF-8 bytes; unreserved characters
/// kept). Not `leptos_router`'s `Url::escape`: that encodes differently on
/// the server and in the browser, and these links must render the same in
/// both for hydration.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
