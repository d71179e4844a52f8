//! `train_transfer` rejects settings it cannot use before training anything.

use burn::prelude::Device;
use kiln_core::train::ImageBatch;
use kiln_data::{DataLoader, ImageBatcher, ImageExample, Normalize};
use kiln_efficient::EfficientError;
use kiln_efficient::transfer::{TransferMethod, TransferSettings, train_transfer};

use crate::common::{INPUT, tiny_resnet};

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
