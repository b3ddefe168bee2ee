//! Daily rollups: what one summarised conference adds to its app's day
//! ([`Contribution`]), and the sum of a day or of a period ([`Day`]), which
//! the overview and the webhook interval evaluations read instead of a
//! year of conference rows. Counts are exact; setup delays and quality
//! scores are HdrHistograms (1 % and 0.1 % of the value), distinct
//! participants a [`Sketch`]. See docs/data-model.md, "Rollups".

use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use serde::{Deserialize, Serialize};

use super::quality::Band;
use super::sketch::Sketch;

mod period;
mod tally;

pub use period::{Cut, cut, midnight};
pub use tally::{Key, OTHER, TALLY_KEYS, Tally};

/// Longest setup delay told apart, ms (longer ones count as this).
const LONGEST_DELAY_MS: u64 = 3_600_000;
/// Quality scores are kept in thousandths.
const QUALITY_SCALE: f64 = 1000.0;

/// What one conference instance adds to its day, as computed from its rows
/// when it is summarised (or, for one not yet rolled up, when read).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contribution {
    /// Whether its summary is current (failures and issues count only then).
    pub summarized: bool,
    /// `totalFailure`, `partialFailure` or none.
    pub failure_group: Option<String>,
    /// Its errors by WebRTC function.
    pub failures_by_function: Tally<String>,
    /// The kinds of issue found in it.
    pub issue_kinds: Vec<String>,
    /// Its quality score.
    pub quality: Option<f64>,
    /// Its fabrics' setup delays, ms.
    pub setup_delays: Vec<i32>,
    /// Its endpoints by browser name.
    pub browsers: Tally<String>,
    /// Its endpoints by applicationVersion.
    pub app_versions: Tally<String>,
    /// Its fabrics by (browser, app version) of the reporting endpoint.
    pub clients: Tally<(String, String)>,
    /// Its fabrics with an issue, by (kind, browser, app version).
    pub affected: Tally<(String, String, String)>,
}

/// The counts of a day (or a period) kept as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Tallies {
    /// Conferences.
    pub conferences: i64,
    /// Of those, summarised.
    pub summarized: i64,
    /// Summarised conferences by failure group.
    pub failure_groups: Tally<String>,
    /// Errors by WebRTC function.
    pub failures_by_function: Tally<String>,
    /// Summarised conferences by kind of issue found.
    pub issue_kinds: Tally<String>,
    /// Conferences with a quality score by band, worst first ([`Band::ALL`]).
    pub quality_bands: [i64; 3],
    /// Endpoints by browser name.
    pub browsers: Tally<String>,
    /// Endpoints by applicationVersion.
    pub app_versions: Tally<String>,
    /// Fabrics of summarised conferences by (browser, app version).
    pub clients: Tally<(String, String)>,
    /// Those with an issue, by (kind, browser, app version).
    pub affected: Tally<(String, String, String)>,
    /// Shortest setup delay, ms.
    pub delay_min: Option<i32>,
    /// Longest setup delay, ms.
    pub delay_max: Option<i32>,
}

/// A day's (or a period's) rollup.
#[derive(Debug, Clone)]
pub struct Day {
    /// The counts.
    pub tallies: Tallies,
    /// Setup delays, ms.
    pub setup_delays: Histogram<u64>,
    /// Quality scores, thousandths.
    pub quality: Histogram<u64>,
    /// Distinct userIDs.
    pub participants: Sketch,
}

impl Default for Day {
    fn default() -> Self {
        Day {
            tallies: Tallies::default(),
            setup_delays: histogram(LONGEST_DELAY_MS as f64, 2),
            quality: histogram(5.0 * QUALITY_SCALE, 3),
            participants: Sketch::default(),
        }
    }
}

/// An empty histogram of values up to `max` with `digits` significant digits.
fn histogram(max: impl Into<f64>, digits: u8) -> Histogram<u64> {
    // Valid bounds: max >= 2 and 1..=5 digits.
    Histogram::new_with_max(max.into() as u64, digits).unwrap_or_else(|_| unreachable!("valid histogram bounds"))
}

/// The `q` quantile of `h` as `domain::stats::percentile` (and SQL's
/// `percentile_cont`) computes it over the values themselves: between the
/// two ranks around `q × (n − 1)`, each read as the middle of its bucket.
fn interpolated(h: &Histogram<u64>, q: f64) -> f64 {
    let position = q * h.len().saturating_sub(1) as f64;
    let at_rank = |rank: u64| {
        let mut seen = 0;
        for bucket in h.iter_recorded() {
            seen += bucket.count_at_value();
            if rank < seen {
                return h.median_equivalent(bucket.value_iterated_to()) as f64;
            }
        }
        h.max() as f64
    };
    let (below, above) = (at_rank(position.floor() as u64), at_rank(position.ceil() as u64));
    below + (above - below) * (position - position.floor())
}

/// Adds (`sign` 1) or takes out (-1) `values` (at most `max`) from `into`.
/// Taking out what was never added leaves `into` as it was.
fn combine(into: &mut Histogram<u64>, max: u64, digits: u8, values: impl IntoIterator<Item = u64>, sign: i64) {
    if sign > 0 {
        values.into_iter().for_each(|value| into.saturating_record(value.min(max)));
    } else {
        let mut these = histogram(max as f64, digits);
        values.into_iter().for_each(|value| these.saturating_record(value.min(max)));
        let _ = into.subtract(&these);
    }
}

/// Setup delay percentiles of a rollup.
#[derive(Debug, Clone, PartialEq)]
pub struct Delays {
    /// Delays counted.
    pub count: i64,
    /// Shortest, ms.
    pub min: i32,
    /// Median, 90th, 95th and 99th percentile, ms.
    pub percentiles: [f64; 4],
    /// Longest, ms.
    pub max: i32,
}

/// A stored rollup that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("unreadable rollup: {0}")]
pub struct Unreadable(String);

impl Day {
    /// Adds `contribution`, whose endpoints' userIDs are `users`.
    pub fn add(&mut self, contribution: &Contribution, users: &[String]) {
        users.iter().for_each(|user| self.participants.insert(user));
        self.apply(contribution, 1);
    }

    /// Takes `contribution` out again (its participants stay counted: a
    /// sketch cannot forget).
    pub fn subtract(&mut self, contribution: &Contribution) {
        self.apply(contribution, -1);
    }

    fn apply(&mut self, c: &Contribution, sign: i64) {
        let t = &mut self.tallies;
        let tally = |tally: &mut Tally<String>, key: &String, n: i64| {
            if sign > 0 { tally.add(key.clone(), n) } else { tally.subtract(key, n) }
        };
        t.conferences += sign;
        for (browser, n) in c.browsers.iter() {
            tally(&mut t.browsers, browser, n);
        }
        for (version, n) in c.app_versions.iter() {
            tally(&mut t.app_versions, version, n);
        }
        let delays = c.setup_delays.iter().map(|&delay| u64::try_from(delay).unwrap_or(0));
        combine(&mut self.setup_delays, LONGEST_DELAY_MS, 2, delays, sign);
        if sign > 0 {
            // Exact, and only ever widened: a summary taken out again leaves them.
            t.delay_min = c.setup_delays.iter().copied().chain(t.delay_min).min();
            t.delay_max = c.setup_delays.iter().copied().chain(t.delay_max).max();
        }
        // Kept while a late event makes the summary stale.
        if let Some(score) = c.quality {
            if let Some(slot) = Band::ALL.iter().position(|band| *band == Band::of(score)) {
                t.quality_bands[slot] += sign;
            }
            let value = (score * QUALITY_SCALE).round().clamp(0.0, 5.0 * QUALITY_SCALE) as u64;
            combine(&mut self.quality, (5.0 * QUALITY_SCALE) as u64, 3, [value], sign);
        }
        if !c.summarized {
            return;
        }
        t.summarized += sign;
        if let Some(group) = &c.failure_group {
            tally(&mut t.failure_groups, group, 1);
        }
        for (function, n) in c.failures_by_function.iter() {
            tally(&mut t.failures_by_function, function, n);
        }
        for kind in &c.issue_kinds {
            tally(&mut t.issue_kinds, kind, 1);
        }
        for (key, n) in c.clients.iter() {
            if sign > 0 { t.clients.add(key.clone(), n) } else { t.clients.subtract(key, n) }
        }
        for (key, n) in c.affected.iter() {
            if sign > 0 { t.affected.add(key.clone(), n) } else { t.affected.subtract(key, n) }
        }
    }
}

impl Day {
    /// Adds every count of `other` (another day of the period).
    pub fn merge(&mut self, other: &Day) {
        let (t, o) = (&mut self.tallies, &other.tallies);
        t.conferences += o.conferences;
        t.summarized += o.summarized;
        t.failure_groups.merge(&o.failure_groups);
        t.failures_by_function.merge(&o.failures_by_function);
        t.issue_kinds.merge(&o.issue_kinds);
        t.quality_bands.iter_mut().zip(o.quality_bands).for_each(|(ours, theirs)| *ours += theirs);
        t.browsers.merge(&o.browsers);
        t.app_versions.merge(&o.app_versions);
        t.clients.merge(&o.clients);
        t.affected.merge(&o.affected);
        t.delay_min = t.delay_min.into_iter().chain(o.delay_min).min();
        t.delay_max = t.delay_max.into_iter().chain(o.delay_max).max();
        // Same bounds on both sides: adding cannot fail.
        let _ = self.setup_delays.add(&other.setup_delays);
        let _ = self.quality.add(&other.quality);
        self.participants.merge(&other.participants);
    }

    /// The setup delays' extremes and percentiles, when any was counted.
    pub fn delays(&self) -> Option<Delays> {
        let h = &self.setup_delays;
        let (min, max) = (self.tallies.delay_min?, self.tallies.delay_max?);
        (!h.is_empty()).then(|| Delays {
            count: h.len() as i64,
            min,
            percentiles: [0.5, 0.9, 0.95, 0.99].map(|q| interpolated(h, q).clamp(f64::from(min), f64::from(max))),
            max,
        })
    }

    /// The median quality score, when any conference was scored.
    pub fn median_quality(&self) -> Option<f64> {
        let h = &self.quality;
        (!h.is_empty()).then(|| interpolated(h, 0.5) / QUALITY_SCALE)
    }

    /// The stored form: the tallies, the two histograms and the sketch.
    pub fn to_row(&self) -> (serde_json::Value, Vec<u8>, Vec<u8>, Vec<u8>) {
        let encode = |h: &Histogram<u64>| {
            let mut bytes = Vec::new();
            // Writing into a Vec cannot fail.
            let _ = V2Serializer::new().serialize(h, &mut bytes);
            bytes
        };
        let tallies = serde_json::to_value(&self.tallies).unwrap_or_default();
        (tallies, encode(&self.setup_delays), encode(&self.quality), self.participants.to_bytes())
    }

    /// Reads the stored form.
    pub fn from_row(
        tallies: serde_json::Value,
        delays: &[u8],
        quality: &[u8],
        participants: &[u8],
    ) -> Result<Day, Unreadable> {
        let decode = |bytes: &[u8]| {
            Deserializer::new().deserialize::<u64, _>(&mut &bytes[..]).map_err(|e| Unreadable(format!("{e:?}")))
        };
        Ok(Day {
            tallies: serde_json::from_value(tallies).map_err(|e| Unreadable(e.to_string()))?,
            setup_delays: decode(delays)?,
            quality: decode(quality)?,
            participants: Sketch::from_bytes(participants).ok_or_else(|| Unreadable("participants".into()))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(pairs: &[(&str, i64)]) -> Tally<String> {
        Tally::from(pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect::<Vec<_>>())
    }

    fn summarised(group: Option<&str>, quality: f64, delays: &[i32]) -> Contribution {
        Contribution {
            summarized: true,
            failure_group: group.map(Into::into),
            failures_by_function: tally(&[("createOffer", 2)]),
            issue_kinds: vec!["highRtt".into()],
            quality: Some(quality),
            setup_delays: delays.to_vec(),
            browsers: tally(&[("Chrome", 2), ("Firefox", 1)]),
            app_versions: tally(&[("2.0", 3)]),
            clients: Tally::from(vec![(("Chrome".into(), "2.0".into()), 4)]),
            affected: Tally::from(vec![(("highRtt".into(), "Chrome".into(), "2.0".into()), 1)]),
        }
    }

    #[test]
    fn a_day_adds_up_its_conferences_and_a_summary_taken_out_leaves_the_rest() {
        let mut day = Day::default();
        let first = summarised(Some("partialFailure"), 4.5, &[300, 500]);
        let second = summarised(None, 2.0, &[1000]);
        day.add(&first, &["alice".into(), "bob".into()]);
        day.add(&second, &["alice".into(), "carol".into()]);
        let live = Contribution { setup_delays: vec![700], browsers: tally(&[("Safari", 1)]), ..Default::default() };
        day.add(&live, &["dave".into()]);
        let t = &day.tallies;
        assert_eq!((t.conferences, t.summarized, day.participants.count()), (3, 2, 4));
        assert_eq!(t.failure_groups.get(&"partialFailure".into()), 1);
        assert_eq!((t.failures_by_function.get(&"createOffer".into()), t.issue_kinds.get(&"highRtt".into())), (4, 2));
        assert_eq!(t.quality_bands, [1, 0, 1]);
        assert_eq!((t.browsers.get(&"Chrome".into()), t.browsers.get(&"Safari".into())), (4, 1));
        let delays = day.delays().expect("delays");
        assert_eq!((delays.count, delays.min, delays.max), (4, 300, 1000));
        assert!((delays.percentiles[0] - 600.0).abs() <= 6.0, "between 500 and 700: {:?}", delays.percentiles);

        day.subtract(&second);
        let t = &day.tallies;
        assert_eq!((t.conferences, t.summarized, t.quality_bands), (2, 1, [0, 0, 1]));
        assert_eq!((t.failures_by_function.get(&"createOffer".into()), t.issue_kinds.get(&"highRtt".into())), (2, 1));
        assert_eq!(day.delays().expect("delays").count, 3);
        assert!((day.median_quality().expect("scored") - 4.5).abs() < 0.005);
    }

    #[test]
    fn percentiles_of_merged_days_are_within_one_percent() {
        let mut year = Day::default();
        let mut all = Vec::new();
        for d in 0..30 {
            let mut day = Day::default();
            let delays: Vec<i32> = (0..100).map(|i| 150 + (i * 37 + d * 11) % 4000).collect();
            all.extend(delays.iter().map(|&v| f64::from(v)));
            day.add(&summarised(None, 3.5, &delays), &[format!("u{d}")]);
            let (tallies, delays, quality, people) = day.to_row();
            year.merge(&Day::from_row(tallies, &delays, &quality, &people).expect("stored form"));
        }
        all.sort_by(f64::total_cmp);
        let delays = year.delays().expect("delays");
        assert_eq!(delays.count, 3000);
        for (i, q) in [0.5, 0.9, 0.95, 0.99].into_iter().enumerate() {
            let exact = crate::domain::stats::percentile(&all, q).expect("values");
            assert!(
                (delays.percentiles[i] - exact).abs() <= exact * 0.01 + 1.0,
                "p{q}: {} vs {exact}",
                delays.percentiles[i]
            );
        }
        assert_eq!((year.tallies.summarized, year.participants.count()), (30, 30));
        assert!(Day::from_row(serde_json::json!({}), b"junk", b"", b"").is_err());
    }
}
