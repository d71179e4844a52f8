//! Saving and loading APEN (`apen.json` + `model.bpk`), and segmenting a cloud with it.

use burn::prelude::Device;
use kiln_geom::apen::{Apen, ApenConfig, PartSample, segment_cloud};
use kiln_geom::{GeomError, PointCloud};

use super::{onehot, points_tensor};

fn scratch(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("kiln-geom-apen-ckpt-{}-{name}", std::process::id()))
}

#[test]
fn save_and_load_give_identical_outputs() {
    let device = Device::flex();
    device.seed(11);
    let config = ApenConfig::small();
    let model = config.init(&device).unwrap();
    let dir = scratch("round-trip");
    model.save(&dir, &config).unwrap();
    let (loaded, back) = Apen::load(&dir, &device).unwrap();
    assert_eq!(back.sizes(), config.sizes());
    assert_eq!((back.width, back.classes, back.group), (config.width, config.classes, config.group));
    let sample = PartSample::canonical(3, 64).unwrap();
    let fine = kiln_geom::apen::fine_partition(&sample.points, config.fine_parts).unwrap();
    let run = |m: &Apen| {
        let out = m.forward(
            points_tensor(std::slice::from_ref(&sample), &device),
            onehot(std::slice::from_ref(&fine), 16, &device),
        );
        (kiln_core::tensor::to_vec(out.logits), kiln_core::tensor::to_vec(out.vectors))
    };
    let ((la, va), (lb, vb)) = (run(&model), run(&loaded));
    let max_diff = la.iter().zip(&lb).chain(va.iter().zip(&vb)).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(max_diff < 1e-6, "outputs differ by {max_diff}");
    // Segmentation is deterministic and uses the loaded model's parts.
    let cloud = PointCloud::new(sample.points.clone());
    let a = segment_cloud(&model, &config, &cloud, &device).unwrap();
    let b = segment_cloud(&loaded, &back, &cloud, &device).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.len(), cloud.len());
    assert!(a.iter().all(|&k| (k as usize) < config.parts));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_checkpoint_is_a_typed_error_naming_the_dir() {
    let dir = scratch("no-such-checkpoint");
    let e = Apen::load(&dir, &Device::flex()).unwrap_err();
    assert!(matches!(e, GeomError::MissingApenCheckpoint { .. }), "{e}");
    assert!(e.to_string().contains("no-such-checkpoint"), "{e}");
}

#[test]
fn segmenting_too_small_a_cloud_is_an_error() {
    let device = Device::flex();
    let config = ApenConfig::small();
    let model = config.init(&device).unwrap();
    let cloud = PointCloud::new(vec![nalgebra::Point3::origin(); 3]);
    assert!(matches!(segment_cloud(&model, &config, &cloud, &device), Err(GeomError::Invalid(_))));
}
