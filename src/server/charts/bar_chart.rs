//! A bar chart of counts by category (ratings 1–5, quality bands) as SVG.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::accessible::name_svg;
use super::palette::colour;
use super::value_range::value_range;
use crate::server::AppError;

/// One bar per category, in the order given; render it with [`BarChart::to_svg`].
#[derive(Debug, Clone, Copy)]
pub struct BarChart<'a> {
    /// What is counted, e.g. "Overall rating"; also the SVG's accessible name.
    pub title: &'a str,
    /// The y axis label, e.g. "ratings".
    pub y_label: &'a str,
    /// `(category, value)`, left to right. Labels are escaped.
    pub bars: &'a [(String, f64)],
    /// Size in pixels.
    pub size: (u32, u32),
    /// Which palette colour the bars take.
    pub colour: usize,
}

impl BarChart<'_> {
    /// Renders the chart as an `<svg>` element with `role="img"` and the
    /// title as its `aria-label`; each bar carries its value above it.
    ///
    /// # Errors
    /// [`AppError::Internal`] if plotters fails to lay the chart out.
    pub fn to_svg(&self) -> Result<String, AppError> {
        let mut svg = String::new();
        self.draw(&mut svg)
            .map_err(|error| AppError::Internal(anyhow::Error::new(error).context("rendering a bar chart")))?;
        Ok(name_svg(&svg, self.title))
    }

    fn draw(&self, svg: &mut String) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
        let root = SVGBackend::with_string(svg, self.size).into_drawing_area();
        root.fill(&WHITE)?;
        let area = root.titled(self.title, ("sans-serif", 18))?;
        // `0..n` segmented has a segment per value of `0..=n`: one too many.
        let last = u32::try_from(self.bars.len()).unwrap_or(u32::MAX).saturating_sub(1);
        let highest = self.bars.iter().map(|(_, value)| *value).fold(0.0, f64::max);
        let (_, top) = value_range(Some((0.0, highest)));
        let mut chart = ChartBuilder::on(&area)
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(56)
            .build_cartesian_2d((0..last).into_segmented(), 0.0..top)?;
        let labels: Vec<&str> = self.bars.iter().map(|(label, _)| label.as_str()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(labels.len().max(1))
            .x_label_formatter(&|value| match value {
                SegmentValue::CenterOf(index) => {
                    labels.get(*index as usize).map_or_else(String::new, |l| (*l).to_owned())
                }
                _ => String::new(),
            })
            .y_label_formatter(&|value| format_value(*value))
            .y_desc(self.y_label)
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 14))
            .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
            .light_line_style(TRANSPARENT)
            .draw()?;
        let fill = colour(self.colour);
        chart.draw_series(self.bars.iter().enumerate().map(|(index, (_, value))| {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let mut bar = Rectangle::new(
                [(SegmentValue::Exact(index), 0.0), (SegmentValue::Exact(index + 1), *value)],
                fill.filled(),
            );
            bar.set_margin(0, 0, 8, 8);
            bar
        }))?;
        // Above each bar, so that a short one does not hide it.
        let label_style =
            ("sans-serif", 13).into_font().color(&RGBColor(0x33, 0x33, 0x33)).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart.draw_series(self.bars.iter().enumerate().map(|(index, (_, value))| {
            let at = (SegmentValue::CenterOf(u32::try_from(index).unwrap_or(u32::MAX)), *value);
            Text::new(format_value(*value), at, label_style.clone())
        }))?;
        root.present()
    }
}

/// A bar's value as written above it: whole numbers without decimals.
fn format_value(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(values: &[(&str, f64)]) -> Vec<(String, f64)> {
        values.iter().map(|(label, value)| ((*label).to_owned(), *value)).collect()
    }

    fn render(values: &[(&str, f64)]) -> String {
        let bars = bars(values);
        BarChart { title: "Overall <rating>", y_label: "ratings", bars: &bars, size: (480, 240), colour: 0 }
            .to_svg()
            .expect("renders")
    }

    #[test]
    fn each_category_gets_a_labelled_bar_with_its_value() {
        let svg = render(&[("1", 2.0), ("2", 0.0), ("3", 5.0), ("4", 11.0), ("5", 7.0)]);
        assert!(svg.starts_with(r#"<svg role="img" aria-label="Overall &lt;rating&gt;""#), "named and escaped");
        for label in ["1", "2", "3", "4", "5", "11", "7"] {
            assert!(svg.contains(&format!(">\n{label}\n</text>")), "{label} is written");
        }
        let RGBColor(r, g, b) = colour(0);
        let fill = format!("fill=\"#{r:02X}{g:02X}{b:02X}\"");
        assert_eq!(svg.matches(&fill).count(), 5, "one rectangle per bar");
    }

    #[test]
    fn an_empty_chart_still_renders() {
        let svg = render(&[]);
        assert!(svg.contains("</svg>"));
    }
}
