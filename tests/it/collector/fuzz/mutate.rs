//! Structure-aware mutation of a valid JSON body: pick a node, replace or
//! remove it, swap its type, duplicate its key, grow its array; or break
//! the document itself (truncated, random bytes, invalid UTF-8). Some
//! replacements are not valid JSON values (`NaN`, `1e400`, a duplicated
//! key), so the document keeps raw texts that replace marker strings when
//! it is written.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};

use super::hostile;

/// A generated body and what was done to the valid one.
pub struct Body {
    pub bytes: Vec<u8>,
    /// One label per mutation, e.g. `$.stats.tracks[].jitter: number 1e308`.
    pub labels: Vec<String>,
}

/// `seed` mutated once (most often) or a few times, or broken as a document.
pub fn generate(rng: &mut StdRng, seed: Value) -> Body {
    let mut document = Document::new(seed);
    if rng.random_range(0..100) < 10 {
        let (bytes, label) = break_document(rng, document.write());
        return Body { bytes, labels: vec![label] };
    }
    let count = if rng.random_range(0..100) < 75 { 1 } else { rng.random_range(2..=4) };
    let labels = (0..count).map(|_| document.mutate(rng)).collect();
    Body { bytes: document.write().into_bytes(), labels }
}

/// One step from a node to its child.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// A JSON value under mutation, with the raw texts its markers stand for.
pub struct Document {
    pub value: Value,
    raws: Vec<String>,
}

impl Document {
    /// `value`, unmutated.
    pub fn new(value: Value) -> Self {
        Self { value, raws: Vec::new() }
    }

    /// A value of `text` that is written verbatim.
    fn raw(&mut self, text: String) -> Value {
        let marker = format!("\u{1}raw{}\u{1}", self.raws.len());
        self.raws.push(text);
        Value::String(marker)
    }

    /// The JSON text, raw texts in place. Later raws may contain earlier
    /// markers (a duplicated key's object), so they are put in first.
    pub fn write(&self) -> String {
        let mut text = self.value.to_string();
        for (index, raw) in self.raws.iter().enumerate().rev() {
            text = text.replace(&format!("\"\\u0001raw{index}\\u0001\""), raw);
        }
        text
    }

    /// Mutates one node; returns the label of the mutation.
    pub fn mutate(&mut self, rng: &mut StdRng) -> String {
        let mut paths = Vec::new();
        collect(&self.value, &mut Vec::new(), &mut paths);
        let path = paths.choose(rng).cloned().unwrap_or_default();
        let label = label_of(&path);
        let Some(node) = self.value.pointer(&pointer_of(&path)).cloned() else {
            return format!("{label}: unchanged");
        };
        let specific = rng.random_bool(0.6);
        let (replacement, what) = match &node {
            Value::String(text) if specific => {
                let (text, what) = hostile::string(rng, text);
                (Some(Value::String(text)), what)
            }
            Value::Number(_) if specific => {
                let (literal, what) = hostile::number(rng);
                let marker = self.raw(literal);
                // The same figure in every element too: one poll then holds
                // several such samples (a sum of two 1e308 overflows).
                if rng.random_bool(0.3) && label.contains("[]") {
                    for other in paths.iter().filter(|other| label_of(other) == label) {
                        self.replace(other, Some(marker.clone()));
                    }
                    return format!("{label}: {what} (every element)");
                }
                (Some(marker), what)
            }
            Value::Array(items) if specific => grown(rng, items),
            Value::Object(map) if specific => {
                let name = pick_name(rng);
                let (text, what) = hostile::string(rng, "x");
                let mut map = map.clone();
                map.insert(name.clone(), Value::String(text));
                (Some(Value::Object(map)), format!("key {name:?} added, {what}"))
            }
            _ => match (rng.random_range(0..4), path.last()) {
                (0, Some(_)) => (None, "removed".to_owned()),
                (1, Some(Step::Key(key))) => return self.duplicate_key(rng, &path, key.clone(), label),
                (2, _) => {
                    let (text, what) = hostile::deep_nesting(rng);
                    (Some(self.raw(text)), what)
                }
                _ => {
                    let (value, what) = hostile::swapped(rng, &node);
                    (Some(value), what)
                }
            },
        };
        self.replace(&path, replacement);
        format!("{label}: {what}")
    }

    /// Writes the key at the end of `path` twice, the first time with
    /// another value: serde refuses duplicate fields, `Value` keeps the last.
    fn duplicate_key(&mut self, rng: &mut StdRng, path: &[Step], key: String, label: String) -> String {
        let parent_path = &path[..path.len() - 1];
        let Some(parent) = self.value.pointer(&pointer_of(parent_path)).cloned() else {
            return format!("{label}: unchanged");
        };
        let (other, _) = hostile::swapped(rng, &Value::Null);
        let text = parent.to_string();
        let raw = format!("{{{}:{other},{}", Value::String(key), &text[1..]);
        let replacement = self.raw(raw);
        self.replace(parent_path, Some(replacement));
        format!("{label}: key duplicated")
    }

    /// Replaces the node at `path` with `value`, or removes it.
    fn replace(&mut self, path: &[Step], value: Option<Value>) {
        let Some((last, parent_path)) = path.split_last() else {
            self.value = value.unwrap_or(Value::Null);
            return;
        };
        let Some(parent) = self.value.pointer_mut(&pointer_of(parent_path)) else { return };
        match (parent, last, value) {
            (Value::Object(map), Step::Key(key), Some(value)) => {
                map.insert(key.clone(), value);
            }
            (Value::Object(map), Step::Key(key), None) => {
                map.remove(key);
            }
            (Value::Array(items), Step::Index(index), Some(value)) => items[*index] = value,
            (Value::Array(items), Step::Index(index), None) => {
                items.remove(*index);
            }
            _ => {}
        }
    }
}

/// The array grown to a size around a limit, or emptied.
fn grown(rng: &mut StdRng, items: &[Value]) -> (Option<Value>, String) {
    let size = *[0, 2, 129, 1001, 2001, 10_000].choose(rng).unwrap_or(&2);
    let item = items.first().cloned().unwrap_or_else(|| json!({ "id": "x" }));
    (Some(Value::Array(vec![item; size])), format!("array of {size}"))
}

fn pick_name(rng: &mut StdRng) -> String {
    ["__proto__", "constructor", "", "\0", "extra", "userName", "ssrc"]
        .choose(rng)
        .copied()
        .unwrap_or("extra")
        .to_owned()
}

/// Every node's path, the root's (empty) first.
fn collect(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(path.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(Step::Key(key.clone()));
                collect(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(Step::Index(index));
                collect(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The RFC 6901 pointer of `path`.
fn pointer_of(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Step::Index(index) => format!("/{index}"),
        })
        .collect()
}

/// `$.a.b[].c`: array indices dropped so one class covers every element.
fn label_of(path: &[Step]) -> String {
    let mut label = "$".to_owned();
    for step in path {
        match step {
            Step::Key(key) => {
                label.push('.');
                label.push_str(key);
            }
            Step::Index(_) => label.push_str("[]"),
        }
    }
    label
}

/// The written document broken as a whole.
fn break_document(rng: &mut StdRng, text: String) -> (Vec<u8>, String) {
    let mut bytes = text.into_bytes();
    let at = rng.random_range(0..=bytes.len());
    let label = match rng.random_range(0..9) {
        0 => {
            bytes.truncate(at);
            "truncated"
        }
        1 => {
            bytes = (0..rng.random_range(0..2000)).map(|_| rng.random()).collect();
            "random bytes"
        }
        2 => {
            if let Some(byte) = bytes.get_mut(at) {
                *byte = rng.random();
            }
            "one byte changed"
        }
        3 => {
            bytes.insert(at, *[0xff, 0xc3, 0xed, 0x80].choose(rng).unwrap_or(&0xff));
            "invalid UTF-8"
        }
        4 => {
            bytes.clear();
            "empty"
        }
        5 => {
            bytes = Value::String(pick_name(rng)).to_string().into_bytes();
            "a string"
        }
        6 => {
            bytes = ["null", "[]", "42", "true", "{}"].choose(rng).unwrap_or(&"null").as_bytes().to_vec();
            "another JSON type"
        }
        7 => {
            let copy = bytes.clone();
            bytes.extend(copy);
            "two documents"
        }
        _ => {
            bytes = ["\u{feff}".as_bytes(), bytes.as_slice()].concat();
            "byte order mark"
        }
    };
    (bytes, format!("body: {label}"))
}
