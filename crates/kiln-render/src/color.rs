//! Named colours and the chart palette.

use image::Rgb;

/// White, the default canvas background.
pub const WHITE: Rgb<u8> = Rgb([255, 255, 255]);
/// Black, for text.
pub const BLACK: Rgb<u8> = Rgb([0, 0, 0]);
/// Red, e.g. for high-activation boxes.
pub const RED: Rgb<u8> = Rgb([220, 30, 30]);
/// Green, e.g. for positive contribution bars.
pub const GREEN: Rgb<u8> = Rgb([30, 160, 60]);
/// Blue, e.g. for negative contribution bars.
pub const BLUE: Rgb<u8> = Rgb([40, 80, 220]);
/// Yellow, e.g. for boxes drawn over dark images.
pub const YELLOW: Rgb<u8> = Rgb([240, 220, 40]);
/// Mid grey, for separators and secondary text.
pub const GREY: Rgb<u8> = Rgb([128, 128, 128]);

/// Series colours of a chart (matplotlib's "tab10" colours): the series without a colour of
/// their own take these in order, cycling.
pub const PALETTE: [Rgb<u8>; 8] = [
    Rgb([31, 119, 180]),
    Rgb([214, 39, 40]),
    Rgb([44, 160, 44]),
    Rgb([148, 103, 189]),
    Rgb([255, 127, 14]),
    Rgb([140, 86, 75]),
    Rgb([227, 119, 194]),
    Rgb([23, 190, 207]),
];

/// `c` mixed half-way towards white, e.g. for points in the background of a chart.
pub fn faded(c: Rgb<u8>) -> Rgb<u8> {
    Rgb(c.0.map(|v| v + (255 - v) / 2))
}
