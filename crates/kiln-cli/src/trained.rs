//! The supernet a `kiln search` run trained, as the search and `kiln extract` see it: its
//! weights in `supernet.bpk` (saved and loaded by the training method recorded in
//! `search.json`), the OFA supernet holding each subnet's weights, and the training method's
//! own search-free choice for a MAC budget.

use std::path::Path;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::train::checkpoint::load_weights;
use kiln_nas::mos::MosSupernet;
use kiln_nas::ofa::{OfaSupernet, SubnetConfig, SubnetSource};
use kiln_nas::shiftnas::ShiftNasModel;
use kiln_nas::sortednet::{SortedSubmodel, largest_within};

use crate::error::{CliError, Result};
use crate::search::{SEARCH_FILE, SUPERNET_FILE, SearchRecord, SupernetTraining, usage};

/// The supernet a search trained: an OFA supernet, a Mixture-of-Supernets around one, or a
/// ShiftNAS model holding one.
#[derive(Debug)]
pub enum TrainedSupernet {
    /// Every training method but MoS.
    Ofa(OfaSupernet),
    /// `--training mos`.
    Mixture(MosSupernet),
    /// `--training shiftnas`: the supernet with its architecture generator and shifted bin
    /// probabilities, so the generator's choice for a budget can be asked again later.
    Shift(Box<ShiftNasModel>),
}

impl TrainedSupernet {
    /// The supernet as the search and `kiln extract` see it: for each subnet, the OFA
    /// supernet holding its weights.
    pub fn source(&self) -> &dyn SubnetSource {
        match self {
            Self::Ofa(s) => s,
            Self::Mixture(s) => s,
            Self::Shift(m) => &m.supernet,
        }
    }

    /// Writes the weights to `path` (burnpack).
    ///
    /// # Errors
    /// A checkpoint error naming the file.
    pub fn save(&self, path: &Path) -> Result<()> {
        let saved = match self {
            Self::Ofa(s) => s.clone().save_file(path),
            Self::Mixture(s) => s.clone().save_file(path),
            Self::Shift(m) => (**m).clone().save_file(path),
        };
        saved.map_err(|e| kiln_core::CoreError::Checkpoint { path: path.to_path_buf(), message: format!("{e:?}") })?;
        Ok(())
    }

    /// The supernet of the search run `run` described by `record`, its weights loaded.
    ///
    /// # Errors
    /// A missing or mismatched checkpoint (naming the file), or MoS settings the space refuses.
    pub fn load(record: &SearchRecord, run: &Path, device: &Device) -> Result<Self> {
        let weights = run.join(SUPERNET_FILE);
        Ok(match (record.options.training, &record.mos, &record.shiftnas) {
            (SupernetTraining::Mos, Some(mos), _) => {
                Self::Mixture(load_weights(&weights, mos.init(&record.config, device).map_err(usage)?)?)
            }
            (SupernetTraining::Mos, None, _) => {
                return Err(CliError::Usage(format!(
                    "{}: a --training mos search without its MoS settings",
                    run.join(SEARCH_FILE).display()
                )));
            }
            (SupernetTraining::Shiftnas, _, Some(shift)) => {
                Self::Shift(Box::new(load_weights(&weights, shift.init(device).map_err(usage)?)?))
            }
            // Everything else, and ShiftNAS runs written before the generator was saved.
            _ => Self::Ofa(load_weights(&weights, record.config.init(device))?),
        })
    }

    /// The training method's own subnet for a MAC budget, found without search: SortedNet's
    /// largest nested sub-model within it, or the ShiftNAS generator's choice.
    ///
    /// # Errors
    /// A usage error naming the budget when it is below the smallest choice, when the run's
    /// training method has no search-free choice, or when a ShiftNAS run was saved without its
    /// generator (`run` names the directory).
    pub fn budget_choice(&self, record: &SearchRecord, macs: u64, run: &Path) -> Result<SubnetConfig> {
        let config = &record.config;
        match (record.options.training, self) {
            (SupernetTraining::Sorted, _) => {
                largest_within(config, macs).map(|b| b.to_subnet(config)).ok_or_else(|| {
                    let smallest = SortedSubmodel::smallest(config).map_or(0, |b| b.macs(config));
                    CliError::Usage(format!("--macs {macs}: below the smallest SortedNet sub-model ({smallest} MACs)"))
                })
            }
            (SupernetTraining::Shiftnas, Self::Shift(model)) => model.for_budget(macs).map_err(usage),
            (SupernetTraining::Shiftnas, _) => Err(CliError::Usage(format!(
                "{}: this ShiftNAS run was saved without its generator; search again to choose without search",
                run.display()
            ))),
            (training, _) => Err(CliError::Usage(format!(
                "--search-free: only --training sorted or shiftnas chooses a subnet for a budget without searching (this run: {training:?})"
            ))),
        }
    }
}
