//! Timing of one probe (a request or a call) repeated sequentially, and
//! the table the benchmark prints.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;

/// Latencies of one probe, the size of its last answer, and how busy
/// the rest of the machine was meanwhile.
pub struct Timing {
    /// What was measured.
    pub name: String,
    latencies: Vec<Duration>,
    bytes: usize,
    others: Option<f64>,
}

/// Runs `probe` `warmup` times unmeasured, then `samples` times one after
/// the other, timing each call, and notes the CPU that processes other
/// than the bench and its backends on `database` used meanwhile. The probe gets the call's number and
/// returns the size of what it received; it fails on a wrong answer.
pub async fn time(
    database: &str,
    name: &str,
    warmup: usize,
    samples: usize,
    mut probe: impl AsyncFnMut(usize) -> anyhow::Result<usize>,
) -> anyhow::Result<Timing> {
    for call in 0..warmup {
        probe(call).await.with_context(|| format!("{name}, warm-up call {call}"))?;
    }
    let mut latencies = Vec::with_capacity(samples);
    let mut bytes = 0;
    let before = Cpu::now(database);
    for call in warmup..warmup + samples {
        let started = Instant::now();
        bytes = probe(call).await.with_context(|| format!("{name}, call {call}"))?;
        latencies.push(started.elapsed());
    }
    let others = before.zip(Cpu::now(database)).and_then(|(before, after)| after.others_since(&before));
    latencies.sort_unstable();
    Ok(Timing { name: name.to_owned(), latencies, bytes, others })
}

impl Timing {
    /// The `q` quantile in milliseconds (nearest rank).
    fn at(&self, q: f64) -> f64 {
        let rank = ((q * self.latencies.len() as f64).ceil() as usize).clamp(1, self.latencies.len().max(1));
        self.latencies.get(rank - 1).map_or(0.0, |latency| latency.as_secs_f64() * 1000.0)
    }
}

/// The results as a Markdown table: p50, p90, p99, max (ms), the answer's
/// size, and the cores other processes used meanwhile.
pub fn table(timings: &[Timing]) -> String {
    let mut text = String::from(
        "| measured | p50 ms | p90 ms | p99 ms | max ms | answer | other load |\n|---|---|---|---|---|---|---|\n",
    );
    for timing in timings {
        let size = match timing.bytes {
            0 => "–".to_owned(),
            bytes if bytes < 10_000 => format!("{bytes} B"),
            bytes => format!("{:.0} KB", bytes as f64 / 1000.0),
        };
        let others = timing.others.map_or("?".to_owned(), |cores| format!("{cores:.2} cores"));
        text.push_str(&format!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {size} | {others} |\n",
            timing.name,
            timing.at(0.50),
            timing.at(0.90),
            timing.at(0.99),
            timing.at(1.0),
        ));
    }
    text
}

/// CPU ticks from /proc: of the whole machine, of this process, and of
/// the PostgreSQL backends serving `database` (by process title), so that
/// what everything else used during a probe can be told apart.
struct Cpu {
    busy: u64,
    total: u64,
    ours: u64,
}

impl Cpu {
    fn now(database: &str) -> Option<Self> {
        let mut ours = ticks(Path::new("/proc/self/stat"))?;
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let title = std::fs::read_to_string(entry.path().join("cmdline")).unwrap_or_default();
            if title.starts_with("postgres: ") && title.contains(&format!(" {database} ")) {
                ours += ticks(&entry.path().join("stat")).unwrap_or(0);
            }
        }
        let machine = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> =
            machine.lines().next()?.split_whitespace().skip(1).filter_map(|field| field.parse().ok()).collect();
        let idle = fields.get(3)? + fields.get(4)?;
        let total: u64 = fields.iter().take(8).sum();
        Some(Self { busy: total - idle, total, ours })
    }

    /// Cores used since `before` by everything but the bench and its backends.
    fn others_since(&self, before: &Cpu) -> Option<f64> {
        let total = self.total.checked_sub(before.total).filter(|total| *total > 0)? as f64;
        let cores = std::thread::available_parallelism().map_or(1.0, |cores| cores.get() as f64);
        let others = (self.busy - before.busy).saturating_sub(self.ours.saturating_sub(before.ours));
        Some(others as f64 / total * cores)
    }
}

/// utime + stime of a process, from its `stat` file.
fn ticks(stat: &Path) -> Option<u64> {
    let stat = std::fs::read_to_string(stat).ok()?;
    // After the name: state is the 3rd field of the file, utime and stime the 14th and 15th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}
