//! Arrays the detectors read, decoded in one pass over their binary form:
//! `float8[]`, `timestamptz[]`, and `text[]` of sending limitations. sqlx
//! decodes an array element by element through its generic decoding (a
//! value reference, a type, an allocated `String` per element); for the
//! hour of polls the detectors read per connection that was most of a
//! summary's CPU (`make bench-summary`). These read the same wire format
//! directly, and fall back to sqlx for the text format.

use chrono::{DateTime, Utc};
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::{Decode, Postgres, Type};

use crate::domain::diagnosis::Limitation;

/// A `float8[]`, NULL elements as `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Floats(pub Vec<Option<f64>>);

/// A `timestamptz[]` without NULL elements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Instants(pub Vec<DateTime<Utc>>);

/// A `text[]` of `qualityLimitationReason`s, NULL elements as `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limitations(pub Vec<Option<Limitation>>);

/// PostgreSQL counts time from 2000-01-01 UTC: that instant in Unix microseconds.
const POSTGRES_EPOCH_MICROS: i64 = 946_684_800_000_000;

impl Type<Postgres> for Floats {
    fn type_info() -> PgTypeInfo {
        <Vec<f64> as Type<Postgres>>::type_info()
    }
}

impl<'r> Decode<'r, Postgres> for Floats {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.format() == PgValueFormat::Text {
            return Ok(Self(Vec::decode(value)?));
        }
        Ok(Self(elements(value.as_bytes()?, float)?))
    }
}

impl Type<Postgres> for Instants {
    fn type_info() -> PgTypeInfo {
        <Vec<DateTime<Utc>> as Type<Postgres>>::type_info()
    }
}

impl<'r> Decode<'r, Postgres> for Instants {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.format() == PgValueFormat::Text {
            return Ok(Self(Vec::decode(value)?));
        }
        Ok(Self(elements(value.as_bytes()?, instant)?))
    }
}

impl Type<Postgres> for Limitations {
    fn type_info() -> PgTypeInfo {
        <Vec<String> as Type<Postgres>>::type_info()
    }
}

impl<'r> Decode<'r, Postgres> for Limitations {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.format() == PgValueFormat::Text {
            let texts: Vec<Option<String>> = Vec::decode(value)?;
            return Ok(Self(texts.iter().map(|text| text.as_deref().map(Limitation::parse)).collect()));
        }
        Ok(Self(elements(value.as_bytes()?, limitation)?))
    }
}

/// A `float8` element (`float8send`: the IEEE 754 bits, big-endian).
fn float(element: Option<&[u8]>) -> Result<Option<f64>, BoxDynError> {
    element.map(|bytes| Ok(f64::from_be_bytes(word(bytes)?))).transpose()
}

/// A `timestamptz` element (`timestamptz_send`: microseconds since
/// 2000-01-01 UTC, big-endian).
fn instant(element: Option<&[u8]>) -> Result<DateTime<Utc>, BoxDynError> {
    let micros = i64::from_be_bytes(word(element.ok_or("a NULL instant")?)?);
    micros
        .checked_add(POSTGRES_EPOCH_MICROS)
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(|| "an instant out of range".into())
}

/// A `text` element (its UTF-8 bytes) read as a limitation.
fn limitation(element: Option<&[u8]>) -> Result<Option<Limitation>, BoxDynError> {
    element.map(|bytes| Ok(Limitation::parse(std::str::from_utf8(bytes)?))).transpose()
}

/// An 8-byte element's bytes.
fn word(bytes: &[u8]) -> Result<[u8; 8], BoxDynError> {
    <[u8; 8]>::try_from(bytes).map_err(|_| format!("an array element of {} bytes, not 8", bytes.len()).into())
}

/// The elements of a one-dimensional array in PostgreSQL's binary form
/// (`array_send`): dimensions, flags and element type, the length and lower
/// bound, then each element's length (−1 for NULL) and bytes. Each
/// element's bytes are handed to `decode`.
fn elements<'a, T>(
    mut bytes: &'a [u8],
    decode: impl Fn(Option<&'a [u8]>) -> Result<T, BoxDynError>,
) -> Result<Vec<T>, BoxDynError> {
    let dimensions = i32::from_be_bytes(take(&mut bytes)?);
    if dimensions == 0 {
        return Ok(Vec::new());
    }
    if dimensions != 1 {
        return Err(format!("an array of {dimensions} dimensions, not one").into());
    }
    take::<8>(&mut bytes)?; // flags, element type
    let len = usize::try_from(i32::from_be_bytes(take(&mut bytes)?))?;
    take::<4>(&mut bytes)?; // lower bound
    // Each element takes at least its 4-byte length: a corrupt length
    // cannot reserve more than the bytes could hold.
    let mut values = Vec::with_capacity(len.min(bytes.len() / 4));
    for _ in 0..len {
        let (size, rest) = bytes.split_first_chunk::<4>().ok_or(SHORT)?;
        let element = match i32::from_be_bytes(*size) {
            -1 => {
                bytes = rest;
                None
            }
            size => {
                let (element, rest) = rest.split_at_checked(usize::try_from(size)?).ok_or(SHORT)?;
                bytes = rest;
                Some(element)
            }
        };
        values.push(decode(element)?);
    }
    Ok(values)
}

/// What an array cut short is.
const SHORT: &str = "an array shorter than its header says";

/// The next `N` bytes of the header.
fn take<const N: usize>(bytes: &mut &[u8]) -> Result<[u8; N], BoxDynError> {
    let (head, rest) = bytes.split_first_chunk::<N>().ok_or(SHORT)?;
    *bytes = rest;
    Ok(*head)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `array_send` of a one-dimensional array.
    fn array_send(elements: &[Option<&[u8]>]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for word in [1, 1, 701, i32::try_from(elements.len()).expect("a short array"), 1] {
            bytes.extend(i32::to_be_bytes(word));
        }
        for element in elements {
            match element {
                None => bytes.extend((-1_i32).to_be_bytes()),
                Some(value) => {
                    bytes.extend(i32::try_from(value.len()).expect("a short element").to_be_bytes());
                    bytes.extend(*value);
                }
            }
        }
        bytes
    }

    #[test]
    fn floats_and_nulls_come_back_in_order() {
        let bytes = array_send(&[Some(1.5_f64.to_be_bytes().as_slice()), None, Some(&(-0.25_f64).to_be_bytes())]);
        assert_eq!(elements(&bytes, float).expect("floats"), [Some(1.5), None, Some(-0.25)]);
    }

    #[test]
    fn instants_count_from_2000() {
        let day = 86_400_000_000_i64;
        let bytes = array_send(&[Some(0_i64.to_be_bytes().as_slice()), Some(&(-day - 1).to_be_bytes())]);
        let instants: Vec<String> =
            elements(&bytes, instant).expect("instants").iter().map(DateTime::to_rfc3339).collect();
        assert_eq!(instants, ["2000-01-01T00:00:00+00:00", "1999-12-30T23:59:59.999999+00:00"]);
        assert!(elements(&array_send(&[None]), instant).is_err(), "an instant is never NULL");
        assert!(elements(&array_send(&[Some(&i64::MAX.to_be_bytes())]), instant).is_err(), "infinity");
    }

    #[test]
    fn limitations_are_parsed_from_their_text() {
        let bytes = array_send(&[Some(b"cpu".as_slice()), None, Some(b"bandwidth"), Some(b"thermal")]);
        let parsed = elements(&bytes, limitation).expect("limitations");
        assert_eq!(parsed, [Some(Limitation::Cpu), None, Some(Limitation::Bandwidth), Some(Limitation::Other)]);
        assert!(elements(&array_send(&[Some([0xff].as_slice())]), limitation).is_err(), "not UTF-8");
    }

    #[test]
    fn an_empty_array_has_no_dimensions() {
        assert!(elements(&0_i32.to_be_bytes(), float).expect("no floats").is_empty());
    }

    #[test]
    fn a_short_or_odd_array_is_an_error_not_a_panic() {
        let whole = array_send(&[Some(2.0_f64.to_be_bytes().as_slice()), Some(&3.0_f64.to_be_bytes())]);
        for end in 0..whole.len() {
            assert!(elements(&whole[..end], float).is_err(), "cut at {end}");
        }
        assert!(elements(&array_send(&[Some(&[0; 4])]), float).is_err(), "a 4-byte float");
        let mut negative = array_send(&[]);
        negative[12..16].copy_from_slice(&1_i32.to_be_bytes());
        negative.extend((-2_i32).to_be_bytes());
        assert!(elements(&negative, float).is_err(), "a negative element length");
        let mut huge = array_send(&[]);
        huge[12..16].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(elements(&huge, float).is_err(), "more elements than bytes");
        let mut two_dimensions = array_send(&[]);
        two_dimensions[0..4].copy_from_slice(&2_i32.to_be_bytes());
        assert!(elements(&two_dimensions, float).is_err(), "two dimensions");
    }
}
