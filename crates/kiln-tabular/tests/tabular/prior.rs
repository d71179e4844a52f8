//! The prior: requested shapes and class counts, determinism, missing values only when asked.

use kiln_tabular::{PriorConfig, PriorKind, PriorMix};

#[test]
fn datasets_have_the_requested_shapes_and_classes() {
    for (seed, (features, classes)) in [(3, 2), (7, 5), (1, 10), (20, 3)].into_iter().enumerate() {
        let cfg = PriorConfig::new(150).with_num_features(features).with_num_classes(classes);
        let d = cfg.generate(seed as u64).expect("valid config");
        assert_eq!((d.num_rows, d.num_features, d.num_classes), (150, features, classes));
        assert_eq!(d.x.len(), 150 * features);
        assert_eq!(d.y.len(), 150);
        for c in 0..classes {
            assert!(d.y.contains(&c), "class {c} of {classes} missing (seed {seed})");
        }
        assert!(d.y.iter().all(|&c| c < classes));
        assert_eq!(d.padded(100).len(), 150 * 100);
        assert!(d.padded(100)[features..100].iter().all(|&v| v == 0.0), "padding is zero");
    }
}

#[test]
fn random_feature_and_class_counts_stay_within_limits() {
    let cfg = PriorConfig::new(64);
    let mut seen_gp = false;
    let mut seen_causal = [false, false];
    for seed in 0..60 {
        let d = cfg.generate(seed).expect("valid config");
        assert!((1..=100).contains(&d.num_features));
        assert!((2..=10).contains(&d.num_classes));
        assert!(d.x.iter().all(|v| v.is_finite()), "no NaN unless asked (seed {seed})");
        match d.kind {
            PriorKind::Gp => seen_gp = true,
            PriorKind::Scm { causal } => seen_causal[usize::from(causal)] = true,
        }
    }
    assert!(seen_gp && seen_causal[0] && seen_causal[1], "the mixture draws GP, causal and non-causal SCMs");
}

#[test]
fn generation_is_deterministic_by_seed() {
    let cfg = PriorConfig::new(80);
    assert_eq!(cfg.generate(5).expect("ok"), cfg.generate(5).expect("ok"));
    assert_ne!(cfg.generate(5).expect("ok"), cfg.generate(6).expect("ok"));
}

#[test]
fn missing_values_appear_when_asked() {
    let cfg = PriorConfig::new(100).with_num_features(6).with_missing_p(1.0);
    let with_nan = (0..10).filter(|&s| cfg.generate(s).expect("ok").has_missing()).count();
    assert!(with_nan >= 8, "missing_p = 1 gives NaN in (nearly) every dataset, got {with_nan}/10");
    let none = PriorConfig::new(100).with_num_features(6).with_mix(PriorMix::Scm);
    assert!((0..10).all(|s| !none.generate(s).expect("ok").has_missing()));
}

#[test]
fn invalid_configs_are_refused() {
    assert!(PriorConfig::new(1).generate(0).is_err());
    assert!(PriorConfig::new(50).with_num_features(101).generate(0).is_err());
    assert!(PriorConfig::new(50).with_num_classes(11).generate(0).is_err());
    assert!(PriorConfig::new(50).with_num_classes(1).generate(0).is_err());
}
