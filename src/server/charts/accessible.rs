//! Makes plotters' SVG an accessible image with a name.
//!
//! plotters writes a bare `<svg width=.. height=.. viewBox=.. xmlns=..>`
//! root; screen readers need `role="img"` and a name to announce it.

/// Adds `role="img"` and an `aria-label` naming the chart to the root
/// element of `svg`. `name` is escaped, so any text is safe.
pub(super) fn name_svg(svg: &str, name: &str) -> String {
    let attributes = format!(r#"<svg role="img" aria-label="{}""#, escape(name));
    match svg.strip_prefix("<svg") {
        Some(rest) => format!("{attributes}{rest}"),
        // plotters always starts with `<svg`; anything else is left as it is
        // rather than half-patched.
        None => svg.to_owned(),
    }
}

/// `text` with the five XML special characters replaced by entities: safe
/// in SVG/HTML text and in double- or single-quoted attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_gets_a_role_and_an_escaped_name() {
        let named = name_svg(r#"<svg width="1"></svg>"#, r#"RTT <b> & "q""#);
        assert_eq!(named, r#"<svg role="img" aria-label="RTT &lt;b&gt; &amp; &quot;q&quot;" width="1"></svg>"#);
    }

    #[test]
    fn a_string_that_is_not_svg_is_left_alone() {
        assert_eq!(name_svg("<p>", "x"), "<p>");
    }
}
