//! Nauta et al.'s global importances on creatures whose class is one cue: the wing colour alone
//! (hue should matter most) or the head shape alone (shape should). Measured on training and
//! test images separately, as the paper does, to see whether they generalise.

use burn::prelude::Device;
use kiln_core::experiment::{MeanStd, WelchTest, shapiro_wilk, welch_t_test};
use kiln_core::nn::BackboneConfig;
use kiln_core::train::{Phase, Trainer};
use kiln_data::Image;
use kiln_data::procedural::ClassCue;
use kiln_proto::characteristics::{CharacteristicReport, CharacteristicsConfig, global_importance};
use kiln_proto::{ProtoPNet, ProtoPNetConfig, ProtoPNetSchedule};
use serde::Serialize;

use crate::data::{CLASSES, Creatures, SIZE};

/// The six characteristics, in the page's order.
pub const NAMES: [&str; 6] = ["hue", "shape", "texture", "contrast", "saturation", "brightness"];

/// One cue and seed: the model's accuracy, the mean importance of every characteristic over
/// the prototypes on the training and the test images, and the train–test correlation.
#[derive(Debug, Clone, Serialize)]
pub struct CueResult {
    /// `WingColourOnly` or `HeadShapeOnly`.
    pub cue: String,
    /// Seed.
    pub seed: u64,
    /// Test accuracy in `[0, 1]`.
    pub accuracy: f64,
    /// Mean global importance per characteristic (order of [`NAMES`]) on training images.
    pub train: Vec<f64>,
    /// The same on test images.
    pub test: Vec<f64>,
    /// Pearson correlation of the train and test importances over every (prototype,
    /// characteristic) pair.
    pub correlation: f64,
    /// Every prototype's importance per characteristic (order of [`NAMES`]) on training images.
    pub train_by_prototype: Vec<Vec<f64>>,
    /// The same on test images.
    pub test_by_prototype: Vec<Vec<f64>>,
}

/// Creatures, images per set for the importances, and training lengths.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Creatures generated (75% train).
    pub images: usize,
    /// Training and test images whose importances are measured (each set).
    pub measured: usize,
    /// Joint epochs (after one warm-up epoch).
    pub joint_epochs: usize,
}

/// A ProtoPNet trained on `data` (2 prototypes per class of 32 channels on a 16-32-64 CNN, one
/// warm-up epoch, `joint_epochs` joint epochs, no push, as the learning test of
/// `characteristics`).
pub fn train(data: &Creatures, joint_epochs: usize, seed: u64, device: &Device) -> kiln_core::Result<(ProtoPNet, f64)> {
    device.seed(seed);
    let schedule = ProtoPNetSchedule { warm_epochs: 1, joint_epochs, ..ProtoPNetSchedule::small() };
    let phases: Vec<Phase<ProtoPNet>> =
        schedule.phases(data.push_set()).into_iter().filter(|p| p.stage.before_first_push()).collect();
    let model = ProtoPNetConfig::small(CLASSES, 3)
        .with_prototypes_per_class(2)
        .with_prototype_dim(32)
        .with_backbone(BackboneConfig::Cnn { in_channels: 3, channels: vec![16, 32, 64] })
        .init(device);
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let (model, _) = trainer.fit(model, &phases, &data.loader(seed), None)?;
    let accuracy = trainer.evaluate(&model, &data.test_loader())?.accuracy().unwrap_or(0.0);
    Ok((model, accuracy))
}

/// Trains on `cue` with `seed` and measures the importances on both sets.
pub fn run(
    cue: ClassCue,
    setting: Setting,
    seed: u64,
    device: &Device,
) -> Result<CueResult, Box<dyn std::error::Error>> {
    let data = Creatures::new(cue, setting.images, seed)?;
    let (model, accuracy) = train(&data, setting.joint_epochs, seed, device)?;
    let config = CharacteristicsConfig::small(SIZE);
    let images = |set: &[kiln_data::ImageExample]| -> Vec<Image> {
        set.iter().take(setting.measured).map(|e| e.image.clone()).collect()
    };
    let train = global_importance(&model, &images(&data.train), &data.batcher, device, &config)?;
    let test = global_importance(&model, &images(&data.test), &data.batcher, device, &config)?;
    let means = |r: &CharacteristicReport| NAMES.iter().map(|n| r.mean(n).map_or(f64::NAN, f64::from)).collect();
    let pairs = |r: &CharacteristicReport| -> Vec<f64> {
        r.prototypes.iter().flat_map(|p| p.importance.iter().map(|&v| f64::from(v))).collect()
    };
    let by_prototype = |r: &CharacteristicReport| -> Vec<Vec<f64>> {
        NAMES
            .iter()
            .map(|n| {
                let k = r.modifications.iter().position(|m| m.name() == *n);
                r.prototypes
                    .iter()
                    .map(|p| k.and_then(|k| p.importance.get(k)).map_or(f64::NAN, |&v| f64::from(v)))
                    .collect()
            })
            .collect()
    };
    let result = CueResult {
        train_by_prototype: by_prototype(&train),
        test_by_prototype: by_prototype(&test),
        cue: format!("{cue:?}"),
        seed,
        accuracy,
        train: means(&train),
        test: means(&test),
        correlation: pearson(&pairs(&train), &pairs(&test)),
    };
    eprintln!(
        "{} seed {seed}: accuracy {accuracy:.3}, hue {:.3}/{:.3}, shape {:.3}/{:.3} (train/test), r = {:.3}",
        result.cue, result.train[0], result.test[0], result.train[1], result.test[1], result.correlation
    );
    Ok(result)
}

/// Pearson's correlation coefficient (NaN when either side is constant).
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len()) as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

/// Mean ± std of characteristic `k` over the seeds of `cue`, on the test (`test = true`) or
/// training images.
pub fn importance(results: &[CueResult], cue: &str, k: usize, test: bool) -> MeanStd {
    let v: Vec<f64> =
        results.iter().filter(|r| r.cue == cue).map(|r| if test { r.test[k] } else { r.train[k] }).collect();
    MeanStd::of(&v)
}

/// Welch's t-test of train vs test importances of characteristic `k` under `cue`, every
/// prototype of every seed pooled, and the smaller Shapiro–Wilk p-value of the two samples.
pub fn generalisation_test(results: &[CueResult], cue: &str, k: usize) -> Option<(WelchTest, f64)> {
    let pooled = |test: bool| -> Vec<f64> {
        results
            .iter()
            .filter(|r| r.cue == cue)
            .flat_map(|r| if test { &r.test_by_prototype[k] } else { &r.train_by_prototype[k] })
            .copied()
            .collect()
    };
    let (train, test) = (pooled(false), pooled(true));
    let welch = welch_t_test(&train, &test)?;
    let normal = [&train, &test].iter().filter_map(|x| shapiro_wilk(x)).map(|s| s.p).fold(f64::NAN, f64::min);
    Some((welch, normal))
}
