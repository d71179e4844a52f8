//! Direct f32 kernels of flex for convolutions with few input channels (the first layer of an
//! image network: 1 or 3 channels), where im2col + GEMM spends its time building a tall, thin
//! matrix. With `x` `[N, C, H, W]`, `w` `[O, C, KH, KW]`, stride `s`, padding `(top, left)` and
//! `x̃` the input read as zero outside its bounds:
//!
//! - forward, per output plane `(n, o)`: `y[n,o,i,j] = Σ_{c,p,q} w[o,c,p,q] · x̃[n,c,i·s₀+p−top, j·s₁+q−left]`,
//!   one axpy of an input row into an output row per tap and row (contiguous when `s₁ = 1`);
//! - weight gradient, per output channel `o`: `dw[o,c,p,q] = Σ_{n,i,j} dy[n,o,i,j] · x̃[n,c,i·s₀+p−top, j·s₁+q−left]`,
//!   row dot products in f32 added up in f64;
//! - input gradient, per input plane `(n, c)`: `dx[n,c,a,b] = Σ_{o,p,q,i,j: a = i·s₀+p−top, b = j·s₁+q−left} w[o,c,p,q] · dy[n,o,i,j]`,
//!   the forward's axpys reversed.
//!
//! Each kernel is parallel over the planes (or output channels) it writes, on rayon's current
//! pool. They apply to f32, one group, no dilation and at most [`MAX_DIRECT_CHANNELS`] input
//! channels ([`Geometry::of`]); otherwise the caller uses burn's own convolution.

use burn::backend::flex::FlexTensor;
use burn::backend::ops::ConvOptions;
use burn::backend::{DType, TensorMetadata};
use burn::tensor::TensorData;
use rayon::prelude::*;

use super::parallel::for_rows_mut;

use super::MAX_DIRECT_CHANNELS;

/// The shapes of one convolution the direct kernels handle.
#[derive(Clone, Copy, Debug)]
pub(super) struct Geometry {
    batch: usize,
    channels: usize,
    height: usize,
    width: usize,
    outputs: usize,
    kernel: [usize; 2],
    stride: [usize; 2],
    /// Padding before the first row and column.
    begin: [usize; 2],
    /// Padding after the last row and column.
    end: [usize; 2],
    out: [usize; 2],
}

impl Geometry {
    /// The geometry of `x` (`[N, C, H, W]`) convolved with `w` (`[O, C, KH, KW]`) under
    /// `options`; `None` unless the direct kernels apply (f32 is checked by the callers).
    pub(super) fn of(x: &[usize], w: &[usize], options: &ConvOptions<2>) -> Option<Self> {
        let (&[batch, channels, height, width], &[outputs, w_channels, kh, kw]) = (x, w) else { return None };
        let plain = options.groups == 1 && options.dilation == [1, 1];
        if !plain || channels != w_channels || channels > MAX_DIRECT_CHANNELS || batch * outputs == 0 {
            return None;
        }
        let [(top, bottom), (left, right)] = options.padding;
        let (padded_h, padded_w) = (height + top + bottom, width + left + right);
        if padded_h < kh || padded_w < kw || kh * kw == 0 {
            return None;
        }
        let out = [(padded_h - kh) / options.stride[0] + 1, (padded_w - kw) / options.stride[1] + 1];
        Some(Self {
            batch,
            channels,
            height,
            width,
            outputs,
            kernel: [kh, kw],
            stride: options.stride,
            begin: [top, left],
            end: [bottom, right],
            out,
        })
    }

    /// Output positions `k` along axis `axis` whose input position `k·s + tap − begin` lies
    /// inside the input: `lo..hi`.
    fn valid(&self, axis: usize, tap: usize) -> (usize, usize) {
        let (s, begin, size) = (self.stride[axis], self.begin[axis], [self.height, self.width][axis]);
        let lo = begin.saturating_sub(tap).div_ceil(s);
        let hi = if size + begin > tap { (size + begin - tap).div_ceil(s).min(self.out[axis]) } else { 0 };
        (lo, hi.max(lo))
    }

    fn in_plane(&self) -> usize {
        self.height * self.width
    }

    fn out_plane(&self) -> usize {
        self.out[0] * self.out[1]
    }

    fn taps(&self) -> usize {
        self.kernel[0] * self.kernel[1]
    }

    /// Stride 1 in both directions: the padded-grid kernels apply.
    fn unit_stride(&self) -> bool {
        self.stride == [1, 1]
    }

    /// Width of the padded grid, `Wp = left + W + right`.
    fn grid_width(&self) -> usize {
        self.begin[1] + self.width + self.end[1]
    }

    /// Values of a padded input plane: `Hp·Wp` and `KW` spare zeros read by the last row's
    /// scratch columns.
    fn grid_plane(&self) -> usize {
        (self.begin[0] + self.height + self.end[0]) * self.grid_width() + self.kernel[1]
    }

    /// Output positions on the padded grid, `Ho·Wp` (columns `≥ Wo` of each row are scratch).
    fn grid_out(&self) -> usize {
        self.out[0] * self.grid_width()
    }

    /// Offset of tap `t = p·KW + q` on the padded grid.
    fn grid_offset(&self, t: usize) -> usize {
        (t / self.kernel[1]) * self.grid_width() + t % self.kernel[1]
    }

    /// Every `plane`-sized plane of `values` copied into a zeroed padded grid plane.
    fn pad_planes(&self, values: &[f32]) -> Vec<f32> {
        let (wp, grid) = (self.grid_width(), self.grid_plane());
        let mut padded = vec![0f32; values.len() / self.in_plane() * grid];
        for (src, dst) in values.chunks(self.in_plane()).zip(padded.chunks_mut(grid)) {
            for (a, row) in src.chunks(self.width).enumerate() {
                let start = (a + self.begin[0]) * wp + self.begin[1];
                dst[start..start + self.width].copy_from_slice(row);
            }
        }
        padded
    }

    /// Every output-gradient plane spread onto the output grid (`Ho × Wp`, scratch columns 0).
    fn spread_outputs(&self, values: &[f32]) -> Vec<f32> {
        let (wp, wo) = (self.grid_width(), self.out[1]);
        let mut spread = vec![0f32; values.len() / self.out_plane() * self.grid_out()];
        for (src, dst) in values.chunks(self.out_plane()).zip(spread.chunks_mut(self.grid_out())) {
            for (i, row) in src.chunks(wo).enumerate() {
                dst[i * wp..i * wp + wo].copy_from_slice(row);
            }
        }
        spread
    }

    fn output_shape(&self) -> Vec<usize> {
        vec![self.batch, self.outputs, self.out[0], self.out[1]]
    }

    /// Calls `f(out_row, in_row_start, cols, tap_col)` for every output row and input row a tap
    /// `(p, q)` joins: `out_row` and `in_row` index rows of the output and input planes, `cols`
    /// the valid output columns.
    fn for_each_row(&self, p: usize, q: usize, mut f: impl FnMut(usize, usize, (usize, usize))) {
        let rows = self.valid(0, p);
        let cols = self.valid(1, q);
        if cols.0 >= cols.1 {
            return;
        }
        for i in rows.0..rows.1 {
            f(i, i * self.stride[0] + p - self.begin[0], cols);
        }
    }
}

/// The f32 values of `t`, contiguous (`None` if it is not f32).
fn f32_values(t: &FlexTensor) -> Option<FlexTensor> {
    (t.dtype() == DType::F32).then(|| t.to_contiguous())
}

fn tensor(data: Vec<f32>, shape: Vec<usize>) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(data, shape))
}

/// `y += a·x` over equal-length slices.
#[inline(always)]
fn axpy(y: &mut [f32], x: &[f32], a: f32) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// `Σ a·b` in eight f32 lanes.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (lanes_a, tail_a) = a.as_chunks::<8>();
    let (lanes_b, tail_b) = b[..a.len()].as_chunks::<8>();
    let mut acc = [0f32; 8];
    for (va, vb) in lanes_a.iter().zip(lanes_b) {
        for i in 0..8 {
            acc[i] += va[i] * vb[i];
        }
    }
    acc.iter().sum::<f32>() + tail_a.iter().zip(tail_b).map(|(x, y)| x * y).sum::<f32>()
}

/// The convolution `x ⋆ w` (no bias), or `None` when the direct kernel does not apply.
pub(super) fn forward(x: &FlexTensor, w: &FlexTensor, options: &ConvOptions<2>) -> Option<FlexTensor> {
    let g = Geometry::of(&x.shape().to_vec(), &w.shape().to_vec(), options)?;
    let (x, w) = (f32_values(x)?, f32_values(w)?);
    let (xs, ws) = (x.as_slice::<f32>()?, w.as_slice::<f32>()?);
    let (in_plane, out_plane, wo) = (g.in_plane(), g.out_plane(), g.out[1]);
    let mut out = vec![0f32; g.batch * g.outputs * out_plane];
    if g.unit_stride() {
        // Each tap of a whole output plane is one contiguous axpy on the padded grid.
        let padded = g.pad_planes(xs);
        let (grid, len, wp) = (g.grid_plane(), g.grid_out(), g.grid_width());
        for_rows_mut(&mut out, out_plane, |first, chunk| {
            let mut ext = vec![0f32; len];
            for (r, plane) in chunk.chunks_mut(out_plane).enumerate() {
                let (n, o) = ((first + r) / g.outputs, (first + r) % g.outputs);
                ext.fill(0.0);
                for c in 0..g.channels {
                    let input = &padded[(n * g.channels + c) * grid..][..grid];
                    let taps = &ws[(o * g.channels + c) * g.taps()..][..g.taps()];
                    for (t, &weight) in taps.iter().enumerate() {
                        let off = g.grid_offset(t);
                        axpy(&mut ext, &input[off..off + len], weight);
                    }
                }
                for (i, row) in plane.chunks_mut(wo).enumerate() {
                    row.copy_from_slice(&ext[i * wp..i * wp + wo]);
                }
            }
        });
        return Some(tensor(out, g.output_shape()));
    }
    for_rows_mut(&mut out, out_plane, |first, chunk| {
        for (r, plane) in chunk.chunks_mut(out_plane).enumerate() {
            let (n, o) = ((first + r) / g.outputs, (first + r) % g.outputs);
            for c in 0..g.channels {
                let input = &xs[(n * g.channels + c) * in_plane..][..in_plane];
                let taps = &ws[(o * g.channels + c) * g.taps()..][..g.taps()];
                for (t, &weight) in taps.iter().enumerate() {
                    let (p, q) = (t / g.kernel[1], t % g.kernel[1]);
                    g.for_each_row(p, q, |i, a, (lo, hi)| {
                        let out_row = &mut plane[i * wo + lo..i * wo + hi];
                        let in_row = &input[a * g.width..(a + 1) * g.width];
                        let start = lo * g.stride[1] + q - g.begin[1];
                        if g.stride[1] == 1 {
                            for (y, &v) in out_row.iter_mut().zip(&in_row[start..start + (hi - lo)]) {
                                *y += weight * v;
                            }
                        } else {
                            for (k, y) in out_row.iter_mut().enumerate() {
                                *y += weight * in_row[start + k * g.stride[1]];
                            }
                        }
                    });
                }
            }
        }
    });
    Some(tensor(out, g.output_shape()))
}

/// `∂L/∂w` from `x` and the output gradient `dy`, or `None` when the kernel does not apply.
pub(super) fn weight_grad(
    x: &FlexTensor,
    w_shape: &[usize],
    dy: &FlexTensor,
    options: &ConvOptions<2>,
) -> Option<FlexTensor> {
    let g = Geometry::of(&x.shape().to_vec(), w_shape, options)?;
    if dy.shape().to_vec() != g.output_shape() {
        return None;
    }
    let (x, dy) = (f32_values(x)?, f32_values(dy)?);
    let (xs, dys) = (x.as_slice::<f32>()?, dy.as_slice::<f32>()?);
    let (in_plane, out_plane, wo) = (g.in_plane(), g.out_plane(), g.out[1]);
    let per_output = g.channels * g.taps();
    let mut grad = vec![0f32; g.outputs * per_output];
    if g.unit_stride() {
        // dw[o,c,t] = Σ_n ⟨dy on the output grid, the padded input shifted by tap t⟩.
        let (padded, spread) = (g.pad_planes(xs), g.spread_outputs(dys));
        let (grid, len) = (g.grid_plane(), g.grid_out());
        grad.par_chunks_mut(per_output).enumerate().for_each(|(o, row)| {
            for (k, slot) in row.iter_mut().enumerate() {
                let (c, off) = (k / g.taps(), g.grid_offset(k % g.taps()));
                let total: f64 = (0..g.batch)
                    .map(|n| {
                        let dy = &spread[(n * g.outputs + o) * len..][..len];
                        f64::from(dot(dy, &padded[(n * g.channels + c) * grid + off..]))
                    })
                    .sum();
                *slot = total as f32;
            }
        });
        return Some(tensor(grad, w_shape.to_vec()));
    }
    grad.par_chunks_mut(per_output).enumerate().for_each(|(o, row)| {
        for (k, slot) in row.iter_mut().enumerate() {
            let (c, t) = (k / g.taps(), k % g.taps());
            let (p, q) = (t / g.kernel[1], t % g.kernel[1]);
            let mut total = 0f64;
            for n in 0..g.batch {
                let input = &xs[(n * g.channels + c) * in_plane..][..in_plane];
                let grads = &dys[(n * g.outputs + o) * out_plane..][..out_plane];
                g.for_each_row(p, q, |i, a, (lo, hi)| {
                    let dy_row = &grads[i * wo + lo..i * wo + hi];
                    let in_row = &input[a * g.width..(a + 1) * g.width];
                    let start = lo * g.stride[1] + q - g.begin[1];
                    let dot: f32 = if g.stride[1] == 1 {
                        dy_row.iter().zip(&in_row[start..start + (hi - lo)]).map(|(d, v)| d * v).sum()
                    } else {
                        dy_row.iter().enumerate().map(|(j, d)| d * in_row[start + j * g.stride[1]]).sum()
                    };
                    total += f64::from(dot);
                });
            }
            *slot = total as f32;
        }
    });
    Some(tensor(grad, w_shape.to_vec()))
}

/// `∂L/∂x` from `w` and the output gradient `dy`, or `None` when the kernel does not apply.
pub(super) fn input_grad(
    x_shape: &[usize],
    w: &FlexTensor,
    dy: &FlexTensor,
    options: &ConvOptions<2>,
) -> Option<FlexTensor> {
    let g = Geometry::of(x_shape, &w.shape().to_vec(), options)?;
    if dy.shape().to_vec() != g.output_shape() {
        return None;
    }
    let (w, dy) = (f32_values(w)?, f32_values(dy)?);
    let (ws, dys) = (w.as_slice::<f32>()?, dy.as_slice::<f32>()?);
    let (in_plane, out_plane, wo) = (g.in_plane(), g.out_plane(), g.out[1]);
    let mut grad = vec![0f32; g.batch * g.channels * in_plane];
    if g.unit_stride() {
        // The forward's axpys reversed: dy on the output grid added into a padded dx plane,
        // whose interior is ∂L/∂x.
        let spread = g.spread_outputs(dys);
        let (len, wp, width) = (g.grid_out(), g.grid_width(), g.width);
        for_rows_mut(&mut grad, in_plane, |first, chunk| {
            let mut padded = vec![0f32; g.grid_plane()];
            for (r, plane) in chunk.chunks_mut(in_plane).enumerate() {
                let (n, c) = ((first + r) / g.channels, (first + r) % g.channels);
                padded.fill(0.0);
                for o in 0..g.outputs {
                    let dy = &spread[(n * g.outputs + o) * len..][..len];
                    let taps = &ws[(o * g.channels + c) * g.taps()..][..g.taps()];
                    for (t, &weight) in taps.iter().enumerate() {
                        let off = g.grid_offset(t);
                        axpy(&mut padded[off..off + len], dy, weight);
                    }
                }
                for (a, row) in plane.chunks_mut(width).enumerate() {
                    let start = (a + g.begin[0]) * wp + g.begin[1];
                    row.copy_from_slice(&padded[start..start + width]);
                }
            }
        });
        return Some(tensor(grad, x_shape.to_vec()));
    }
    for_rows_mut(&mut grad, in_plane, |first, chunk| {
        for (r, plane) in chunk.chunks_mut(in_plane).enumerate() {
            let (n, c) = ((first + r) / g.channels, (first + r) % g.channels);
            for o in 0..g.outputs {
                let grads = &dys[(n * g.outputs + o) * out_plane..][..out_plane];
                let taps = &ws[(o * g.channels + c) * g.taps()..][..g.taps()];
                for (t, &weight) in taps.iter().enumerate() {
                    let (p, q) = (t / g.kernel[1], t % g.kernel[1]);
                    g.for_each_row(p, q, |i, a, (lo, hi)| {
                        let dy_row = &grads[i * wo + lo..i * wo + hi];
                        let dx_row = &mut plane[a * g.width..(a + 1) * g.width];
                        let start = lo * g.stride[1] + q - g.begin[1];
                        if g.stride[1] == 1 {
                            for (dx, &d) in dx_row[start..start + (hi - lo)].iter_mut().zip(dy_row) {
                                *dx += weight * d;
                            }
                        } else {
                            for (j, &d) in dy_row.iter().enumerate() {
                                dx_row[start + j * g.stride[1]] += weight * d;
                            }
                        }
                    });
                }
            }
        }
    });
    Some(tensor(grad, x_shape.to_vec()))
}
