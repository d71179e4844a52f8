//! ST-ProtoPNet (Wang et al., ICCV 2023), checked against cwangrun/ST-ProtoPNet (cropped
//! variant).
//!
//! - [`StProtoPNetConfig`]: the official defaults and a small preset.
//! - [`StProtoPNet`]: shared backbone, a trivial and a support prototype branch, each with
//!   `Conv1×1–Tanh–Conv1×1–Tanh` add-on layers, prototypes kept at unit length, and a last
//!   layer on the max-pooled projection similarities; fused logits are their sum.
//! - [`loss`]: cluster, separation, closeness, discrimination and orthogonality costs, with
//!   the official alternation between the two branches' losses.
//! - `explain`: [`StProtoPNet::explain`], "this looks like that" over both prototype sets;
//! - [`push()`]: projection onto the most similar own-class patch;
//!   [`mean_distance_to_other_class`]: the boundary claim, measurable.
//!
//! - [`StProtoPNetSchedule`]: the official cropped schedule (warm-up, joint, push, last layer,
//!   joint again after push) as engine phases.

mod config;
mod explain;
pub mod loss;
mod model;
mod push;
mod schedule;

use std::sync::Arc;

use kiln_core::train::{Action, ActionContext};

pub use config::StProtoPNetConfig;
pub use model::{
    BranchOutput, PrototypeBranch, StProtoPNet, StProtoPNetOutput, TanhAddOn, normalize_rows, renormalized,
};
pub use push::{StPushReport, mean_distance_to_other_class, push};
pub use schedule::StProtoPNetSchedule;

use crate::push_set::PushSet;

/// ST-ProtoPNet's push as an engine action; writes `<run>/push/phase-NN.json`.
pub fn push_action(push_set: PushSet) -> Action<StProtoPNet> {
    Arc::new(move |model: StProtoPNet, ctx: &ActionContext<'_>| {
        let (model, report) = push(model, &push_set, ctx.device);
        if let Some(dir) = ctx.run_dir {
            crate::schedule::write_report(&dir.join("push"), &format!("phase-{:02}.json", ctx.phase_index), &report)?;
        }
        Ok(model)
    })
}
