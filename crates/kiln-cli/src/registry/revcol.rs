//! RevCol (Cai et al., ICLR 2023; `kiln_efficient::revcol`) as a `kiln train` image classifier:
//! reversible columns trained with the memory-saving backward, `--columns` of them (default 4,
//! RevCol-T's).
//!
//! The entry implements [`ModelEntry`] itself rather than going through
//! [`Classify`](super::Classify): its network is built by a fallible `RevColConfig::init` (a
//! recorded configuration may be invalid) and its configuration reads a flag of the run
//! (`--columns`), neither of which [`Classifier`](super::Classifier) provides for. Training,
//! evaluation and the run directory are otherwise those of every classifier: `config.json`
//! records the `RevColConfig`, and `kiln eval --checkpoint DIR` rebuilds it.
//!
//! The widths are those of `RevColConfig::small` (the CPU preset: channels 8/16/24/32, one
//! ConvNeXt block per level, no intermediate supervision); the stem's patch and the number of
//! levels are chosen so that the image sides are multiples of `patch · 2^(levels − 1)`
//! ([`config_for`]).

use std::collections::BTreeMap;
use std::path::Path;

use burn::prelude::Device;
use kiln_core::train::{ImageBatch, LrSchedule, Phase, TrainPhase};
use kiln_efficient::revcol::RevColConfig;

use super::ModelEntry;
use super::classify::eval_run;
use crate::artifact::{self, EvalSummary, RunConfig, TrainSummary};
use crate::classify_data::{ClassifyData, Input, prepare};
use crate::error::Result;
use crate::options::{Task, TrainRequest};

/// Columns when `--columns` is not given: RevCol-T's 4.
pub const DEFAULT_COLUMNS: usize = 4;

/// The registry entry of RevCol.
pub struct RevColEntry;

/// The network for images of `data`'s shape and classes with `columns` columns: the small
/// preset's widths, with the most levels (up to 4) and then the largest stem patch (4, 2 or 1)
/// whose `patch · 2^(levels − 1)` divides both image sides (32 px: 4 levels, patch 4; 8 px: 4
/// levels, patch 1).
pub fn config_for(data: &ClassifyData, columns: usize) -> RevColConfig {
    let [channels, height, width] = data.input_shape;
    let small = RevColConfig::small();
    let fits = |levels: usize, patch: usize| {
        let multiple = patch << (levels - 1);
        height.is_multiple_of(multiple) && width.is_multiple_of(multiple)
    };
    let (levels, patch) = (1..=small.channels.len())
        .rev()
        .flat_map(|levels| [4, 2, 1].map(|patch| (levels, patch)))
        .find(|&(levels, patch)| fits(levels, patch))
        .unwrap_or((1, 1));
    RevColConfig::small()
        .with_in_channels(channels)
        .with_num_classes(data.num_classes())
        .with_columns(columns)
        .with_channels(small.channels[..levels].to_vec())
        .with_blocks(small.blocks[..levels].to_vec())
        .with_patch(patch)
}

impl ModelEntry for RevColEntry {
    fn name(&self) -> &'static str {
        "revcol"
    }

    fn about(&self) -> &'static str {
        "RevCol: reversible columns (--columns, default 4), trained without storing activations"
    }

    fn task(&self) -> Task {
        Task::Classify
    }

    fn train(&self, request: &TrainRequest, device: &Device) -> Result<TrainSummary> {
        let options = &request.options;
        let csv = options.task.classify()?;
        let columns = csv.columns.unwrap_or(DEFAULT_COLUMNS);
        // A bad `--columns` is refused before any data is loaded or the run directory touched.
        RevColConfig::new().with_columns(columns).validate()?;
        let (prepared, data) = prepare(&options.data, csv, options.seed)?;
        let config = config_for(&data, columns);
        config.validate()?;
        let run = RunConfig { options: options.clone(), config, data };
        let phase = TrainPhase::new(options.epochs, options.lr).with_schedule(LrSchedule::Cosine { min_factor: 0.01 });
        let sources = ImageBatch::sources(self.name(), prepared, options.batch_size, options.seed)?;
        let trainer = artifact::start_run(request, device, &run)?;
        let model = run.config.init(device)?;
        let phases = [Phase::train("train", phase)];
        let (model, report) = trainer.fit(model, &phases, sources.train.as_ref(), Some(sources.valid.as_ref()))?;
        let test = trainer.evaluate(&model, sources.test.as_ref())?;
        artifact::finish_run(request, &model, report, test, BTreeMap::new())
    }

    fn eval(&self, run_dir: &Path, device: &Device) -> Result<EvalSummary> {
        eval_run::<ImageBatch, RevColConfig, _>(self.name(), run_dir, device, |config, device| Ok(config.init(device)?))
    }
}
