//! Resampling row-major maps (activation or similarity maps) to image size.

/// Upsamples (or downsamples) a row-major `h × w` map to `out_h × out_w` by bilinear
/// interpolation with `align_corners = false`, matching PyTorch's
/// `F.interpolate(mode="bilinear", align_corners=False)` with an explicit output size.
///
/// A 1×1 map becomes a constant map. Values missing from a `map` shorter than `h * w` are read
/// as 0 and extra values are ignored; a zero-sized input gives an all-zero output, and a
/// zero-sized output an empty vector.
pub fn upsample_bilinear(map: &[f32], h: usize, w: usize, out_h: usize, out_w: usize) -> Vec<f32> {
    let Some(n_out) = out_h.checked_mul(out_w) else {
        return Vec::new();
    };
    if n_out == 0 {
        return Vec::new();
    }
    if h == 0 || w == 0 || h.checked_mul(w).is_none() {
        return vec![0.0; n_out];
    }
    let value = |y: usize, x: usize| f64::from(map.get(y * w + x).copied().unwrap_or(0.0));
    let rows = axis_weights(h, out_h);
    let cols = axis_weights(w, out_w);
    let mut out = Vec::with_capacity(n_out);
    for &(y0, y1, ly) in &rows {
        for &(x0, x1, lx) in &cols {
            let top = value(y0, x0) * (1.0 - lx) + value(y0, x1) * lx;
            let bottom = value(y1, x0) * (1.0 - lx) + value(y1, x1) * lx;
            out.push((top * (1.0 - ly) + bottom * ly) as f32);
        }
    }
    out
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
