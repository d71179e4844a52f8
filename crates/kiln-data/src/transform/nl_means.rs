//! Non-local-means denoising (Buades, Coll, Morel, CVPR 2005) as OpenCV's
//! `fastNlMeansDenoisingColored(img, None, h, hColor, templateWindowSize, searchWindowSize)`
//! computes it; Nauta et al.'s texture modification calls it with template 7, search 21 and
//! `h = hColor = 4` on 8-bit images, which removes fine texture.
//!
//! Every pixel `p` becomes a weighted mean of the pixels `q` of the `S × S` search window around
//! it: `u(p) = Σ_q w(p, q) v(q) / Σ_q w(p, q)`, with
//! `w(p, q) = exp(−d²(p, q) / (h² · C))`, `d²` the sum of squared differences of the `T × T`
//! templates around `p` and `q` over their `C` channels divided by `T²` (0 when below 0.001, as
//! OpenCV's `WEIGHT_THRESHOLD`). Values are on the 8-bit scale (`h` is in grey levels); the image
//! is extended by reflection without repeating the edge (OpenCV's `BORDER_DEFAULT`). A colour
//! image is converted to L*a*b* ([`super::lab`]) and its L plane denoised with `h`, its a and b
//! planes together with `h_colour`; a grey image is denoised with `h`.
//!
//! Implementation: for each search offset, the squared differences of the whole image are summed
//! over every template at once with an integral image (the same sums as the direct
//! `O(n · S² · T²)` loop, in `O(n · S²)`).
//!
//! Deviations: floats instead of OpenCV's fixed-point weights and its power-of-two approximation
//! of the division by `T²`; no 8-bit rounding of the result.

use serde::{Deserialize, Serialize};

use super::lab::{lab8_to_rgb, rgb_to_lab8};
use crate::error::{DataError, Result};
use crate::item::Image;

/// Weights below this fraction of the largest are dropped (OpenCV's `WEIGHT_THRESHOLD`).
const WEIGHT_THRESHOLD: f64 = 0.001;

/// The parameters of [`nl_means`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NlMeans {
    /// Side of the compared templates, odd (OpenCV's `templateWindowSize`; paper 7).
    pub template: usize,
    /// Side of the search window, odd (OpenCV's `searchWindowSize`; paper 21).
    pub search: usize,
    /// Filter strength for luminance (or grey), in 8-bit grey levels (paper 4).
    pub h: f32,
    /// Filter strength for the colour components (OpenCV's `hColor`; paper 4).
    pub h_colour: f32,
}

impl NlMeans {
    /// Nauta et al.'s texture setting: template 7, search 21, `h = hColor = 4`.
    pub const PAPER: Self = Self { template: 7, search: 21, h: 4.0, h_colour: 4.0 };
}

/// `image` denoised by non-local means with `params` (see the module docs).
///
/// # Errors
/// [`DataError::InvalidConfig`] for an even or zero window, a template larger than the search
/// window, a filter strength that is not positive, or an image that is neither grey nor RGB;
/// [`DataError::ImageTooSmall`] when a side of the image is shorter than the search window.
pub fn nl_means(image: &Image, params: &NlMeans) -> Result<Image> {
    check(image, params)?;
    let (h, w) = (image.height, image.width);
    let plane = h * w;
    if image.channels == 1 {
        let grey: Vec<f32> = image.pixels.iter().map(|v| v * 255.0).collect();
        let denoised = denoise(&[grey], (h, w), params.template, params.search, params.h);
        let mut out = image.clone();
        out.pixels = denoised.concat().iter().map(|v| (v / 255.0).clamp(0.0, 1.0)).collect();
        return Ok(out);
    }
    let lab: Vec<[f32; 3]> = (0..plane)
        .map(|i| rgb_to_lab8([image.pixels[i], image.pixels[plane + i], image.pixels[2 * plane + i]]))
        .collect();
    let channel = |c: usize| lab.iter().map(|p| p[c]).collect::<Vec<f32>>();
    let l = denoise(&[channel(0)], (h, w), params.template, params.search, params.h);
    let ab = denoise(&[channel(1), channel(2)], (h, w), params.template, params.search, params.h_colour);
    let mut out = image.clone();
    for i in 0..plane {
        let rgb = lab8_to_rgb([l[0][i], ab[0][i], ab[1][i]]);
        for (c, v) in rgb.into_iter().enumerate() {
            out.pixels[c * plane + i] = v;
        }
    }
    Ok(out)
}

/// Checks the windows, the strengths and the image against them.
fn check(image: &Image, params: &NlMeans) -> Result<()> {
    let NlMeans { template, search, h, h_colour } = *params;
    if template % 2 == 0 || search % 2 == 0 || template > search {
        return Err(DataError::InvalidConfig(format!(
            "non-local means needs odd windows with the template within the search window, got template {template}, search {search}"
        )));
    }
    if !(h > 0.0 && h_colour > 0.0 && h.is_finite() && h_colour.is_finite()) {
        return Err(DataError::InvalidConfig(format!(
            "non-local means needs positive finite strengths, got h {h}, h_colour {h_colour}"
        )));
    }
    if !matches!(image.channels, 1 | 3) {
        return Err(DataError::InvalidConfig(format!(
            "non-local means denoises grey or RGB images, got {} channels",
            image.channels
        )));
    }
    if image.height < search || image.width < search {
        return Err(DataError::ImageTooSmall {
            height: image.height,
            width: image.width,
            minimum: search,
            window: "non-local means search window",
        });
    }
    Ok(())
}

/// Index `k`, `−n < k < 2n − 1`, reflected into `0..n` without repeating the edge
/// (`gfedcb|abcdefgh|gfedcba`).
fn reflect(k: isize, n: usize) -> usize {
    let n = n as isize;
    let k = if k < 0 { -k } else { k };
    (if k >= n { 2 * (n - 1) - k } else { k }) as usize
}

/// Non-local means over `planes` (each `h × w`, row-major, on the 8-bit scale) denoised
/// together: one weight per pixel pair from all planes' templates.
fn denoise(
    planes: &[Vec<f32>],
    (h, w): (usize, usize),
    template: usize,
    search: usize,
    strength: f32,
) -> Vec<Vec<f32>> {
    let (t, s) = ((template / 2) as isize, (search / 2) as isize);
    let border = t + s;
    // The image extended by `border` on every side.
    let (eh, ew) = (h + 2 * border as usize, w + 2 * border as usize);
    let extended: Vec<Vec<f32>> = planes
        .iter()
        .map(|p| {
            (0..eh * ew)
                .map(|i| {
                    let (y, x) = ((i / ew) as isize - border, (i % ew) as isize - border);
                    p[reflect(y, h) * w + reflect(x, w)]
                })
                .collect()
        })
        .collect();
    let denominator = f64::from(strength).powi(2) * planes.len() as f64 * (template * template) as f64;
    // Template sums are over the region of template centres `0..h × 0..w` widened by `t`.
    let (rh, rw) = (h + 2 * t as usize, w + 2 * t as usize);
    let mut sums = vec![vec![0f64; h * w]; planes.len()];
    let mut weights = vec![0f64; h * w];
    let mut integral = vec![0f64; (rh + 1) * (rw + 1)];
    for dy in -s..=s {
        for dx in -s..=s {
            // Integral image of the squared differences between the region and its offset copy.
            for y in 0..rh {
                let mut row = 0f64;
                for x in 0..rw {
                    let (py, px) = (y as isize + s, x as isize + s);
                    let a = py as usize * ew + px as usize;
                    let b = (py + dy) as usize * ew + (px + dx) as usize;
                    row += extended.iter().map(|e| f64::from(e[a] - e[b]).powi(2)).sum::<f64>();
                    integral[(y + 1) * (rw + 1) + x + 1] = integral[y * (rw + 1) + x + 1] + row;
                }
            }
            let size = template;
            for y in 0..h {
                for x in 0..w {
                    let box_sum = integral[(y + size) * (rw + 1) + x + size]
                        - integral[y * (rw + 1) + x + size]
                        - integral[(y + size) * (rw + 1) + x]
                        + integral[y * (rw + 1) + x];
                    let weight = (-box_sum.max(0.0) / denominator).exp();
                    if weight < WEIGHT_THRESHOLD {
                        continue;
                    }
                    let q = (y as isize + border + dy) as usize * ew + (x as isize + border + dx) as usize;
                    weights[y * w + x] += weight;
                    for (sum, e) in sums.iter_mut().zip(&extended) {
                        sum[y * w + x] += weight * f64::from(e[q]);
                    }
                }
            }
        }
    }
    sums.into_iter().map(|sum| sum.iter().zip(&weights).map(|(s, w)| (s / w) as f32).collect()).collect()
}
