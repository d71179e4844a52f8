//! `kiln extract`: one subnet of a `kiln search` run as a standalone model run, which
//! `kiln eval` (through the registry's `ofa-subnet` entry) loads like any other.
//!
//! The subnet is a member of the run's Pareto front, by its `index` in `pareto.csv`
//! ([`Pick::Index`]) or the most accurate member within a MAC budget ([`Pick::Macs`]), or, for
//! a SortedNet or ShiftNAS run, the training method's own choice for a budget without search
//! ([`Pick::SearchFree`]: the largest nested sub-model within it, the generator's subnet); its
//! batch-norm statistics are recalibrated on the training split (OFA's `set_running_statistics`),
//! and it is optionally fine-tuned for `epochs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use burn::prelude::Device;
use kiln_core::train::{Phase, TrainPhase};
use kiln_nas::ofa::{OfaConfig, SubnetConfig, subnet_macs, subnet_params};
use kiln_nas::search::SearchTrace;
use serde::{Deserialize, Serialize};

use crate::artifact::{self, RunConfig, TrainSummary, read_json};
use crate::error::{CliError, Result};
use crate::options::{ClassifyOptions, TaskOptions, TrainOptions, TrainRequest};
use crate::search::reload_search;
use crate::trained::TrainedSupernet;

/// The registry name of an extracted subnet.
pub const SUBNET_MODEL: &str = "ofa-subnet";

/// Which front member to extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The member with this `index` in `pareto.csv`.
    Index(usize),
    /// The most accurate member (without an accuracy objective: the one with the most MACs)
    /// of at most this many MACs.
    Macs(u64),
    /// The training method's own choice within this many MACs, without search (SortedNet,
    /// ShiftNAS; see [`TrainedSupernet::budget_choice`]).
    SearchFree(u64),
}

/// `config.json`'s model part of an extracted subnet: the supernet and the subnet in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubnetRecord {
    /// The supernet's configuration.
    pub supernet: OfaConfig,
    /// The subnet.
    pub subnet: SubnetConfig,
}

/// Options of `kiln extract`.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// The `kiln search` run.
    pub run: PathBuf,
    /// Which member.
    pub pick: Pick,
    /// Fine-tuning epochs after BN recalibration (0 for none).
    pub epochs: usize,
    /// Fine-tuning learning rate.
    pub lr: f64,
    /// The new run directory.
    pub out: PathBuf,
    /// Progress output.
    pub progress: bool,
}

/// The front member `pick` chooses, with its MACs.
pub fn choose(trace: &SearchTrace, config: &OfaConfig, pick: Pick, run: &Path) -> Result<(SubnetConfig, u64)> {
    let front = trace.front()?;
    let members: Vec<(SubnetConfig, u64, Option<f64>)> = front
        .iter()
        .map(|&i| {
            let (genes, values) = &trace.evaluations[i];
            let subnet = SubnetConfig::decode(genes, config);
            let accuracy = trace.objectives.iter().position(|o| o.name == "accuracy").map(|a| values[a]);
            let macs = subnet_macs(config, &subnet);
            (subnet, macs, accuracy)
        })
        .collect();
    match pick {
        Pick::Index(n) => members.get(n).map(|(s, m, _)| (s.clone(), *m)).ok_or_else(|| {
            CliError::Usage(format!(
                "--pick {n}: the front of {} has {} members (indices 0 to {})",
                run.display(),
                members.len(),
                members.len().saturating_sub(1)
            ))
        }),
        Pick::Macs(budget) => {
            let best = members.iter().filter(|(_, m, _)| *m <= budget).max_by(|a, b| {
                let key = |x: &(SubnetConfig, u64, Option<f64>)| (x.2.unwrap_or(0.0), x.1);
                key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal)
            });
            best.map(|(s, m, _)| (s.clone(), *m)).ok_or_else(|| {
                let smallest = members.iter().map(|(_, m, _)| *m).min().unwrap_or(0);
                CliError::Usage(format!(
                    "--macs {budget}: below the smallest subnet on the front of {} ({smallest} MACs)",
                    run.display()
                ))
            })
        }
        Pick::SearchFree(_) => Err(CliError::Usage("a search-free choice is not a front member".into())),
    }
}

/// Extracts, recalibrates, optionally fine-tunes and writes the subnet's run.
pub fn extract(options: &ExtractOptions, device: &Device) -> Result<(TrainSummary, SubnetConfig, u64)> {
    let (record, data) = reload_search(&options.run)?;
    let trained = TrainedSupernet::load(&record, &options.run, device)?;
    let (subnet, macs) = if let Pick::SearchFree(budget) = options.pick {
        let subnet = trained.budget_choice(&record, budget, &options.run)?;
        let macs = subnet_macs(&record.config, &subnet);
        (subnet, macs)
    } else {
        let trace: SearchTrace = read_json(&options.run.join("trace.json"))?;
        choose(&trace, &record.config, options.pick, &options.run)?
    };
    let supernet = trained.source().weights_for(&subnet).recalibrate_bn(&subnet, &data.train, 10, device)?;
    let model = supernet.extract(&subnet);
    let train = TrainOptions {
        model: SUBNET_MODEL.into(),
        data: record.options.data.clone(),
        epochs: options.epochs,
        lr: options.lr,
        batch_size: 64,
        seed: record.options.seed,
        task: TaskOptions::Classify(ClassifyOptions::default()),
    };
    let run = RunConfig {
        options: train.clone(),
        config: SubnetRecord { supernet: record.config.clone(), subnet: subnet.clone() },
        data: record.data,
    };
    let request = TrainRequest { progress: options.progress, ..TrainRequest::new(train, &options.out) };
    let trainer = artifact::start_run(&request, device, &run)?;
    let phases = [Phase::train("fine_tune", TrainPhase::new(options.epochs, options.lr))];
    let (model, report) = trainer.fit(model, &phases, &data.train, Some(&data.valid))?;
    let test = trainer.evaluate(&model, &data.test)?;
    let metrics = BTreeMap::from([
        ("macs".to_string(), macs as f64),
        ("params".to_string(), subnet_params(&record.config, &subnet) as f64),
    ]);
    let summary = artifact::finish_run(&request, &model, report, test, metrics)?;
    Ok((summary, subnet, macs))
}
