//! BSP-Net's 2-D toy set (czq142857/BSP-NET-original, `bsp_2d/data/create_dataset.py`): each
//! image holds a hollow diamond (scale 12–16 px), a cross (12–16 px) and a diamond (8–12 px) at
//! random positions ordered left to right, on a 64² canvas; other sizes scale the recipe.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One binary image, row-major, `size × size`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToyImage {
    /// Side length in pixels.
    pub size: usize,
    /// `true` for filled pixels, index `row · size + col`.
    pub pixels: Vec<bool>,
}

impl ToyImage {
    /// Pixel values as 0/1 floats.
    pub fn to_f32(&self) -> Vec<f32> {
        self.pixels.iter().map(|&p| p as u8 as f32).collect()
    }
}

const HOLLOW_OUTER: [[f32; 2]; 4] = [[0.0, 1.0], [-1.0, 0.0], [0.0, -1.0], [1.0, 0.0]];
const HOLLOW_INNER: [[f32; 2]; 4] = [[0.5, 0.0], [0.0, -0.5], [-0.5, 0.0], [0.0, 0.5]];
const T: f32 = 1.0 / 3.0;
const CROSS: [[f32; 2]; 12] = [
    [1.0, T],
    [T, T],
    [T, 1.0],
    [-T, 1.0],
    [-T, T],
    [-1.0, T],
    [-1.0, -T],
    [-T, -T],
    [-T, -1.0],
    [T, -1.0],
    [T, -T],
    [1.0, -T],
];

/// Even–odd point-in-polygon, boundary included (pixel centres at integer coordinates).
fn inside_polygon(poly: &[[f32; 2]], x: f32, y: f32) -> bool {
    let mut inside = false;
    for k in 0..poly.len() {
        let (a, b) = (poly[k], poly[(k + 1) % poly.len()]);
        let cross = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
        let on_segment = cross.abs() < 1e-4
            && x >= a[0].min(b[0]) - 1e-4
            && x <= a[0].max(b[0]) + 1e-4
            && y >= a[1].min(b[1]) - 1e-4
            && y <= a[1].max(b[1]) + 1e-4;
        if on_segment {
            return true;
        }
        if (a[1] > y) != (b[1] > y) && x < a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]) {
            inside = !inside;
        }
    }
    inside
}

fn fill(pixels: &mut [bool], size: usize, shape: &[[f32; 2]], s: f32, cx: f32, cy: f32, value: bool) {
    let poly: Vec<[f32; 2]> = shape.iter().map(|p| [(p[0] * s + cx).trunc(), (p[1] * s + cy).trunc()]).collect();
    for row in 0..size {
        for col in 0..size {
            if inside_polygon(&poly, col as f32, row as f32) {
                pixels[row * size + col] = value;
            }
        }
    }
}

/// One toy image, deterministic by `seed`.
pub fn toy_image(size: usize, seed: u64) -> ToyImage {
    let mut rng = StdRng::seed_from_u64(seed);
    let k = size as f32 / 64.0;
    let scaled = |lo: f32, hi: f32, rng: &mut StdRng| rng.random_range(lo * k..=hi * k).round();
    let n = size as f32;
    loop {
        let (s1, s2, s3) = (scaled(12.0, 16.0, &mut rng), scaled(12.0, 16.0, &mut rng), scaled(8.0, 12.0, &mut rng));
        let pos = |s: f32, rng: &mut StdRng| {
            let (lo, hi) = (s + 1.0, n - s - 2.0);
            (rng.random_range(lo..=hi).round(), rng.random_range(lo..=hi).round())
        };
        let (x1, y1) = pos(s1, &mut rng);
        let (x2, y2) = pos(s2, &mut rng);
        let (x3, y3) = pos(s3, &mut rng);
        if x1 > x2 + s1.max(s2) && x2 > x3 + s2.max(s3) {
            let mut pixels = vec![false; size * size];
            fill(&mut pixels, size, &HOLLOW_OUTER, s1, x1, y1, true);
            fill(&mut pixels, size, &HOLLOW_INNER, s1, x1, y1, false);
            fill(&mut pixels, size, &CROSS, s2, x2, y2, true);
            fill(&mut pixels, size, &HOLLOW_OUTER, s3, x3, y3, true);
            return ToyImage { size, pixels };
        }
    }
}

/// `n` toy images of side `size` (64 in the paper), image `i` from seed `seed + i`.
pub fn toy_set(n: usize, size: usize, seed: u64) -> Vec<ToyImage> {
    (0..n as u64).map(|i| toy_image(size, kiln_core::seed::derive_seed(seed, i))).collect()
}
