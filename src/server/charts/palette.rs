//! Series colours: the Okabe–Ito palette, told apart with colour blindness
//! too (its yellow left out: unreadable on white), plus two neutrals.

use plotters::style::RGBColor;

const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x55, 0x55, 0x55), // dark grey
    RGBColor(0x8C, 0x56, 0x4B), // brown
];

/// The colour of the `index`th series; the palette repeats after eight.
pub(super) fn colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}
