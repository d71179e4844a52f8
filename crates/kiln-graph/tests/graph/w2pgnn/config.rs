//! The paper's values, the small preset and validation.

use kiln_graph::w2pgnn::{FitCoupling, W2pgnnConfig};

#[test]
fn presets_hold_the_papers_values() {
    let cfg = W2pgnnConfig::new();
    assert_eq!(cfg.resolution, 1000);
    assert_eq!((cfg.lr, cfg.beta1, cfg.beta2, cfg.weight_decay), (0.05, 0.9, 0.99, 1e-5));
    assert_eq!((cfg.epochs, cfg.min_epochs, cfg.rises, cfg.clusters), (100, 30, 3, 5));
    assert_eq!(W2pgnnConfig::small().resolution, 64);
    assert!(cfg.validate().is_ok() && W2pgnnConfig::small().validate().is_ok());
}

#[test]
fn validation_names_the_field() {
    let cases = [
        (W2pgnnConfig::small().with_resolution(0), "resolution"),
        (W2pgnnConfig::small().with_lr(0.0), "lr"),
        (W2pgnnConfig::small().with_beta2(1.0), "beta2"),
        (W2pgnnConfig::small().with_weight_decay(-1.0), "weight_decay"),
        (W2pgnnConfig::small().with_epochs(0), "epochs"),
        (W2pgnnConfig::small().with_clusters(0), "clusters"),
        (W2pgnnConfig::small().with_epsilon(f64::NAN), "epsilon"),
        (W2pgnnConfig::small().with_sinkhorn_iterations(0), "sinkhorn_iterations"),
        (W2pgnnConfig::small().with_tv_scale(-0.5), "tv_scale"),
    ];
    for (cfg, field) in cases {
        let err = cfg.validate().unwrap_err().to_string();
        assert!(err.contains(field), "{err} should name {field}");
    }
}

#[test]
fn a_config_without_the_fit_coupling_field_loads_as_exact() {
    let cfg = W2pgnnConfig::small().with_fit_coupling(FitCoupling::Entropic);
    assert_eq!(W2pgnnConfig::new().fit_coupling, FitCoupling::Exact);
    let mut json = serde_json::to_value(&cfg).unwrap();
    let back: W2pgnnConfig = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back.fit_coupling, FitCoupling::Entropic);
    json.as_object_mut().unwrap().remove("fit_coupling").unwrap();
    let old: W2pgnnConfig = serde_json::from_value(json).unwrap();
    assert_eq!((old.fit_coupling, old.resolution), (FitCoupling::Exact, 64));
}
