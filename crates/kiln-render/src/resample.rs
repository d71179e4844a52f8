//! Resampling row-major maps (activation or similarity maps) to image size.

/// Upsamples (or downsamples) a row-major `h × w` map to `out_h × out_w` by bilinear
/// interpolation with `align_corners = false`, matching PyTorch's
/// `F.interpolate(mode="bilinear", align_corners=False)` with an explicit output size.
///
/// A 1×1 map becomes a constant map. Values missing from a `map` shorter than `h * w` are read
/// as 0 and extra values are ignored; a zero-sized input gives an all-zero output, and a
/// zero-sized output an empty vector.
pub fn upsample_bilinear(map: &[f32], h: usize, w: usize, out_h: usize, out_w: usize) -> Vec<f32> {
    let value = match trivial_output(h, w, out_h, out_w) {
        Some(out) => return out,
        None => |y: usize, x: usize| f64::from(map.get(y * w + x).copied().unwrap_or(0.0)),
    };
    let rows = axis_weights(h, out_h);
    let cols = axis_weights(w, out_w);
    let mut out = Vec::with_capacity(out_h * out_w);
    for &(y0, y1, ly) in &rows {
        for &(x0, x1, lx) in &cols {
            let top = value(y0, x0) * (1.0 - lx) + value(y0, x1) * lx;
            let bottom = value(y1, x0) * (1.0 - lx) + value(y1, x1) * lx;
            out.push((top * (1.0 - ly) + bottom * ly) as f32);
        }
    }
    out
}

/// The output of a resampling whose sizes leave nothing to interpolate: empty for a zero-sized
/// (or overflowing) output, zeros for a zero-sized input; `None` otherwise.
fn trivial_output(h: usize, w: usize, out_h: usize, out_w: usize) -> Option<Vec<f32>> {
    match out_h.checked_mul(out_w) {
        None | Some(0) => Some(Vec::new()),
        Some(n_out) if h == 0 || w == 0 || h.checked_mul(w).is_none() => Some(vec![0.0; n_out]),
        Some(_) => None,
    }
}

/// For each output index along one axis: the two source indices and the weight of the second.
/// `input` and `output` are non-zero.
fn axis_weights(input: usize, output: usize) -> Vec<(usize, usize, f64)> {
    let scale = input as f64 / output as f64;
    let last = input - 1;
    (0..output)
        .map(|d| {
            // PyTorch's area_pixel_compute_source_index: half-pixel centres, clamped at 0.
            let src = ((d as f64 + 0.5) * scale - 0.5).max(0.0);
            let i0 = (src.floor() as usize).min(last);
            let i1 = (i0 + 1).min(last);
            (i0, i1, (src - i0 as f64).clamp(0.0, 1.0))
        })
        .collect()
}

/// Upsamples (or downsamples) a row-major `h × w` map to `out_h × out_w` by bicubic
/// convolution as OpenCV's `cv2.resize(..., interpolation=cv2.INTER_CUBIC)`: half-pixel
/// centres `src = (d + 0.5)·(in/out) − 0.5`, the four taps `⌊src⌋ − 1 … ⌊src⌋ + 2` clamped to
/// the map (border replicate), Keys' kernel with `A = −0.75`:
/// `w₀ = ((A(t+1) − 5A)(t+1) + 8A)(t+1) − 4A`, `w₁ = ((A+2)t − (A+3))t² + 1`,
/// `w₂ = ((A+2)(1−t) − (A+3))(1−t)² + 1`, `w₃ = 1 − w₀ − w₁ − w₂` with `t = src − ⌊src⌋`.
/// Unlike bilinear interpolation it can overshoot the input's range near a peak.
///
/// Missing values read as 0 and extra values are ignored; a zero-sized input gives an
/// all-zero output, and a zero-sized output an empty vector.
pub fn upsample_bicubic(map: &[f32], h: usize, w: usize, out_h: usize, out_w: usize) -> Vec<f32> {
    let value = match trivial_output(h, w, out_h, out_w) {
        Some(out) => return out,
        None => |y: usize, x: usize| f64::from(map.get(y * w + x).copied().unwrap_or(0.0)),
    };
    // Separable: along each input row first (`h × out_w`), then along the columns.
    let cols = cubic_taps(w, out_w);
    let mut wide = Vec::with_capacity(h * out_w);
    for y in 0..h {
        wide.extend(cols.iter().map(|(xs, wx)| xs.iter().zip(wx).map(|(&x, &b)| b * value(y, x)).sum::<f64>()));
    }
    let mut out = Vec::with_capacity(out_h * out_w);
    for (ys, wy) in &cubic_taps(h, out_h) {
        for x in 0..out_w {
            out.push(ys.iter().zip(wy).map(|(&y, &a)| a * wide[y * out_w + x]).sum::<f64>() as f32);
        }
    }
    out
}

/// For each output index along one axis: the four clamped source indices and their weights.
/// `input` and `output` are non-zero.
fn cubic_taps(input: usize, output: usize) -> Vec<([usize; 4], [f64; 4])> {
    const A: f64 = -0.75;
    let scale = input as f64 / output as f64;
    let last = (input - 1) as i64;
    (0..output)
        .map(|d| {
            let src = (d as f64 + 0.5) * scale - 0.5;
            let floor = src.floor();
            let t = src - floor;
            let index = |k: i64| (floor as i64 + k).clamp(0, last) as usize;
            let w0 = ((A * (t + 1.0) - 5.0 * A) * (t + 1.0) + 8.0 * A) * (t + 1.0) - 4.0 * A;
            let w1 = ((A + 2.0) * t - (A + 3.0)) * t * t + 1.0;
            let w2 = ((A + 2.0) * (1.0 - t) - (A + 3.0)) * (1.0 - t) * (1.0 - t) + 1.0;
            ([index(-1), index(0), index(1), index(2)], [w0, w1, w2, 1.0 - w0 - w1 - w2])
        })
        .collect()
}
