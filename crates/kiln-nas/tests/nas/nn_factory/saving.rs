//! Save/load of a customised network and of a factory; missing and mismatched checkpoints.

use burn::prelude::Device;
use kiln_core::testing::max_abs_diff;
use kiln_nas::nn_factory::{Assembler, CustomNet, FactoryConfig, FactoryError, NnFactory, Task};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-nn-factory-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn an_extracted_assembly_saves_and_loads() {
    let device = Device::flex();
    let factory = super::factory(4, &device);
    let task = Task::new(&[7, 1, 4], 10).unwrap();
    let assembler = Assembler::new(&factory);
    let assembly = assembler.assemble(&task, 120_000).unwrap();
    let (net, spec) = assembler.extract(&assembly).unwrap();
    let dir = temp_dir("custom");
    net.save(&dir, &assembly, &spec).unwrap();
    let (loaded, loaded_assembly, loaded_spec) = CustomNet::load(&dir, &device).unwrap();
    assert_eq!(loaded_assembly, assembly);
    assert_eq!(loaded_spec, spec);
    let x = super::inputs(4, &device);
    assert!(max_abs_diff(loaded.forward(x.clone()), net.forward(x)) < 1e-6);
    // A missing file is named.
    std::fs::remove_file(dir.join("model.bpk")).unwrap();
    let err = CustomNet::load(&dir, &device).unwrap_err();
    assert!(matches!(&err, FactoryError::MissingCheckpoint { what, .. } if what == "model.bpk"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_factory_saves_and_loads_and_a_mismatch_is_typed() {
    let device = Device::flex();
    let factory = super::factory(5, &device);
    let dir = temp_dir("factory");
    let missing = NnFactory::load(&dir, &device).unwrap_err();
    assert!(matches!(&missing, FactoryError::MissingCheckpoint { what, .. } if what == "config.json"), "{missing}");
    factory.save(&dir, &[0.5], &[0.25]).unwrap();
    let (loaded, manifest) = NnFactory::load(&dir, &device).unwrap();
    assert_eq!(manifest.config, factory.config);
    assert_eq!((manifest.mean.clone(), manifest.std.clone()), (vec![0.5], vec![0.25]));
    let x = super::inputs(3, &device);
    assert!(max_abs_diff(loaded.supernet.forward(x.clone()), factory.supernet.forward(x)) < 1e-6);
    let task = Task::new(&[2, 3], 10).unwrap();
    let a = Assembler::new(&factory).assemble(&task, 90_000).unwrap();
    assert_eq!(Assembler::new(&loaded).assemble(&task, 90_000).unwrap(), a);

    // Weights of another geometry do not load into this config.
    let other = FactoryConfig { module_channels: 2, ..FactoryConfig::small() };
    let json = serde_json::json!({ "config": other });
    std::fs::write(dir.join("config.json"), json.to_string()).unwrap();
    let err = NnFactory::load(&dir, &device).unwrap_err();
    assert!(matches!(err, FactoryError::MismatchedCheckpoint { .. }), "{err}");
    // Nor does a manifest that does not parse.
    std::fs::write(dir.join("config.json"), "{\"config\": 3}").unwrap();
    assert!(matches!(NnFactory::load(&dir, &device), Err(FactoryError::MismatchedCheckpoint { .. })));
    let _ = std::fs::remove_dir_all(&dir);
}
