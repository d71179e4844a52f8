//! Growth (MixtureGrowth §3.2): two trained half-width seeds become one full-width network.
//!
//! Every layer's weight becomes `[[W₀, W₂], [W₃, W₁]]`: the seeds on the diagonal (their
//! templates and coefficients as learned) and two new blocks mixing the *existing* template
//! sets 0 and 1 with new coefficients `α₂`, `α₃` ([`GrowInit`]). The stem stacks the seeds'
//! outputs, the classifier adds their logits, BatchNorms are concatenated. With `α₂ = α₃ = 0`
//! the grown network computes exactly the sum of the two seeds' logits (eval mode).
//!
//! [`MixtureGrowth::net2net`] is the function-preserving widening baseline (Chen et al., ICLR
//! 2016, official `models/net2net.py`) of a single seed in the same grown layout.

use burn::module::{Param, RunningState};
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::prelude::{Tensor, TensorData};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::MixtureGrowthError;
use super::model::{NetworkForm, TemplateWrn, WrnBlock};
use super::template::{BlockLayout, TemplateConv2d, TemplateLinear, TemplateMixing};
use super::train::MixtureGrowth;
use crate::linalg::smallest_right_singular_vector;

/// How the off-diagonal coefficients `α₂`, `α₃` start (official `--coefs_growing`), each
/// scaled by `coefs_noise_growing` (`s`, 1.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum GrowInit {
    /// `α_m = s · v_min([α₀; …; α_{m−1}])`: the unit right-singular vector of the smallest
    /// singular value of the stacked earlier coefficients, the direction of template space they
    /// cover least (the paper's default).
    #[default]
    Orthogonal,
    /// `α₂ = α₀ + s·u/‖u‖`, `α₃ = α₁ + s·u/‖u‖`, `u ~ U[0, 1)^T` (one `u` per layer).
    Copy,
    /// `α₂ = α₃ = 0`: the grown network starts as the sum of the seeds.
    Zero,
    /// `α_m = s · u_m`, `u_m ~ U[0, 1)^T`.
    Random,
}

/// The host values of a coefficient vector.
fn read(c: &Param<Tensor<1>>) -> Result<Vec<f64>, MixtureGrowthError> {
    let v = kiln_core::tensor::try_to_vec(c.val()).map_err(|e| MixtureGrowthError::TensorRead(e.to_string()))?;
    Ok(v.into_iter().map(f64::from).collect())
}

fn unit_uniform(rng: &mut impl Rng, n: usize) -> Vec<f64> {
    let u: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
    let norm = u.iter().map(|x| x * x).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
    u.into_iter().map(|x| x / norm).collect()
}

/// The new coefficients `(α₂, α₃)` of a diagonal layer from the seeds' `α₀`, `α₁`.
///
/// # Errors
/// [`MixtureGrowthError::SeedMismatch`] when the vectors differ in length.
pub fn new_coefficients(
    c0: &[f64],
    c1: &[f64],
    init: GrowInit,
    scale: f64,
    rng: &mut impl Rng,
) -> Result<(Vec<f64>, Vec<f64>), MixtureGrowthError> {
    let t = c0.len();
    if c1.len() != t || t == 0 {
        return Err(MixtureGrowthError::SeedMismatch(format!("coefficient lengths {} and {}", t, c1.len())));
    }
    let scaled = |v: Vec<f64>| v.into_iter().map(|x| x * scale).collect::<Vec<_>>();
    Ok(match init {
        GrowInit::Orthogonal => {
            let svd = |rows: &[Vec<f64>]| {
                smallest_right_singular_vector(rows)
                    .ok_or_else(|| MixtureGrowthError::SeedMismatch("empty coefficients".into()))
            };
            let c2 = scaled(svd(&[c0.to_vec(), c1.to_vec()])?);
            let c3 = scaled(svd(&[c0.to_vec(), c1.to_vec(), c2.clone()])?);
            (c2, c3)
        }
        GrowInit::Copy => {
            let u = scaled(unit_uniform(rng, t));
            (c0.iter().zip(&u).map(|(a, b)| a + b).collect(), c1.iter().zip(&u).map(|(a, b)| a + b).collect())
        }
        GrowInit::Zero => (vec![0.0; t], vec![0.0; t]),
        GrowInit::Random => {
            let mut draw = || scaled((0..t).map(|_| rng.random::<f64>()).collect());
            let c2 = draw();
            (c2, draw())
        }
    })
}

fn tensor1(values: &[f64], like: &Tensor<1>) -> Tensor<1> {
    let data: Vec<f32> = values.iter().map(|&x| x as f32).collect();
    Tensor::from_data(TensorData::new(data, [values.len()]), &like.device())
}

fn check_single(a: &TemplateMixing, b: &TemplateMixing, what: &str) -> Result<(), MixtureGrowthError> {
    if a.layout != BlockLayout::Single || b.layout != BlockLayout::Single {
        return Err(MixtureGrowthError::NotASeed(what.to_string()));
    }
    if a.template_sets[0].dims() != b.template_sets[0].dims() {
        let (x, y) = (a.template_sets[0].dims(), b.template_sets[0].dims());
        return Err(MixtureGrowthError::SeedMismatch(format!("{what}: templates {x:?} vs {y:?}")));
    }
    Ok(())
}

/// How one grown layer is made from the seeds' layers.
struct Grower<'a, R: Rng> {
    init: GrowInit,
    scale: f64,
    rng: &'a mut R,
}

impl<R: Rng> Grower<'_, R> {
    fn mixing(
        &mut self,
        a: &TemplateMixing,
        b: &TemplateMixing,
        layout: BlockLayout,
        what: &str,
    ) -> Result<TemplateMixing, MixtureGrowthError> {
        check_single(a, b, what)?;
        let sets = vec![a.template_sets[0].val(), b.template_sets[0].val()];
        let (ca, cb) = (a.coefficients[0].val(), b.coefficients[0].val());
        let mut coefficients = vec![ca.clone(), cb];
        if layout == BlockLayout::Diagonal {
            let (c0, c1) = (read(&a.coefficients[0])?, read(&b.coefficients[0])?);
            let (c2, c3) = new_coefficients(&c0, &c1, self.init, self.scale, &mut *self.rng)?;
            coefficients.push(tensor1(&c2, &ca));
            coefficients.push(tensor1(&c3, &ca));
        }
        Ok(TemplateMixing::from_parts(sets, coefficients, layout))
    }

    fn conv(
        &mut self,
        a: &TemplateConv2d,
        b: &TemplateConv2d,
        layout: BlockLayout,
        what: &str,
    ) -> Result<TemplateConv2d, MixtureGrowthError> {
        Ok(TemplateConv2d {
            mixing: self.mixing(&a.mixing, &b.mixing, layout, what)?,
            kernel: a.kernel,
            stride: a.stride,
            padding: a.padding,
        })
    }
}

/// `[a; b]`: a BatchNorm over both seeds' channels, statistics and affine parameters kept.
pub fn concat_norms(a: &BatchNorm, b: &BatchNorm) -> BatchNorm {
    let n = a.gamma.dims()[0] + b.gamma.dims()[0];
    let device = a.gamma.val().device();
    let mut out = BatchNormConfig::new(n).with_epsilon(a.epsilon).with_momentum(a.momentum).init(&device);
    out.gamma = Param::from_tensor(Tensor::cat(vec![a.gamma.val(), b.gamma.val()], 0));
    out.beta = Param::from_tensor(Tensor::cat(vec![a.beta.val(), b.beta.val()], 0));
    out.running_mean = RunningState::new(Tensor::cat(vec![a.running_mean.value(), b.running_mean.value()], 0));
    out.running_var = RunningState::new(Tensor::cat(vec![a.running_var.value(), b.running_var.value()], 0));
    out
}

fn opt_pair<T>(a: &Option<T>, b: &Option<T>, what: &str) -> Result<Option<(T, T)>, MixtureGrowthError>
where
    T: Clone,
{
    match (a, b) {
        (Some(a), Some(b)) => Ok(Some((a.clone(), b.clone()))),
        (None, None) => Ok(None),
        _ => Err(MixtureGrowthError::SeedMismatch(format!("{what} present in one seed only"))),
    }
}

impl MixtureGrowth {
    /// Grows two trained seeds into the full-width network with new coefficients scaled by 1
    /// (`coefs_noise_growing`) and random draws (for `Copy`, `Random`) from stream 0.
    ///
    /// # Errors
    /// [`MixtureGrowthError::NotASeed`] or [`MixtureGrowthError::SeedMismatch`] when the two
    /// networks are not seeds of one configuration; [`MixtureGrowthError::TensorRead`] when a
    /// coefficient cannot be read back.
    pub fn grow(seeds: [&TemplateWrn; 2], init: GrowInit) -> Result<TemplateWrn, MixtureGrowthError> {
        Self::grow_with(seeds, init, 1.0, 0)
    }

    /// [`MixtureGrowth::grow`] with the coefficient scale `s` and the seed of the random draws.
    ///
    /// # Errors
    /// As [`MixtureGrowth::grow`].
    pub fn grow_with(
        seeds: [&TemplateWrn; 2],
        init: GrowInit,
        scale: f64,
        seed: u64,
    ) -> Result<TemplateWrn, MixtureGrowthError> {
        let [a, b] = seeds;
        if a.form != NetworkForm::Seed || b.form != NetworkForm::Seed {
            return Err(MixtureGrowthError::NotASeed(format!("networks are {:?} and {:?}", a.form, b.form)));
        }
        if a.blocks.len() != b.blocks.len() {
            return Err(MixtureGrowthError::SeedMismatch(format!("{} vs {} blocks", a.blocks.len(), b.blocks.len())));
        }
        let mut rng = kiln_core::seed::rng(seed, 0);
        let mut g = Grower { init, scale, rng: &mut rng };
        let stem = g.conv(&a.stem, &b.stem, BlockLayout::Rows, "stem")?;
        let mut blocks = Vec::new();
        for (i, (x, y)) in a.blocks.iter().zip(&b.blocks).enumerate() {
            let shortcut = match opt_pair(&x.shortcut.as_ref(), &y.shortcut.as_ref(), "shortcut")? {
                Some((p, q)) => Some(g.conv(p, q, BlockLayout::Diagonal, &format!("block {i} shortcut"))?),
                None => None,
            };
            let norm2 = opt_pair(&x.norm2.as_ref(), &y.norm2.as_ref(), "norm2")?.map(|(p, q)| concat_norms(p, q));
            blocks.push(WrnBlock {
                norm1: concat_norms(&x.norm1, &y.norm1),
                conv1: g.conv(&x.conv1, &y.conv1, BlockLayout::Diagonal, &format!("block {i} conv1"))?,
                norm2,
                conv2: g.conv(&x.conv2, &y.conv2, BlockLayout::Diagonal, &format!("block {i} conv2"))?,
                shortcut,
            });
        }
        let classifier = TemplateLinear {
            mixing: g.mixing(&a.classifier.mixing, &b.classifier.mixing, BlockLayout::Columns, "classifier")?,
        };
        Ok(TemplateWrn {
            stem,
            blocks,
            last_norm: concat_norms(&a.last_norm, &b.last_norm),
            classifier,
            form: NetworkForm::Grown,
        })
    }

    /// Net2Net's function-preserving widening of one seed, in the grown layout: every channel
    /// is duplicated (both template sets are copies of the seed's), incoming blocks of
    /// duplicated inputs are halved (`α₀ = α₁ = α₂ = α₃ = α/2`; the classifier's `α/2`), the
    /// stem's duplicated outputs keep `α`, BatchNorms are duplicated. The grown network
    /// computes exactly the seed's logits.
    ///
    /// # Errors
    /// [`MixtureGrowthError::NotASeed`] when `seed` is not a seed.
    pub fn net2net(seed: &TemplateWrn) -> Result<TemplateWrn, MixtureGrowthError> {
        if seed.form != NetworkForm::Seed {
            return Err(MixtureGrowthError::NotASeed(format!("network is {:?}", seed.form)));
        }
        let widen = |m: &TemplateMixing, layout: BlockLayout| {
            let set = m.template_sets[0].val();
            let c = m.coefficients[0].val();
            let coefficients = match layout {
                BlockLayout::Rows => vec![c.clone(), c],
                _ => vec![c.clone().mul_scalar(0.5); layout.members()],
            };
            TemplateMixing::from_parts(vec![set.clone(), set], coefficients, layout)
        };
        let conv = |c: &TemplateConv2d, layout| TemplateConv2d {
            mixing: widen(&c.mixing, layout),
            kernel: c.kernel,
            stride: c.stride,
            padding: c.padding,
        };
        let blocks = seed
            .blocks
            .iter()
            .map(|b| WrnBlock {
                norm1: concat_norms(&b.norm1, &b.norm1),
                conv1: conv(&b.conv1, BlockLayout::Diagonal),
                norm2: b.norm2.as_ref().map(|n| concat_norms(n, n)),
                conv2: conv(&b.conv2, BlockLayout::Diagonal),
                shortcut: b.shortcut.as_ref().map(|s| conv(s, BlockLayout::Diagonal)),
            })
            .collect();
        Ok(TemplateWrn {
            stem: conv(&seed.stem, BlockLayout::Rows),
            blocks,
            last_norm: concat_norms(&seed.last_norm, &seed.last_norm),
            classifier: TemplateLinear { mixing: widen(&seed.classifier.mixing, BlockLayout::Columns) },
            form: NetworkForm::Grown,
        })
    }
}
