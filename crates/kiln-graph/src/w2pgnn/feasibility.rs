//! The feasibility `ζ = −GW(Σ α_i B_i, Ŵ_down)` of pre-training, with the mixture weights `α`
//! fitted by Adam on the GW loss at the coupling [`W2pgnnConfig::fit_coupling`] chooses.

use super::basis::{BasisKind, basis, check_domains, estimate};
use super::config::W2pgnnConfig;
use super::coupling::FitCoupling;
use super::graphon::Graphon;
use super::gw::{GwSolution, entropic_gw, exact_gw, gw_gradient};
use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// The fitted weights of one basis.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaFit {
    /// `α = softmax(logits)` with the lowest GW loss seen at the fit's coupling.
    pub alpha: Vec<f64>,
    /// That loss `⟨L ⊗ T, T⟩` at the fit's coupling.
    pub loss: f64,
    /// Adam steps run.
    pub steps: usize,
}

/// The feasibility of one basis kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The basis kind.
    pub basis: BasisKind,
    /// `ζ = −GW_exact(Σ α_i B_i, Ŵ_down)`.
    pub zeta: f64,
    /// The fitted weights.
    pub alpha: Vec<f64>,
}

/// The feasibility: the best basis kind's `ζ` and `α`, and every kind tried.
#[derive(Debug, Clone, PartialEq)]
pub struct Feasibility {
    /// The largest `ζ` (closest to 0 is most feasible).
    pub zeta: f64,
    /// The winning kind's weights.
    pub alpha: Vec<f64>,
    /// The winning kind.
    pub basis: BasisKind,
    /// Every kind tried, in the order integrated, domain (with ≥ 2 domains), topological.
    pub candidates: Vec<Candidate>,
}

/// `softmax(θ)`.
pub fn softmax(logits: &[f64]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = logits.iter().map(|l| (l - max).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|x| x / s).collect()
}

/// The GW between `W = Σ α_i B_i` and `down` at the coupling `cfg.fit_coupling` chooses
/// (Frank–Wolfe or entropic), and its gradient with respect to `α` by the envelope theorem
/// (coupling `T` fixed at the solver's optimum):
///
/// `∂GW/∂α_i = ⟨∂GW/∂W, B_i⟩ = Σ_ik 2 (W_ik/r² − (T D Tᵀ)_ik) B_i,ik`
///
/// with `D = Ŵ_down` and `p = 1/r` ([`gw_gradient`]). With the entropic coupling it is the
/// exact derivative of the objective `⟨L ⊗ T, T⟩ + ε Σ T log T` (returned as `objective`) at a
/// stationary `T`; with Frank–Wolfe's, of the loss wherever the local optimum moves smoothly
/// with `α`.
pub fn mixture_gradient(
    bases: &[Graphon],
    alpha: &[f64],
    down: &Graphon,
    cfg: &W2pgnnConfig,
) -> Result<(GwSolution, Vec<f64>)> {
    let w = Graphon::mixture(bases, alpha)?;
    let sol = match cfg.fit_coupling {
        FitCoupling::Exact if w.r == down.r => exact_gw(&w.values, &down.values, w.r, cfg.exact_iterations)?,
        FitCoupling::Exact => {
            return Err(GraphError::Invalid(format!(
                "W2PGNN: the Frank–Wolfe coupling needs equal resolutions, got {} and {}",
                w.r, down.r
            )));
        }
        FitCoupling::Entropic => {
            entropic_gw(&w.values, w.r, &down.values, down.r, cfg.epsilon, cfg.gw_iterations, cfg.sinkhorn_iterations)?
        }
    };
    let g = gw_gradient(&w.values, w.r, &down.values, down.r, &sol.coupling)?;
    let grad = bases.iter().map(|b| b.values.iter().zip(&g).map(|(x, y)| x * y).sum()).collect();
    Ok((sol, grad))
}

/// Fits `α = softmax(θ)`, `θ = 0` at the start, by Adam (`lr`, `(β₁, β₂)`, L2 `weight_decay`
/// added to the gradient as `torch.optim.Adam`) on the GW loss, the logit gradient
/// `∂/∂θ_i = α_i (g_i − Σ_j α_j g_j)` from [`mixture_gradient`]; at most `epochs` steps,
/// stopping once the loss has risen `rises` times after step `min_epochs`. Returns the `α`
/// with the lowest loss seen. One basis: `α = [1]`, no step.
pub fn fit_alpha(bases: &[Graphon], down: &Graphon, cfg: &W2pgnnConfig) -> Result<AlphaFit> {
    cfg.validate()?;
    if bases.is_empty() {
        return Err(GraphError::Invalid("W2PGNN: no basis graphon".into()));
    }
    if bases.iter().any(|b| b.r != down.r) {
        return Err(GraphError::Invalid("W2PGNN: bases and downstream graphon differ in resolution".into()));
    }
    let k = bases.len();
    if k == 1 {
        let (sol, _) = mixture_gradient(bases, &[1.0], down, cfg)?;
        return Ok(AlphaFit { alpha: vec![1.0], loss: sol.loss, steps: 0 });
    }
    let (mut theta, mut m, mut v) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    let mut best = AlphaFit { alpha: softmax(&theta), loss: f64::INFINITY, steps: 0 };
    let (mut prev, mut rises) = (f64::INFINITY, 0);
    for step in 1..=cfg.epochs {
        let alpha = softmax(&theta);
        let (sol, g) = mixture_gradient(bases, &alpha, down, cfg)?;
        if sol.loss < best.loss {
            (best.alpha, best.loss) = (alpha.clone(), sol.loss);
        }
        best.steps = step;
        if step > cfg.min_epochs && sol.loss > prev {
            rises += 1;
            if rises >= cfg.rises {
                break;
            }
        }
        prev = sol.loss;
        let mean: f64 = alpha.iter().zip(&g).map(|(a, g)| a * g).sum();
        let (c1, c2) = (1.0 - cfg.beta1.powi(step as i32), 1.0 - cfg.beta2.powi(step as i32));
        for i in 0..k {
            let grad = alpha[i] * (g[i] - mean) + cfg.weight_decay * theta[i];
            m[i] = cfg.beta1 * m[i] + (1.0 - cfg.beta1) * grad;
            v[i] = cfg.beta2 * v[i] + (1.0 - cfg.beta2) * grad * grad;
            theta[i] -= cfg.lr * (m[i] / c1) / ((v[i] / c2).sqrt() + 1e-8);
        }
    }
    Ok(best)
}

/// The feasibility of pre-training on `pre` (graphs grouped by domain) for `down`: for each
/// basis kind (integrated; per domain when there are at least two domains; topological),
/// fit `α` ([`fit_alpha`]) and score `ζ = −GW_exact(Σ α_i B_i, Ŵ_down)` ([`exact_gw`]);
/// the kind with the largest `ζ` wins. Errors on an invalid config, no domain, an empty
/// domain or an empty downstream set.
pub fn feasibility(pre: &[Vec<Graph>], down: &[Graph], cfg: &W2pgnnConfig) -> Result<Feasibility> {
    cfg.validate()?;
    check_domains(pre)?;
    if down.is_empty() {
        return Err(GraphError::Invalid("W2PGNN: the downstream graph set is empty".into()));
    }
    let target = estimate(down, cfg)?;
    let mut kinds = vec![BasisKind::Integrated];
    if pre.len() >= 2 {
        kinds.push(BasisKind::Domain);
    }
    kinds.push(BasisKind::Topological);
    let mut candidates = Vec::new();
    for kind in kinds {
        let bases = basis(kind, pre, cfg)?;
        let fit = fit_alpha(&bases, &target, cfg)?;
        let w = Graphon::mixture(&bases, &fit.alpha)?;
        let gw = exact_gw(&w.values, &target.values, w.r, cfg.exact_iterations)?;
        candidates.push(Candidate { basis: kind, zeta: -gw.loss, alpha: fit.alpha });
    }
    let best = candidates
        .iter()
        .max_by(|a, b| a.zeta.total_cmp(&b.zeta))
        .cloned()
        .ok_or_else(|| GraphError::Invalid("W2PGNN: no basis".into()))?;
    Ok(Feasibility { zeta: best.zeta, alpha: best.alpha, basis: best.basis, candidates })
}
