//! [`FitCoupling`]: which GW coupling the `α` fit differentiates through.
//!
//! The official fit (`utils/other_gw.py`, `entropic_gw`) runs a log-domain Sinkhorn at
//! ε = 1e-5 on the half square loss, whose coupling is within rounding of a hard assignment:
//! each outer step jumps to the linear program's vertex. [`FitCoupling::Exact`], the
//! default, takes that ε → 0 limit directly: the Frank–Wolfe coupling of
//! [`exact_gw`](super::gw::exact_gw), at which the envelope gradient is taken.
//! [`FitCoupling::Entropic`] keeps the entropic solver at the config's `epsilon` (5e-3 by
//! default, this crate's earlier choice). On noise-free graphons at r = 24 both fits give
//! the same `α` to 1e-3 (tested; measured ~1e-5); the Frank–Wolfe one needs no ε and no Sinkhorn
//! iterations, and is the official regime.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The coupling of the GW loss that the `α` fit minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FitCoupling {
    /// Frank–Wolfe (exact linear steps), the ε → 0 limit of the official solver. The default.
    #[default]
    Exact,
    /// Entropic GW at the config's `epsilon`, `gw_iterations`, `sinkhorn_iterations`.
    Entropic,
}

/// The serde form of [`FitCoupling`] (as a derived enum).
#[derive(Serialize, Deserialize)]
#[serde(remote = "FitCoupling")]
enum Repr {
    Exact,
    Entropic,
}

/// A [`FitCoupling`] in its serde form, for reading one that may be absent.
#[derive(Deserialize)]
struct Present(#[serde(with = "Repr")] FitCoupling);

impl Serialize for FitCoupling {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        Repr::serialize(self, serializer)
    }
}

/// Reads the derived form; an absent value (a config written before the field existed) or
/// `null` is [`FitCoupling::Exact`], the default.
impl<'de> Deserialize<'de> for FitCoupling {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        Ok(Option::<Present>::deserialize(deserializer)?.map(|p| p.0).unwrap_or_default())
    }
}
