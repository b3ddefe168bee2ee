//! The legend of a line chart, in its own strip right of the plot.
//!
//! plotters draws its legend inside the plotting area, where it hides
//! the data of a busy connection; a strip of our own never does.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const ROW_HEIGHT: i32 = 18;
const TOP: i32 = 14;
const LEFT: i32 = 8;
const SWATCH_WIDTH: i32 = 18;
/// Longer labels are cut with an ellipsis so they stay inside the strip.
const MAX_LABEL_CHARS: usize = 44;

/// Draws one row per entry (a colour swatch and the label) down `area`;
/// when they do not all fit, or `more` series were not drawn at all, the
/// last row says how many are missing.
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(&str, RGBColor)],
    more: usize,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (_, height) = area.dim_in_pixel();
    let rows = usize::try_from((i32::try_from(height).unwrap_or(i32::MAX) - TOP) / ROW_HEIGHT).unwrap_or(0).max(1);
    let shown = if entries.len() + usize::from(more > 0) > rows { rows - 1 } else { entries.len() };
    let font = ("sans-serif", 15).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = TOP;
    for (label, colour) in &entries[..shown] {
        // A filled bar rather than a line, so that the plot's polylines are
        // the only ones in the SVG.
        area.draw(&Rectangle::new([(LEFT, y - 2), (LEFT + SWATCH_WIDTH, y + 2)], colour.filled()))?;
        area.draw(&Text::new(shorten(label), (LEFT + SWATCH_WIDTH + 6, y), font.clone()))?;
        y += ROW_HEIGHT;
    }
    let missing = entries.len() - shown + more;
    if missing > 0 {
        area.draw(&Text::new(format!("+{missing} more"), (LEFT, y), font))?;
    }
    Ok(())
}

/// `label`, cut to [`MAX_LABEL_CHARS`] characters with an ellipsis.
fn shorten(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        return label.to_owned();
    }
    let mut short: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_cut_with_an_ellipsis_and_short_ones_kept() {
        assert_eq!(shorten("alice · camera · inbound"), "alice · camera · inbound");
        let cut = shorten(&"é".repeat(MAX_LABEL_CHARS + 10));
        assert_eq!(cut.chars().count(), MAX_LABEL_CHARS);
        assert!(cut.ends_with('…'));
    }
}
