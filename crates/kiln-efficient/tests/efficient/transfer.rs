//! `train_transfer` rejects settings it cannot use before training anything; every method's
//! transferred network saves and reloads exactly.

use burn::prelude::Device;
use kiln_core::train::ImageBatch;
use kiln_data::{DataLoader, ImageBatcher, ImageExample, Normalize};
use kiln_efficient::EfficientError;
use kiln_efficient::transfer::{TransferMethod, TransferSettings, Transferred, train_transfer};

use crate::common::{INPUT, param_values, tiny_resnet};

#[test]
fn zero_classes_or_epochs_are_typed_errors() {
    let device = Device::flex();
    let resnet = tiny_resnet(&device);
    let empty: Vec<ImageExample> = Vec::new();
    let loader: DataLoader<ImageExample, ImageBatch> =
        DataLoader::new(empty, ImageBatcher::new(Normalize::identity(3)), 4);
    let settings = TransferSettings::default();
    for method in TransferMethod::ALL {
        let r = train_transfer(method, &resnet, INPUT, 0, &loader, &loader, &settings, &device);
        assert!(matches!(r, Err(EfficientError::InvalidConfig { name: "classes", .. })), "{}", method.name());
        let no_epochs = TransferSettings { epochs: 0, ..settings };
        let r = train_transfer(method, &resnet, INPUT, 3, &loader, &loader, &no_epochs, &device);
        assert!(matches!(r, Err(EfficientError::InvalidConfig { name: "epochs", .. })), "{}", method.name());
    }
}

fn values(t: &Transferred) -> Vec<f32> {
    match t {
        Transferred::ResNet(m) => param_values(&**m),
        Transferred::Adapter(m) => param_values(&**m),
        Transferred::UniPt(m) => param_values(&**m),
    }
}

#[test]
fn transferred_networks_save_and_reload() {
    let device = Device::flex();
    let resnet = tiny_resnet(&device);
    let dir = std::env::temp_dir().join(format!("kiln-efficient-transferred-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for method in TransferMethod::ALL {
        device.seed(1);
        let saved = Transferred::untrained(method, &resnet, INPUT, 3, 16, &device).unwrap();
        let path = dir.join(format!("{method:?}.bpk"));
        saved.save(&path).unwrap();
        device.seed(2);
        let fresh = Transferred::untrained(method, &resnet, INPUT, 3, 16, &device).unwrap();
        assert_ne!(values(&fresh), values(&saved), "{}: the new head starts elsewhere", method.name());
        let loaded = fresh.load(&path).unwrap();
        assert_eq!(values(&loaded), values(&saved), "{}", method.name());
        let other = Transferred::untrained(method, &resnet, INPUT, 5, 16, &device).unwrap();
        assert!(matches!(other.load(&path), Err(EfficientError::File { .. })), "{}: 5 classes", method.name());
    }
    let missing = Transferred::untrained(TransferMethod::Adapter, &resnet, INPUT, 3, 16, &device).unwrap();
    assert!(matches!(missing.load(&dir.join("none.bpk")), Err(EfficientError::File { .. })));
    std::fs::remove_dir_all(&dir).unwrap();
}
