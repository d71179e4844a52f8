//! Deep CBC against a small ProtoPNet on the procedural part images: the same images and the
//! same number of epochs, both from random weights; test accuracy, how much of each class's
//! reasoning is negative, how many components a test image detects.

use burn::prelude::Device;
use kiln_core::experiment::{MeanStd, ResultsPage, Table};
use kiln_core::nn::BackboneConfig;
use kiln_core::tensor::try_to_vec;
use kiln_core::train::{TrainModel, Trainer};
use kiln_data::procedural::{PartImage, ProceduralConfig, generate};
use kiln_data::{Batcher, DataLoader, ImageBatch, ImageBatcher, ImageExample, Normalize, split};
use kiln_proto::deep_cbc::{DeepCbc, DeepCbcConfig, DeepCbcTraining};
use kiln_proto::render::save_png;
use kiln_proto::{ProtoPNetConfig, ProtoPNetSchedule, PushSet};
use serde::Serialize;

use crate::compare::Relation;
use crate::deep_pictures::{Reasoning, component_panel, reasoning_matrix};

/// Sizes and schedules of the deep section.
#[derive(Debug, Clone)]
pub struct DeepSettings {
    /// Procedural classes (head shape × wing colour).
    pub classes: usize,
    /// Image side in pixels.
    pub image_size: usize,
    /// Images generated per seed (80% train, 20% test).
    pub images: usize,
    /// ProtoPNet's schedule (one push round).
    pub schedule: ProtoPNetSchedule,
    /// Deep CBC's Adam learning rate.
    pub deep_lr: f64,
}

impl DeepSettings {
    /// The full run (`quick = false`) or a smoke-sized one.
    pub fn new(quick: bool) -> Self {
        let schedule = if quick {
            ProtoPNetSchedule { warm_epochs: 1, joint_epochs: 2, last_layer_epochs: 1, ..ProtoPNetSchedule::small() }
        } else {
            ProtoPNetSchedule::small()
        };
        // The full size is the proto page's procedural set (`cargo xtask reproduce proto`).
        Self { classes: 6, image_size: 32, images: if quick { 360 } else { 1800 }, schedule, deep_lr: 3e-3 }
    }

    /// Deep CBC's epochs, end to end: as many as ProtoPNet's warm-up, joint and last-layer
    /// epochs together.
    pub fn deep_epochs(&self) -> usize {
        let s = &self.schedule;
        s.warm_epochs + s.push_rounds * (s.joint_epochs + s.last_layer_epochs)
    }
}

/// The procedural images of one seed, split and normalised.
pub struct PartData {
    /// Training images.
    pub train: Vec<ImageExample>,
    /// Test images.
    pub test: Vec<ImageExample>,
    /// Normalisation fitted on `train`.
    pub batcher: ImageBatcher,
}

impl PartData {
    /// Generates `settings.images` images from `seed` and splits them 80/20 by `seed`.
    pub fn generate(settings: &DeepSettings, seed: u64) -> kiln_data::Result<Self> {
        let cfg = ProceduralConfig::new(settings.classes)
            .with_image_size(settings.image_size)
            .with_num_images(settings.images)
            .with_seed(seed);
        let s = split(generate(&cfg)?, 0.0, 0.2, seed);
        let train: Vec<ImageExample> = s.train.iter().map(PartImage::to_example).collect();
        let test = s.test.iter().map(PartImage::to_example).collect();
        let batcher = ImageBatcher::new(Normalize::fit(&train));
        Ok(Self { train, test, batcher })
    }

    /// The training loader (batch `batch_size`, shuffled by `seed`).
    fn loader(&self, batch_size: usize, seed: u64) -> DataLoader<ImageExample, ImageBatch> {
        DataLoader::new(self.train.clone(), self.batcher.clone(), batch_size).shuffled(seed)
    }

    /// The images as one normalised batch.
    pub fn batch(&self, images: &[ImageExample], device: &Device) -> ImageBatch {
        self.batcher.batch(images, device, None)
    }
}

/// One seed of the deep section.
#[derive(Debug, Clone, Serialize)]
pub struct DeepRun {
    /// Seed of images, split, initialisation and shuffling.
    pub seed: u64,
    /// Deep CBC's test accuracy (official inference: detections below 0.1 ignored).
    pub deep_cbc: f64,
    /// ProtoPNet's test accuracy after push and the last layer.
    pub protopnet: f64,
    /// Mean over classes of the negative reasoning mass `Σ_k P⁻_kc`.
    pub negative_share: f64,
    /// Mean over classes of the perplexity `exp H` of the class's reasoning distribution over
    /// its `2K` entries: `2K` when uniform, 1 when one entry holds it all.
    pub perplexity: f64,
    /// Mean number of components a test image detects (detection ≥ 0.1).
    pub detected: f64,
}

/// Test accuracy of `model` through the engine's evaluation.
fn test_accuracy<M: TrainModel<Batch = ImageBatch>>(
    model: &M,
    data: &PartData,
    device: &Device,
) -> Result<f64, Box<dyn std::error::Error>> {
    let test = DataLoader::new(data.test.clone(), data.batcher.clone(), 256);
    Ok(Trainer::new(device.clone()).evaluate(model, &test)?.accuracy().ok_or("the evaluation has no accuracy")?)
}

/// Deep CBC (small preset) trained end to end.
pub fn train_deep_cbc(
    data: &PartData,
    settings: &DeepSettings,
    seed: u64,
    device: &Device,
) -> kiln_core::Result<DeepCbc> {
    device.seed(seed);
    let training = DeepCbcTraining::small(settings.deep_epochs(), settings.deep_lr);
    let size = settings.image_size;
    let model = DeepCbcConfig::small(settings.classes, 3, size, size).init(device);
    let loader = data.loader(training.batch_size, seed);
    Ok(Trainer::new(device.clone()).with_seed(seed).fit(model, &training.phases(), &loader, None)?.0)
}

/// Trains both models on one seed's images and measures them; returns the deep CBC model too.
pub fn run_seed(
    data: &PartData,
    settings: &DeepSettings,
    seed: u64,
    device: &Device,
) -> Result<(DeepRun, DeepCbc), Box<dyn std::error::Error>> {
    let deep = train_deep_cbc(data, settings, seed, device)?;
    device.seed(seed);
    let phases = settings.schedule.phases(PushSet::new(data.train.clone(), data.batcher.clone()));
    let protopnet = ProtoPNetConfig::small(settings.classes, 3).init(device);
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let (protopnet, _) = trainer.fit(protopnet, &phases, &data.loader(64, seed), None)?;

    let (positive, negative) = deep.head.reasoning_probabilities();
    let (positive, negative) = (try_to_vec(positive)?, try_to_vec(negative)?);
    let classes = settings.classes;
    let negative_share = negative.iter().map(|&p| f64::from(p)).sum::<f64>() / classes as f64;
    let entropy = |c: usize| -> f64 {
        let column = positive.iter().chain(&negative).skip(c).step_by(classes).map(|&p| f64::from(p));
        -column.filter(|&p| p > 0.0).map(|p| p * p.ln()).sum::<f64>()
    };
    let perplexity = (0..classes).map(|c| entropy(c).exp()).sum::<f64>() / classes as f64;
    let detections = try_to_vec(deep.inference_detections(data.batch(&data.test, device).images))?;
    let detected = detections.iter().filter(|&&d| d > 0.0).count() as f64 / data.test.len().max(1) as f64;
    let run = DeepRun {
        seed,
        deep_cbc: test_accuracy(&deep, data, device)?,
        protopnet: test_accuracy(&protopnet, data, device)?,
        negative_share,
        perplexity,
        detected,
    };
    Ok((run, deep))
}

/// `mean ± std` of one value per run, scaled.
fn cell(runs: &[DeepRun], scale: f64, decimals: usize, value: impl Fn(&DeepRun) -> f64) -> String {
    let values: Vec<f64> = runs.iter().map(value).collect();
    format!("{:.*}", decimals, MeanStd::of(&values).scaled(scale))
}

/// Accuracy per model, and deep CBC's reasoning statistics.
pub fn table(runs: &[DeepRun], settings: &DeepSettings) -> Table {
    let k = DeepCbcConfig::SMALL_MAX_WIDTH;
    let mut table = Table::new([
        "model".to_string(),
        "test accuracy (%)".to_string(),
        "negative reasoning mass (%)".to_string(),
        format!("reasoning perplexity (of {})", 2 * k),
        "components detected".to_string(),
    ]);
    table.row([
        format!("deep CBC ({k} components)"),
        cell(runs, 100.0, 1, |r| r.deep_cbc),
        cell(runs, 100.0, 1, |r| r.negative_share),
        cell(runs, 1.0, 1, |r| r.perplexity),
        cell(runs, 1.0, 1, |r| r.detected),
    ]);
    let per_class = ProtoPNetConfig::small(settings.classes, 3).prototypes_per_class;
    table.row([
        format!("ProtoPNet ({per_class} prototypes per class)"),
        cell(runs, 100.0, 1, |r| r.protopnet),
        "–".into(),
        "–".into(),
        "–".into(),
    ]);
    table
}

/// The paper's accuracy claim, checked on the mean and spread over seeds.
pub fn claim(runs: &[DeepRun]) -> String {
    let of = |value: fn(&DeepRun) -> f64| MeanStd::of(&runs.iter().map(value).collect::<Vec<_>>());
    let (deep, ppn) = (of(|r| r.deep_cbc).scaled(100.0), of(|r| r.protopnet).scaled(100.0));
    let better = runs.iter().filter(|r| r.deep_cbc > r.protopnet).count();
    let verdict = match Relation::of(&deep, &ppn) {
        Relation::Above => {
            "reproduced at this scale: deep CBC more accurate than ProtoPNet by more than the spread over seeds"
        }
        Relation::Level if deep.mean >= ppn.mean => {
            "reproduced as \"at least as accurate\": deep CBC ahead on average, within the spread over seeds"
        }
        Relation::Level => "not separated: deep CBC behind on average, within the spread over seeds",
        Relation::Below => {
            "not reproduced at this scale: deep CBC less accurate than ProtoPNet by more than the spread over seeds"
        }
    };
    let entries = 2 * DeepCbcConfig::SMALL_MAX_WIDTH;
    let perplexity = of(|r| r.perplexity);
    let reasoning = if perplexity.mean > 0.9 * entries as f64 {
        format!(
            "The reasoning stays close to uniform (perplexity {perplexity:.1} of {entries}): at this budget the components, not a sparse reasoning, separate the classes, so the reasoning pictures below explain little; the paper's readable reasoning (a few components with clear positive or negative reasoning per class, learned over 240 epochs on pretrained components) is **not reproduced here**."
        )
    } else {
        format!(
            "The reasoning concentrates on few entries (perplexity {perplexity:.1} of {entries}), the readable per-class reasoning the paper shows."
        )
    };
    format!(
        "Claim (Saralajew et al.): deep CBC reaches state-of-the-art accuracy among deep prototype-based networks (fine-grained image benchmarks, CUB-200-2011 among them, with an ImageNet-pretrained ResNet-50 and PIPNet-pretrained components), above ProtoPNet. Here: deep CBC {deep:.1}% vs ProtoPNet {ppn:.1}% (difference {:+.1} points; deep CBC ahead in {better} of {} seeds): **{verdict}**. {reasoning}",
        deep.mean - ppn.mean,
        runs.len()
    )
}

/// Block widths of deep CBC's small CNN for the settings' images.
fn deep_widths(settings: &DeepSettings) -> Vec<usize> {
    let size = settings.image_size;
    match DeepCbcConfig::small(settings.classes, 3, size, size).backbone {
        BackboneConfig::Cnn { channels, .. } => channels,
        BackboneConfig::ResNet { .. } => Vec::new(),
    }
}

/// Runs the deep section over `seeds` and writes it to `page`: settings, table, claim, the
/// raw runs as `proto-robust-deep-results.json` and the pictures of the first seed's model.
pub fn section(
    page: &mut ResultsPage,
    seeds: &[u64],
    quick: bool,
    device: &Device,
) -> Result<(), Box<dyn std::error::Error>> {
    let settings = DeepSettings::new(quick);
    let start = page.elapsed_secs();
    let mut runs = Vec::new();
    let mut first = None;
    for &seed in seeds {
        let data = PartData::generate(&settings, seed)?;
        let (run, model) = run_seed(&data, &settings, seed, device)?;
        eprintln!(
            "deep seed {seed}: deep CBC {:.3} ProtoPNet {:.3} ({:.0}s)",
            run.deep_cbc,
            run.protopnet,
            page.elapsed_secs()
        );
        runs.push(run);
        if first.is_none() {
            first = Some((model, data));
        }
    }
    std::fs::write(page.asset("proto-robust-deep-results.json")?, serde_json::to_string_pretty(&runs)?)?;

    let s = &settings.schedule;
    page.heading(2, "Deep CBC against a small ProtoPNet on the procedural part images");
    page.paragraph(&format!(
        "Seeds {seeds:?}. Procedural part images: {} classes (head shape × wing colour), {} px RGB, {} images per seed, 80% train / 20% test split by seed, normalised per channel on the training images. Both models from random weights, {} epochs each. Deep CBC: the small preset, a CNN of conv-BN-ReLU blocks {:?} whose {} output channels are the components (softmax over channels, global max-pool), one reasoning concept per class (positive and negative reasoning, no indefinite), margin loss 0.025, trained end to end ({} epochs of Adam {}, batch 64; no PIPNet pretraining and no head-only phase), evaluated with the official inference (detections below 0.1 ignored). ProtoPNet: the small preset (CNN 32-64-128, prototypes of 64 channels), schedule warm-up {}, joint {} (backbone lr {}, add-on and prototypes {}), push, last layer {} (lr {}). Negative reasoning mass: Σ_k P⁻_kc averaged over classes (a class's P⁺ and P⁻ sum to 1 over its 2K entries). Reasoning perplexity: exp of the entropy of a class's 2K reasoning probabilities, averaged over classes (2K when uniform, as at initialisation up to the 0.2·N(0, 1) noise; small when a few components decide). Components detected: mean number of components with a detection ≥ 0.1 per test image. Mean ± std over seeds.",
        settings.classes,
        settings.image_size,
        settings.images,
        settings.deep_epochs(),
        deep_widths(&settings),
        DeepCbcConfig::SMALL_MAX_WIDTH,
        settings.deep_epochs(),
        settings.deep_lr,
        s.warm_epochs,
        s.joint_epochs,
        s.features_lr,
        s.add_on_lr,
        s.last_layer_epochs,
        s.last_layer_lr,
    ));
    page.table(&table(&runs, &settings));
    page.paragraph(&claim(&runs));
    if let Some((model, data)) = first {
        save_png(&component_panel(&model, &data, device)?, page.asset("proto-robust-deep-components.png")?)?;
        save_png(&reasoning_matrix(&Reasoning::of(&model)?), page.asset("proto-robust-deep-reasoning.png")?)?;
        page.paragraph(&format!(
            "What the components of deep CBC (seed {}) detect: per class, its three strongest positive components (green: detecting them is evidence for the class) and two strongest negative ones (red: *not* detecting them is evidence for it), each on the training image that detects it most, with the component's map over it; `r` = reasoning probability, `d` = detection on that image:\n\n![deep CBC components](proto-robust-deep-components.png)",
            runs[0].seed
        ));
        page.paragraph("The whole reasoning (same model): for each class a row of positive (+) and a row of negative (−) reasoning probabilities over the components:\n\n![deep CBC reasoning](proto-robust-deep-reasoning.png)");
    }
    eprintln!("deep section: {:.0}s", page.elapsed_secs() - start);
    Ok(())
}
