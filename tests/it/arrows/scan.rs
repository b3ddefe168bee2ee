//! Reading Rust source as paths: comments and literals blanked out, `use`
//! groups expanded, `self::` and `super::` resolved against the module the
//! text is in (inline `mod` blocks included). Only std: this file also
//! compiles on its own (`rustc --test tests/it/arrows/mod.rs`).

/// One path the code names, where it names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// 1-based line of its last segment.
    pub line: usize,
    /// As written, groups expanded: `["crate", "api", "AppSummary"]`.
    pub written: Vec<String>,
    /// From the crate root when it starts with `crate`, `self` or `super`
    /// (`["crate", "server", "db", "users"]`), else as written.
    pub resolved: Vec<String>,
}

/// Every path in `source`, the text of module `module` (`["crate", "server", "db"]`).
pub fn paths(source: &str, module: &[String]) -> Vec<Named> {
    let tokens = tokens(&blank(source));
    let mut named = Vec::new();
    // Inline `mod name {` blocks: the name and the brace depth inside them.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                if inline.last().is_some_and(|(_, inside)| *inside == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            Kind::Ident(word) if word == "mod" => {
                if let (Some(Kind::Ident(name)), Some(Kind::Open)) = (kind(&tokens, i + 1), kind(&tokens, i + 2)) {
                    inline.push((name.clone(), depth + 1));
                    depth += 1;
                    i += 3;
                    continue;
                }
            }
            // `pub(super)`, `pub(in crate::x)`: a visibility, not a dependency.
            Kind::Ident(word) if word == "pub" && kind(&tokens, i + 1) == Some(&Kind::Other('(')) => {
                while i < tokens.len() && tokens[i].kind != Kind::Other(')') {
                    i += 1;
                }
            }
            Kind::Ident(_) if i == 0 || tokens[i - 1].kind != Kind::PathSep => {
                let here: Vec<String> =
                    module.iter().cloned().chain(inline.iter().map(|(name, _)| name.clone())).collect();
                let (leaves, next) = tree(&tokens, i);
                for (written, line) in leaves.into_iter().filter(|(written, _)| !written.is_empty()) {
                    let resolved = resolve(&here, &written);
                    named.push(Named { line, written, resolved });
                }
                i = next.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    named
}

/// The lines on which `word` is an identifier of the code (not of a
/// comment or a literal).
pub fn identifier_lines(source: &str, word: &str) -> Vec<usize> {
    tokens(&blank(source))
        .into_iter()
        .filter(|token| token.kind == Kind::Ident(word.to_owned()))
        .map(|t| t.line)
        .collect()
}

/// `path` from the crate root, when it starts from `here`'s module tree.
fn resolve(here: &[String], path: &[String]) -> Vec<String> {
    match path.first().map(String::as_str) {
        Some("crate") => path.to_vec(),
        Some("self") => here.iter().chain(&path[1..]).cloned().collect(),
        Some("super") => {
            let ups = path.iter().take_while(|segment| *segment == "super").count();
            let kept = here.len().saturating_sub(ups).max(1);
            here[..kept].iter().chain(&path[ups..]).cloned().collect()
        }
        _ => path.to_vec(),
    }
}

/// The paths of the tree starting at `tokens[i]` (`a::b::{c, d::*}`), each
/// with the line of its last segment, and the index after the tree.
fn tree(tokens: &[Token], i: usize) -> (Vec<(Vec<String>, usize)>, usize) {
    match kind(tokens, i) {
        Some(Kind::Ident(name)) if kind(tokens, i + 1) == Some(&Kind::PathSep) => {
            let (rest, next) = tree(tokens, i + 2);
            let leaves = rest
                .into_iter()
                .map(|(mut tail, line)| {
                    // `a::{self, b}`: `self` is `a`.
                    if tail.first().is_some_and(|segment| segment == "self") {
                        tail.remove(0);
                    }
                    tail.insert(0, name.clone());
                    (tail, line)
                })
                .collect();
            (leaves, next)
        }
        Some(Kind::Ident(name)) => (vec![(vec![name.clone()], tokens[i].line)], i + 1),
        Some(Kind::Other('*')) => (vec![(vec!["*".to_owned()], tokens[i].line)], i + 1),
        Some(Kind::Open) => {
            let mut leaves = Vec::new();
            let mut j = i + 1;
            while j < tokens.len() && tokens[j].kind != Kind::Close {
                let (member, next) = tree(tokens, j);
                leaves.extend(member);
                j = next.max(j + 1);
                // Past `as name`, up to the next member.
                while j < tokens.len() && !matches!(tokens[j].kind, Kind::Comma | Kind::Close) {
                    j += 1;
                }
                if kind(tokens, j) == Some(&Kind::Comma) {
                    j += 1;
                }
            }
            (leaves, j + 1)
        }
        // `a::<T>`, `a::` then anything else: the path ends at `a`.
        _ => (vec![(Vec::new(), tokens.get(i.saturating_sub(1)).map_or(1, |t| t.line))], i),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other(char),
}

#[derive(Debug)]
struct Token {
    kind: Kind,
    line: usize,
}

fn kind(tokens: &[Token], i: usize) -> Option<&Kind> {
    tokens.get(i).map(|token| &token.kind)
}

/// The tokens of `code` that paths are made of; numbers and punctuation
/// other than `::`, `{`, `}` and `,` are `Other`.
fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        i += 1;
        let kind = match c {
            '\n' => {
                line += 1;
                continue;
            }
            c if c.is_whitespace() => continue,
            c if c.is_alphanumeric() || c == '_' => {
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if c.is_ascii_digit() { Kind::Other('0') } else { Kind::Ident(word) }
            }
            ':' if chars.get(i) == Some(&':') => {
                i += 1;
                Kind::PathSep
            }
            '{' => Kind::Open,
            '}' => Kind::Close,
            ',' => Kind::Comma,
            other => Kind::Other(other),
        };
        tokens.push(Token { kind, line });
    }
    tokens
}

/// `source` with every comment and string or char literal turned into
/// spaces, line breaks kept (so lines still count).
pub fn blank(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let end = if rest.starts_with(&['/', '/']) {
            rest.iter().position(|&c| c == '\n').map_or(chars.len(), |n| i + n)
        } else if rest.starts_with(&['/', '*']) {
            let (mut j, mut open) = (i + 2, 1);
            while j < chars.len() && open > 0 {
                if chars[j..].starts_with(&['/', '*']) {
                    open += 1;
                    j += 1;
                } else if chars[j..].starts_with(&['*', '/']) {
                    open -= 1;
                    j += 1;
                }
                j += 1;
            }
            j
        } else if chars[i] == '"' {
            quoted(&chars, i + 1, 0)
        } else if (chars[i] == 'r' || rest.starts_with(&['b', 'r'])) && (i == 0 || !is_ident(chars[i - 1])) {
            let at = i + if chars[i] == 'b' { 2 } else { 1 };
            let hashes = chars[at..].iter().take_while(|&&c| c == '#').count();
            if chars.get(at + hashes) == Some(&'"') { quoted(&chars, at + hashes + 1, hashes) } else { i + 1 }
        } else if chars[i] == '\'' {
            // A char literal ('x', '\n', '\u{1F600}'), not a lifetime ('a).
            if chars.get(i + 1) == Some(&'\\') {
                // The escaped character is part of the escape, even a quote.
                (i + 3..chars.len()).find(|&j| chars[j] == '\'').map_or(chars.len(), |j| j + 1)
            } else if chars.get(i + 2) == Some(&'\'') {
                i + 3
            } else {
                i + 1
            }
        } else {
            i + 1
        };
        if end > i + 1 {
            for c in &mut out[i..end.min(chars.len())] {
                if *c != '\n' {
                    *c = ' ';
                }
            }
        }
        i = end.max(i + 1);
    }
    out.into_iter().collect()
}

/// The index after the string whose text starts at `from`: its closing
/// quote followed by `hashes` `#` (a raw string), or an unescaped quote.
fn quoted(chars: &[char], from: usize, hashes: usize) -> usize {
    let mut j = from;
    while j < chars.len() {
        match chars[j] {
            '\\' if hashes == 0 => j += 2,
            '"' if chars[j + 1..].iter().take(hashes).filter(|&&c| c == '#').count() == hashes => {
                return j + 1 + hashes;
            }
            _ => j += 1,
        }
    }
    chars.len()
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}
