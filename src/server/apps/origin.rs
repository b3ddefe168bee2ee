//! Whitelisted origins in their RFC 6454 ASCII serialisation.

use crate::domain::InvalidField;

/// Normalises an origin as a browser sends it in the `Origin` header:
/// lowercase scheme and host, IDNs in punycode, default port dropped, no
/// path, query, fragment or credentials. `https://Meet.Example.com:443/`
/// becomes `https://meet.example.com`.
pub fn normalise(input: &str) -> Result<String, InvalidField> {
    let invalid = |why: &str| {
        InvalidField::new("origin", format!("{why}; expected scheme://host[:port], e.g. https://meet.example.com"))
    };
    let url = url::Url::parse(input.trim()).map_err(|error| invalid(&format!("{input:?} is not a URL ({error})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http and https origins can be whitelisted"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("an origin has no user name or password"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("an origin has no path, query or fragment"));
    }
    let origin = url.origin();
    if !origin.is_tuple() {
        return Err(invalid("an origin needs a host"));
    }
    Ok(origin.ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_stored_as_browsers_send_them() {
        assert_eq!(normalise("https://Meet.Example.com:443/").as_deref(), Ok("https://meet.example.com"));
        assert_eq!(normalise("http://localhost:8080").as_deref(), Ok("http://localhost:8080"));
        assert_eq!(normalise("https://bücher.example").as_deref(), Ok("https://xn--bcher-kva.example"));
        assert_eq!(normalise("https://[::1]:3000").as_deref(), Ok("https://[::1]:3000"));
    }

    #[test]
    fn anything_but_an_origin_is_refused_with_the_field_named() {
        for bad in [
            "meet.example.com",
            "https://example.com/app",
            "https://example.com?x=1",
            "ftp://example.com",
            "https://u:p@example.com",
            "file:///tmp",
        ] {
            let error = normalise(bad).expect_err(bad);
            assert_eq!(error.field, "origin");
        }
    }
}
