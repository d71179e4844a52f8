//! CIE L*a*b* on OpenCV's 8-bit scale, as `fastNlMeansDenoisingColored` converts its input
//! (`COLOR_LBGR2Lab`, then `COLOR_Lab2LBGR` back): the values are taken as *linear* RGB (no
//! sRGB gamma), the white point is D65.
//!
//! Forward: `[X, Y, Z] = M · [R, G, B]` with OpenCV's sRGB matrix `M`, `X /= 0.950456`,
//! `Z /= 1.088754`; `f(t) = t^{1/3}` for `t > 0.008856`, else `7.787 t + 16/116`;
//! `L = 116 f(Y) − 16` (`903.3 Y` for `Y ≤ 0.008856`), `a = 500 (f(X) − f(Y))`,
//! `b = 200 (f(Y) − f(Z))`; on the 8-bit scale `L · 255/100`, `a + 128`, `b + 128`.
//! Backward inverts each step (`M⁻¹` as OpenCV's) and clamps RGB to `[0, 1]`.
//!
//! Deviation: in floats, without OpenCV's 8-bit tables and rounding.

/// OpenCV's linear RGB → XYZ matrix (D65), rows X, Y, Z.
const RGB_TO_XYZ: [[f64; 3]; 3] =
    [[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169], [0.019334, 0.119193, 0.950227]];

/// OpenCV's XYZ → linear RGB matrix, rows R, G, B.
const XYZ_TO_RGB: [[f64; 3]; 3] =
    [[3.240479, -1.53715, -0.498535], [-0.969256, 1.875991, 0.041556], [0.055648, -0.204043, 1.057311]];

/// D65 white point of X and Z (Y is 1).
const WHITE: (f64, f64) = (0.950456, 1.088754);

/// Below this, `f` is linear.
const T_THRESHOLD: f64 = 0.008856;

/// Slope of `f`'s linear part.
const SLOPE: f64 = 7.787;

/// `f`'s linear part's offset, `16/116`.
const OFFSET: f64 = 16.0 / 116.0;

/// `L = 903.3 Y` for small `Y`.
const L_SLOPE: f64 = 903.3;

/// `f` of the CIE L*a*b* definition.
fn f(t: f64) -> f64 {
    if t > T_THRESHOLD { t.cbrt() } else { SLOPE * t + OFFSET }
}

/// The inverse of [`f`].
fn f_inv(v: f64) -> f64 {
    if v > 6.0 / 29.0 { v * v * v } else { (v - OFFSET) / SLOPE }
}

/// `m · v`.
fn times(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    m.map(|row| row[0] * v[0] + row[1] * v[1] + row[2] * v[2])
}

/// Linear RGB in `[0, 1]` to L*a*b* on OpenCV's 8-bit scale (`L ∈ [0, 255]`, `a, b` around 128).
pub fn rgb_to_lab8(rgb: [f32; 3]) -> [f32; 3] {
    let [x, y, z] = times(&RGB_TO_XYZ, rgb.map(f64::from));
    let (fx, fy, fz) = (f(x / WHITE.0), f(y), f(z / WHITE.1));
    let l = if y > T_THRESHOLD { 116.0 * fy - 16.0 } else { L_SLOPE * y };
    [(l * 255.0 / 100.0) as f32, (500.0 * (fx - fy) + 128.0) as f32, (200.0 * (fy - fz) + 128.0) as f32]
}

/// The inverse of [`rgb_to_lab8`], clamped to `[0, 1]`.
pub fn lab8_to_rgb(lab: [f32; 3]) -> [f32; 3] {
    let l = f64::from(lab[0]) * 100.0 / 255.0;
    let (a, b) = (f64::from(lab[1]) - 128.0, f64::from(lab[2]) - 128.0);
    let (y, fy) = if l <= T_THRESHOLD * L_SLOPE {
        let y = l / L_SLOPE;
        (y, SLOPE * y + OFFSET)
    } else {
        let fy = (l + 16.0) / 116.0;
        (fy * fy * fy, fy)
    };
    let x = f_inv(fy + a / 500.0) * WHITE.0;
    let z = f_inv(fy - b / 200.0) * WHITE.1;
    times(&XYZ_TO_RGB, [x, y, z]).map(|v| v.clamp(0.0, 1.0) as f32)
}
