//! Where to go after signing in: a path on this site, or `/search`.
//!
//! `next` comes from the query string of a link anyone can send, so it is
//! hostile until proven local. Browsers strip tabs and newlines from URLs
//! and read `\` as `/`, so `/\t/evil.example` and `/\evil.example` both mean
//! `//evil.example`; such characters are refused outright rather than
//! cleaned. What passes is then parsed against a placeholder origin and
//! re-serialised, which percent-encodes whatever a `Location` header
//! cannot carry.

use url::Url;

/// Where sign-in ends when `next` is missing or not acceptable.
pub const DEFAULT_NEXT: &str = "/search";

/// Longest `next` followed; longer ones are not links people click.
const MAX_BYTES: usize = 2048;

/// `next` as a same-origin path (with its query and fragment), or
/// [`DEFAULT_NEXT`].
pub fn safe_next(next: &str) -> String {
    parse(next).unwrap_or_else(|| DEFAULT_NEXT.to_owned())
}

fn parse(next: &str) -> Option<String> {
    let rest = next.strip_prefix('/')?;
    let forbidden = |c: char| c.is_control() || c == '\\' || c.is_whitespace();
    if next.len() > MAX_BYTES || rest.starts_with('/') || next.chars().any(forbidden) {
        return None;
    }
    let base = Url::parse("http://callscope.invalid/").ok()?;
    let url = base.join(next).ok()?;
    if url.origin() != base.origin() || url.path() == "/login" {
        return None;
    }
    let mut local = url.path().to_owned();
    if let Some(query) = url.query() {
        local.push('?');
        local.push_str(query);
    }
    if let Some(fragment) = url.fragment() {
        local.push('#');
        local.push_str(fragment);
    }
    // The serialised path can never start with `//` after the checks above,
    // but a redirect is the wrong place to trust that.
    (!local.starts_with("//")).then_some(local)
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_NEXT, safe_next};

    #[test]
    fn local_paths_with_queries_and_fragments_are_followed() {
        assert_eq!(safe_next("/search?conferenceID=a"), "/search?conferenceID=a");
        assert_eq!(safe_next("/conferences/c-1#fabrics"), "/conferences/c-1#fabrics");
        assert_eq!(safe_next("/feedback"), "/feedback");
    }

    #[test]
    fn what_a_location_header_cannot_carry_is_percent_encoded() {
        assert_eq!(safe_next("/conferences/caf\u{e9}"), "/conferences/caf%C3%A9");
        assert_eq!(safe_next("/a?b=\"<x>\""), "/a?b=%22%3Cx%3E%22");
    }

    #[test]
    fn every_way_out_of_the_site_ends_on_the_search_page() {
        let hostile = [
            "",
            "search",
            "//evil.example/",
            "///evil.example/",
            "https://evil.example/",
            "javascript:alert(1)",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{b}",
            "/\u{0}",
            "/\u{7f}",
            "/\u{85}/evil.example",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "/\u{3000}/evil.example",
            " /search",
            "/login",
            "/search\\..\\",
            "/.//evil.example",
            "/%2e//evil.example",
        ];
        for next in hostile {
            assert_eq!(safe_next(next), DEFAULT_NEXT, "{next:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(3000))), DEFAULT_NEXT);
    }

    #[test]
    fn dot_segments_cannot_climb_out_of_the_site() {
        assert_eq!(safe_next("/../../evil.example"), "/evil.example");
        assert_eq!(safe_next("/./search"), "/search");
    }
}
