//! A time-series line chart (RTT, jitter, loss, bitrate, ...) as SVG.

use chrono::{DateTime, TimeDelta, Utc};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::accessible::name_svg;
use super::legend::draw_legend;
use super::palette::colour;
use super::time_axis::TimeAxis;
use super::value_range::value_range;
use super::{Point, Series, downsample};
use crate::server::AppError;

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 960;
/// Height of every chart, in pixels.
pub const HEIGHT: u32 = 260;
/// Width of the legend strip on the right.
const LEGEND_WIDTH: u32 = 310;
/// Labelled ticks on the time axis, at most.
const MAX_TIME_TICKS: usize = 8;
/// Lines drawn in one chart, at most; the legend counts the rest.
pub const MAX_SERIES: usize = 12;
/// Points drawn in one chart, at most, shared equally by its lines: each
/// line is min/max-downsampled to its share, so neither the SVG nor the
/// work of drawing it grows with what the chart is given.
pub const MAX_POINTS: usize = 2_400;
/// Shown in the middle of a chart that has no point in its range.
pub const NO_SAMPLES: &str = "no samples in this period";

/// A line chart of one metric over time; render it with [`LineChart::to_svg`].
#[derive(Debug, Clone, Copy)]
pub struct LineChart<'a> {
    /// What is plotted, e.g. "Round-trip time"; also the SVG's accessible name.
    pub title: &'a str,
    /// The y axis label with its unit, e.g. "RTT (ms)".
    pub y_label: &'a str,
    /// The x axis, shared by all charts of a page so that they line up.
    /// Points outside it are not drawn.
    pub range: (DateTime<Utc>, DateTime<Utc>),
    /// The lines, coloured in order from a fixed palette; the first
    /// [`MAX_SERIES`] are drawn.
    pub series: &'a [Series],
    /// Lines the caller left out before charting; the legend counts them
    /// with those past [`MAX_SERIES`] ("+N more").
    pub left_out: usize,
}

impl LineChart<'_> {
    /// Renders the chart as an `<svg>` element (no XML prolog) that can be
    /// inserted into HTML as is, with `role="img"` and the title as its
    /// `aria-label`.
    ///
    /// Each series is drawn run by run (a line never bridges two runs);
    /// points outside the range and non-finite values are left out, and a
    /// series with more than its share of [`MAX_POINTS`] is
    /// min/max-downsampled to it first, so the SVG stays small and the
    /// drawing bounded however long the series.
    ///
    /// This is CPU work: call it from `tokio::task::spawn_blocking`.
    ///
    /// # Errors
    /// [`AppError::Internal`] if the range ends before it starts or plotters
    /// fails to lay the chart out.
    pub fn to_svg(&self) -> Result<String, AppError> {
        let (start, end) = self.range;
        if end < start {
            return Err(AppError::Internal(anyhow::anyhow!("chart range ends ({end}) before it starts ({start})")));
        }
        // A zero-width range still gets an axis to draw on.
        let end = if end == start { start + TimeDelta::seconds(1) } else { end };
        let drawn = &self.series[..self.series.len().min(MAX_SERIES)];
        let budget = MAX_POINTS / drawn.len().max(1);
        let runs: Vec<Vec<Vec<Point>>> =
            drawn.iter().map(|series| visible_runs(&series.runs, start, end, budget)).collect();
        let mut svg = String::new();
        self.draw(&mut svg, TimeAxis::new(start, end, MAX_TIME_TICKS), &runs)
            .map_err(|error| AppError::Internal(anyhow::Error::new(error).context("rendering a chart")))?;
        Ok(name_svg(&svg, self.title))
    }

    fn draw(
        &self,
        svg: &mut String,
        time: TimeAxis,
        runs: &[Vec<Vec<Point>>],
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let below_title = root.titled(self.title, ("sans-serif", 20))?;
        let (plot_area, legend_area) = below_title.split_horizontally(WIDTH - LEGEND_WIDTH);

        let (y_min, y_max) = value_range(extent(runs));
        let middle = (time.middle(), (y_min + y_max) / 2.0);
        let xs = |run: &[Point]| -> Vec<(f64, f64)> { run.iter().map(|p| (time.x(p.at), p.value)).collect() };
        let coords: Vec<Vec<Vec<(f64, f64)>>> =
            runs.iter().map(|series| series.iter().map(|run| xs(run)).collect()).collect();

        let mut chart = ChartBuilder::on(&plot_area)
            .margin(8)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(time, y_min..y_max)?;
        chart
            .configure_mesh()
            .x_desc("time (UTC)")
            .y_desc(self.y_label)
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 15))
            .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
            .light_line_style(TRANSPARENT)
            .draw()?;

        for (index, series) in coords.into_iter().enumerate() {
            let colour = colour(index);
            chart.draw_series(series.into_iter().map(|run| {
                if run.len() == 1 {
                    // A lone sample between gaps has no line; a dot shows it.
                    Circle::new(run[0], 3, colour.filled()).into_dyn()
                } else {
                    PathElement::new(run, colour.stroke_width(2)).into_dyn()
                }
            }))?;
        }
        if runs.iter().all(Vec::is_empty) {
            let style = ("sans-serif", 16).into_font().color(&RGBColor(0x66, 0x66, 0x66));
            chart.plotting_area().draw(&Text::new(
                NO_SAMPLES,
                middle,
                style.pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        }

        let entries: Vec<(&str, RGBColor)> = self
            .series
            .iter()
            .take(runs.len())
            .enumerate()
            .map(|(index, series)| (series.label.as_str(), colour(index)))
            .collect();
        draw_legend(&legend_area, &entries, self.series.len() - entries.len() + self.left_out)?;
        root.present()
    }
}

/// The finite points of `runs` inside `start..=end`, at most `budget` of
/// them: when there are more, the whole series is min/max-downsampled to
/// `budget / 2` buckets and the points kept are put back into their runs.
fn visible_runs(runs: &[Vec<Point>], start: DateTime<Utc>, end: DateTime<Utc>, budget: usize) -> Vec<Vec<Point>> {
    let visible: Vec<Vec<Point>> = runs
        .iter()
        .map(|run| run.iter().filter(|p| p.value.is_finite() && (start..=end).contains(&p.at)).copied().collect())
        .filter(|run: &Vec<Point>| !run.is_empty())
        .collect();
    let all: Vec<Point> = visible.iter().flatten().copied().collect();
    if all.len() <= budget {
        return visible;
    }
    let mut regrouped = vec![Vec::new(); visible.len()];
    let mut run = 0;
    // Runs follow each other in time, so a kept point belongs to the
    // first run that does not end before it.
    for point in downsample(&all, budget / 2) {
        while run + 1 < visible.len() && visible[run].last().is_some_and(|last| point.at > last.at) {
            run += 1;
        }
        regrouped[run].push(point);
    }
    regrouped.retain(|run| !run.is_empty());
    regrouped
}

/// The lowest and highest plotted value, if anything is plotted.
fn extent(runs: &[Vec<Vec<Point>>]) -> Option<(f64, f64)> {
    runs.iter().flatten().flatten().map(|p| p.value).fold(None, |extent, value| match extent {
        None => Some((value, value)),
        Some((min, max)) => Some((value.min(min), value.max(max))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        "2024-03-01T10:00:00Z".parse().expect("valid time")
    }

    /// One sample every 10 s from `t0 + from_s`, `count` of them.
    fn polls(from_s: i64, count: i64, value: impl Fn(i64) -> f64) -> Vec<Point> {
        (0..count).map(|i| Point { at: t0() + TimeDelta::seconds(from_s + 10 * i), value: value(i) }).collect()
    }

    fn render(series: &[Series]) -> String {
        let chart = LineChart {
            title: "Round-trip time",
            y_label: "RTT (ms)",
            range: (t0(), t0() + TimeDelta::minutes(10)),
            series,
            left_out: 0,
        };
        chart.to_svg().expect("renders")
    }

    fn series(label: &str, points: Vec<Point>) -> Series {
        Series::from_points(label, &points)
    }

    /// Polylines drawn in the colour of the `index`th series.
    fn lines_of(svg: &str, index: usize) -> usize {
        let RGBColor(r, g, b) = colour(index);
        let stroke = format!(r##"stroke="#{r:02X}{g:02X}{b:02X}""##);
        svg.lines().filter(|line| line.starts_with("<polyline") && line.contains(&stroke)).count()
    }

    #[test]
    fn the_svg_names_its_title_axes_and_every_series() {
        let svg = render(&[
            series("alice · camera · inbound", polls(0, 60, |i| 40.0 + i as f64)),
            series("bob · microphone · outbound", polls(0, 60, |_| 80.0)),
        ]);
        assert!(svg.starts_with("<svg"), "{svg:.80}");
        assert!(svg.trim_end().ends_with("</svg>"));
        for text in
            ["Round-trip time", "RTT (ms)", "time (UTC)", "alice · camera · inbound", "bob · microphone · outbound"]
        {
            assert!(svg.contains(&format!(">\n{text}\n</text>")), "no <text> with {text:?}");
        }
        assert!(svg.contains(">\n10:04:00\n</text>"), "time ticks are labelled HH:MM:SS");
        assert!(!svg.contains(NO_SAMPLES));
        assert_eq!((lines_of(&svg, 0), lines_of(&svg, 1)), (1, 1), "one unbroken line per series");
    }

    #[test]
    fn the_root_is_an_image_named_after_the_title() {
        let svg = render(&[series("a", polls(0, 3, |_| 1.0))]);
        assert!(svg.starts_with(r#"<svg role="img" aria-label="Round-trip time" "#), "{svg:.120}");
    }

    #[test]
    fn hostile_labels_and_titles_are_escaped() {
        let title = r#"</text></svg><script>alert("x")</script>&amp"#;
        let series = [series(r#"<b>"eve" & 'co'</b>"#, polls(0, 5, |_| 1.0))];
        let chart = LineChart {
            title,
            y_label: title,
            range: (t0(), t0() + TimeDelta::minutes(1)),
            series: &series,
            left_out: 0,
        };
        let svg = chart.to_svg().expect("renders");
        assert!(!svg.contains("<script") && !svg.contains("<b>"), "markup got through");
        assert!(!svg.contains(r#""x""#) && !svg.contains(r#""eve""#), "a quote got through");
        let escaped_title = "&lt;/text&gt;&lt;/svg&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp";
        // aria-label, title and y label.
        assert_eq!(svg.matches(escaped_title).count(), 3, "{svg}");
        assert!(svg.contains("\n&lt;b&gt;&quot;eve&quot; &amp; &apos;co&apos;&lt;/b&gt;\n</text>"), "{svg}");
        assert_eq!(svg.matches("</svg>").count(), 1);
    }

    #[test]
    fn an_empty_chart_renders_and_says_so() {
        for series in [vec![], vec![series("alice · camera · inbound", Vec::new())]] {
            let svg = render(&series);
            assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
            assert!(svg.contains(NO_SAMPLES), "an empty chart must say it is empty");
            assert!(svg.contains(">\nRTT (ms)\n</text>"), "axes are still drawn");
            assert_eq!(lines_of(&svg, 0), 0);
        }
    }

    #[test]
    fn all_zero_values_and_a_zero_width_range_still_render() {
        let points = polls(0, 10, |_| 0.0);
        let chart = LineChart {
            title: "Loss",
            y_label: "lost (%)",
            range: (t0(), t0()),
            series: &[series("a", points)],
            left_out: 0,
        };
        let svg = chart.to_svg().expect("renders");
        // Only the first point lies in the widened one-second range: a dot.
        assert!(!svg.contains(NO_SAMPLES));
        assert_eq!(svg.matches("<circle").count(), 1);
        let zeros = LineChart { range: (t0(), t0() + TimeDelta::minutes(2)), ..chart };
        assert_eq!(lines_of(&zeros.to_svg().expect("renders"), 0), 1);
    }

    #[test]
    fn a_gap_breaks_the_line() {
        // Polls for 2 min, an outage of 3 min, polls again.
        let mut points = polls(0, 12, |i| 50.0 + i as f64);
        points.extend(polls(300, 12, |i| 70.0 - i as f64));
        let svg = render(&[series("alice · camera · inbound", points.clone())]);
        assert_eq!(lines_of(&svg, 0), 2, "the outage must not be bridged");

        let unbroken = render(&[series("alice · camera · inbound", polls(0, 40, |_| 50.0))]);
        assert_eq!(lines_of(&unbroken, 0), 1);
    }

    #[test]
    fn points_outside_the_range_and_non_finite_values_are_not_drawn() {
        let mut points = polls(-600, 50, |_| 5_000.0);
        points.extend(polls(0, 10, |_| 20.0));
        points[55].value = f64::NAN;
        let svg = render(&[series("a", points)]);
        assert!(!svg.contains(">\n5000\n</text>") && !svg.contains("NaN"), "the y axis was scaled by hidden points");
        assert_eq!(lines_of(&svg, 0), 1);
    }

    #[test]
    fn a_long_series_is_downsampled_to_a_bounded_size() {
        let long = polls(0, 60, |i| (i % 7) as f64);
        let short_svg = render(&[series("a", long)]);
        // A day of samples every 864 ms in a one-day chart.
        let dense: Vec<Point> = (0..100_000)
            .map(|i| Point { at: t0() + TimeDelta::milliseconds(864 * i), value: (i % 97) as f64 })
            .collect();
        let chart = LineChart {
            title: "Round-trip time",
            y_label: "RTT (ms)",
            range: (t0(), t0() + TimeDelta::days(1)),
            series: &[series("a", dense)],
            left_out: 0,
        };
        let svg = chart.to_svg().expect("renders");
        let points_drawn = svg.lines().find(|l| l.starts_with("<polyline")).map_or(0, |l| l.matches(',').count());
        assert!(points_drawn <= MAX_POINTS, "{points_drawn} points drawn");
        assert!(svg.len() < 20 * short_svg.len(), "{} bytes", svg.len());
    }

    #[test]
    fn a_legend_too_long_for_the_strip_says_how_many_it_left_out() {
        let many: Vec<Series> = (0..20).map(|i| series(&format!("user{i:02}"), polls(0, 3, |_| 1.0))).collect();
        let svg = render(&many);
        assert!(svg.contains(">\nuser00\n</text>"));
        assert!(!svg.contains(">\nuser19\n</text>"), "the legend ran off the chart");
        let shown = (0..20).filter(|i| svg.contains(&format!(">\nuser{i:02}\n</text>"))).count();
        assert!(svg.contains(&format!(">\n+{} more\n</text>", 20 - shown)), "{svg}");
    }

    #[test]
    fn a_range_that_ends_before_it_starts_is_an_error() {
        let chart = LineChart {
            title: "t",
            y_label: "y",
            range: (t0(), t0() - TimeDelta::seconds(1)),
            series: &[],
            left_out: 0,
        };
        assert!(matches!(chart.to_svg(), Err(AppError::Internal(_))));
    }
}
