//! Run directories: save and load give identical outputs; a missing file is named.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use kiln_semi::SemiError;
use kiln_semi::simclr::store::{
    CLASSIFIER_SPEC, PRETRAINED_CONFIG, load_classifier, load_pretrained, save_classifier, save_pretrained,
};
use kiln_semi::simclr::{ClassifierSpec, SimClrClassifier, SimClrConfig};

use super::common::{pseudo_random, temp_dir, values};

fn images(batch: usize, device: &Device) -> Tensor<4> {
    Tensor::<1>::from_floats(pseudo_random(batch * 64, 11).as_slice(), device).reshape([batch, 1, 8, 8])
}

#[test]
fn a_pretrained_network_round_trips() {
    let device = Device::flex();
    let dir = temp_dir("pretrained");
    let config = SimClrConfig::for_input(1, 8, 8).with_projection_dim(32);
    let model = config.init(&device).unwrap_or_else(|e| panic!("{e}"));
    save_pretrained(&model, &config, &dir).unwrap_or_else(|e| panic!("{e}"));
    let (loaded, loaded_config) = load_pretrained(&dir, &device).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded_config.projection_dim, 32);
    let x = images(3, &device);
    assert_eq!(values(model.valid().forward(x.clone())), values(loaded.valid().forward(x)));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_classifier_round_trips() {
    let device = Device::flex();
    let dir = temp_dir("classifier");
    let config = SimClrConfig::for_input(1, 8, 8);
    let model = SimClrClassifier::random(&config, 1, 10, &device).unwrap_or_else(|e| panic!("{e}"));
    let spec = ClassifierSpec { model: config, selector: 1, num_classes: 10 };
    save_classifier(&model, &spec, &dir).unwrap_or_else(|e| panic!("{e}"));
    let (loaded, spec) = load_classifier(&dir, &device).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((spec.selector, spec.num_classes), (1, 10));
    let x = images(2, &device);
    assert_eq!(values(model.valid().forward(x.clone())), values(loaded.valid().forward(x)));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_run_is_an_error_naming_the_file() {
    let device = Device::flex();
    let dir = temp_dir("missing");
    match load_pretrained(&dir, &device) {
        Err(SemiError::File { path, .. }) => assert_eq!(path, dir.join(PRETRAINED_CONFIG)),
        other => panic!("expected a File error, got {:?}", other.map(|_| ())),
    }
    match load_classifier(&dir, &device) {
        Err(SemiError::File { path, .. }) => assert_eq!(path, dir.join(CLASSIFIER_SPEC)),
        other => panic!("expected a File error, got {:?}", other.map(|_| ())),
    }
    let _ = std::fs::remove_dir_all(dir);
}
