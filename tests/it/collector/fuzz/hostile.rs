//! The hostile values the fuzzer plants: strings that break byte limits,
//! text columns and HTML, and number literals that break floats, integers
//! and sums. Each comes with a short label naming its class, so a failure
//! report groups "a NUL in X" apart from "1e308 in X".

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// A replacement for a string, and the label of its class.
pub fn string(rng: &mut StdRng, original: &str) -> (String, String) {
    let at = char_boundary(rng, original);
    let (head, tail) = original.split_at(at);
    let (value, label): (String, &str) = match rng.random_range(0..16) {
        0 | 1 => (format!("{head}\0{tail}"), "nul inside"),
        2 => ("\0".to_owned(), "nul only"),
        3 => {
            let control = *['\u{1}', '\u{8}', '\u{1b}', '\u{1f}', '\u{7f}', '\u{2028}'].choose(rng).unwrap_or(&'\u{1}');
            (format!("{head}{control}{tail}"), "control character")
        }
        4 => (String::new(), "empty"),
        5 => ("a".repeat(*[129, 255, 256, 257, 1025].choose(rng).unwrap_or(&257)), "ascii at a limit"),
        6 => (multibyte_at_boundary(rng), "multi-byte at a limit"),
        7 => ("x".repeat(*[8 * 1024 + 1, 60_000, 300_000].choose(rng).unwrap_or(&60_000)), "huge"),
        8 => (format!("{original}</title><script>window.__x=1</script>"), "markup"),
        9 => ("\u{202e}\u{200b}\u{feff}ﷺ\u{10ffff}e\u{301}".to_owned(), "unicode oddities"),
        10 => (pick(rng, &["1e308", "NaN", "-0", "Infinity", "4294967296", "-1", "true", "null"]), "number as text"),
        11 => (pick(rng, &["%00", "../..", "a/b?c#d", "%2F", "\\"]), "path characters"),
        12 => ("'; drop table apps; --".to_owned(), "sql"),
        13 => (" \t\r\n".to_owned(), "whitespace"),
        14 => (original.repeat(rng.random_range(2..50)), "repeated"),
        _ => (pick(rng, &["𝕏", "😀", "ン", "é"]).repeat(rng.random_range(1..300)), "non-ascii run"),
    };
    (value, format!("string {label}"))
}

/// A raw JSON number literal (some are not valid JSON on purpose), and
/// the label of its class.
pub fn number(rng: &mut StdRng) -> (String, String) {
    // Seconds become milliseconds on the way in (× 1000), so 1e305 is at
    // the float limit too; two of those in one average overflow it.
    const LITERALS: &[&str] = &[
        "1e308",
        "1e308",
        "-1e308",
        "1e305",
        "1.7e305",
        "-1e305",
        "1.7976931348623157e308",
        "-0",
        "0",
        "5e-324",
        "1e400",
        "-1e400",
        "18446744073709551616",
        "-9223372036854775809",
        "9223372036854775807",
        "4294967296",
        "2147483648",
        "-1",
        "0.5",
        "1e15",
        "-1e15",
        "123456789012345678901234567890",
        "NaN",
        "Infinity",
        "0x10",
        "1e-400",
    ];
    let literal = pick(rng, LITERALS);
    let label = format!("number {literal}");
    (literal, label)
}

/// A value of another JSON type, and the label of its class.
pub fn swapped(rng: &mut StdRng, original: &serde_json::Value) -> (serde_json::Value, String) {
    use serde_json::{Value, json};
    let (value, label) = match rng.random_range(0..8) {
        0 => (Value::Null, "null"),
        1 => (json!(true), "bool"),
        2 => (json!("text"), "string"),
        3 => (json!(42), "number"),
        4 => (json!([]), "empty array"),
        5 => (json!({}), "empty object"),
        6 => (json!([original]), "wrapped in an array"),
        _ => (json!({ "value": original }), "wrapped in an object"),
    };
    (value, format!("type → {label}"))
}

/// 200 to 5000 levels of nested arrays or objects (serde_json's own
/// recursion limit is 128).
pub fn deep_nesting(rng: &mut StdRng) -> (String, String) {
    let depth = *[200, 1000, 5000].choose(rng).unwrap_or(&200);
    let (open, close) = if rng.random_bool(0.5) { ("[", "]") } else { ("{\"a\":", "}") };
    (format!("{}1{}", open.repeat(depth), close.repeat(depth)), format!("nesting {depth}"))
}

/// A string of 256 or 257 bytes, or of at most 128 characters but more
/// than 128 bytes, whose last character is multi-byte.
fn multibyte_at_boundary(rng: &mut StdRng) -> String {
    match rng.random_range(0..4) {
        0 => "a".repeat(253) + "ン",
        1 => "a".repeat(254) + "ン",
        2 => "é".repeat(128),
        _ => "😀".repeat(65),
    }
}

fn char_boundary(rng: &mut StdRng, text: &str) -> usize {
    let boundaries: Vec<usize> = text.char_indices().map(|(at, _)| at).chain([text.len()]).collect();
    *boundaries.choose(rng).unwrap_or(&0)
}

fn pick(rng: &mut StdRng, options: &[&str]) -> String {
    (*options.choose(rng).unwrap_or(&"")).to_owned()
}
