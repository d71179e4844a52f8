//! Learning on the embedded digits 0–4: held-out 0–4 are in distribution, procedural
//! creatures (greyscale, area-averaged to 8×8 by `kiln_data::transform::to_shape`, as
//! `kiln eval --uncertainty --ood procedural` converts them) are out of distribution;
//! Prob-PSENN's uncertainty separates them. Digits 5–9 as OOD and the plain PSENN's max-softmax
//! baseline are reported, not asserted.

use std::time::Instant;

use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::activation::softmax;
use kiln_core::metrics::roc_auc;
use kiln_core::train::Trainer;
use kiln_data::procedural::{ProceduralConfig, generate};
use kiln_data::transform::to_shape;
use kiln_data::{DataLoader, VectorBatcher, VectorExample, digits, split};
use kiln_proto::prob_psenn::{ProbPsenn, ProbPsennConfig, ProbPsennTraining, PrototypeMode, train};

use super::host;

fn rows(vectors: &[Vec<f32>], device: &Device) -> Tensor<2> {
    let values: Vec<f32> = vectors.iter().flatten().copied().collect();
    Tensor::from_data(TensorData::new(values, [vectors.len(), 64]), device)
}

/// AUROC of `scores` with the OOD rows (after the in-distribution ones) as positives.
fn auroc(in_scores: &[f32], ood_scores: &[f32]) -> f64 {
    let scores: Vec<f64> = in_scores.iter().chain(ood_scores).map(|s| f64::from(*s)).collect();
    let labels: Vec<bool> = in_scores.iter().map(|_| false).chain(ood_scores.iter().map(|_| true)).collect();
    roc_auc(&scores, &labels).unwrap()
}

fn fit(model: ProbPsenn, train_set: &[VectorExample], seed: u64, device: &Device) -> ProbPsenn {
    let training = ProbPsennTraining::small();
    let loader = DataLoader::new(train_set.to_vec(), VectorBatcher::default(), training.batch_size).shuffled(seed);
    let (model, report) = train(model, &training, &loader, &Trainer::new(device.clone()).with_seed(seed)).unwrap();
    assert!(report.completed);
    model
}

fn accuracy(probs: Tensor<2>, labels: &[usize]) -> f64 {
    let predicted = probs.argmax(1).into_data().convert::<i64>().try_to_vec::<i64>().unwrap();
    predicted.iter().zip(labels).filter(|(p, l)| **p == **l as i64).count() as f64 / labels.len() as f64
}

/// `1 − max_c p_c` per row.
fn one_minus_max(probs: Tensor<2>) -> Vec<f32> {
    host(probs.max_dim(1)).into_iter().map(|p| 1.0 - p).collect()
}

#[test]
fn prob_psenn_uncertainty_detects_out_of_distribution_images() {
    kiln_testkit::in_own_process(
        "prob_psenn::learning::prob_psenn_uncertainty_detects_out_of_distribution_images",
        prob_psenn_uncertainty_detects_out_of_distribution_images_alone,
    );
}

/// The body of [`prob_psenn_uncertainty_detects_out_of_distribution_images`], run in a process of its own (burn's device RNG to itself).
fn prob_psenn_uncertainty_detects_out_of_distribution_images_alone() {
    let device = Device::flex();
    let seed = 3;
    let all = digits().unwrap();
    let (low, high): (Vec<_>, Vec<_>) = all.into_iter().partition(|e| e.label < 5);
    let data = split(low, 0.0, 0.25, seed);
    let to_vectors = |set: Vec<kiln_data::ImageExample>| {
        set.into_iter().map(|e| VectorExample { features: e.image.pixels, label: e.label }).collect::<Vec<_>>()
    };
    let (train_set, test_set) = (to_vectors(data.train), to_vectors(data.test));
    let creatures =
        generate(&ProceduralConfig::new(10).with_image_size(32).with_num_images(200).with_seed(seed)).unwrap();
    let procedural: Vec<Vec<f32>> = creatures.iter().map(|c| to_shape(&c.image, [1, 8, 8]).unwrap().pixels).collect();
    let digits_5_9: Vec<Vec<f32>> = high.iter().take(200).map(|e| e.image.pixels.clone()).collect();
    let test_labels: Vec<usize> = test_set.iter().map(|e| e.label).collect();
    let x_in = rows(&test_set.iter().map(|e| e.features.clone()).collect::<Vec<_>>(), &device);
    let (x_proc, x_high) = (rows(&procedural, &device), rows(&digits_5_9, &device));

    let start = Instant::now();
    device.seed(seed);
    let prob = fit(ProbPsennConfig::small(64, 5).init(&device), &train_set, seed, &device);
    let prob_time = start.elapsed().as_secs_f64();
    device.seed(seed);
    let plain_config = ProbPsennConfig::small(64, 5).with_mode(PrototypeMode::Deterministic);
    let plain = fit(plain_config.init(&device), &train_set, seed, &device);
    let samples = 20;
    let u_in = prob.predict_with_uncertainty(x_in.clone(), samples).unwrap();
    let u_proc = prob.predict_with_uncertainty(x_proc.clone(), samples).unwrap();
    let u_high = prob.predict_with_uncertainty(x_high.clone(), samples).unwrap();
    let acc = accuracy(u_in.mean_probs.clone(), &test_labels);
    let plain_in = softmax(plain.forward(x_in), 1);
    let plain_acc = accuracy(plain_in.clone(), &test_labels);

    let (ep_in, ep_proc, ep_high) = (host(u_in.epistemic.clone()), host(u_proc.epistemic), host(u_high.epistemic));
    let (tot_in, tot_proc, tot_high) = (host(u_in.total.clone()), host(u_proc.total), host(u_high.total));
    let (ex_in, ex_proc, ex_high) = (host(u_in.explanatory), host(u_proc.explanatory), host(u_high.explanatory));
    let msp_in = one_minus_max(plain_in);
    let msp_proc = one_minus_max(softmax(plain.forward(x_proc), 1));
    let msp_high = one_minus_max(softmax(plain.forward(x_high), 1));
    let sigma = host(prob.sigma());
    let mean_sigma = sigma.iter().sum::<f32>() / sigma.len() as f32;
    let line = format!(
        "prob {prob_time:.1}s, total {:.1}s; accuracy prob {acc:.3} plain {plain_acc:.3}; mean σ {mean_sigma:.4}; \
         AUROC procedural: epistemic {:.3} total {:.3} explanatory {:.3} plain-MSP {:.3}; \
         digits 5-9: epistemic {:.3} total {:.3} explanatory {:.3} plain-MSP {:.3}",
        start.elapsed().as_secs_f64(),
        auroc(&ep_in, &ep_proc),
        auroc(&tot_in, &tot_proc),
        auroc(&ex_in, &ex_proc),
        auroc(&msp_in, &msp_proc),
        auroc(&ep_in, &ep_high),
        auroc(&tot_in, &tot_high),
        auroc(&ex_in, &ex_high),
        auroc(&msp_in, &msp_high),
    );
    eprintln!("{line}");
    assert!(acc > 0.9, "{line}");
    assert!(auroc(&ep_in, &ep_proc) > 0.8, "{line}");
}
