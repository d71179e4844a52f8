//! Splits: seeded partitions; Dirichlet shares follow Dir(α) means and variances; bad input.

use kiln_fed::FedError;
use kiln_fed::core::{split_by_class, split_dirichlet, split_iid};

fn labels(classes: usize, per_class: usize) -> Vec<usize> {
    (0..classes * per_class).map(|i| i % classes).collect()
}

fn assert_partition(shards: &[Vec<usize>], n: usize) {
    let mut all: Vec<usize> = shards.iter().flatten().copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..n).collect::<Vec<_>>(), "every example exactly once");
}

#[test]
fn dirichlet_split_is_seeded_and_a_partition() {
    let y = labels(10, 50);
    let a = split_dirichlet(&y, 5, 0.5, 5, 3).unwrap();
    assert_eq!(a.len(), 5);
    assert_partition(&a, y.len());
    assert!(a.iter().all(|s| s.len() >= 5));
    assert_eq!(a, split_dirichlet(&y, 5, 0.5, 5, 3).unwrap());
    assert_ne!(a, split_dirichlet(&y, 5, 0.5, 5, 4).unwrap());
}

/// Over 1000 draws, client k's share of a class has the Dir(α) mean 1/K and variance
/// (1/K)(1 − 1/K)/(Kα + 1); with α = 100 the split is close to IID.
#[test]
fn dirichlet_shares_match_dirichlet_moments() {
    let (classes, per_class, k) = (2, 400, 4);
    let y = labels(classes, per_class);
    for alpha in [0.5, 100.0] {
        let mut shares: Vec<Vec<f64>> = vec![Vec::new(); k];
        for draw in 0..1000 {
            let shards = split_dirichlet(&y, k, alpha, 0, draw).unwrap();
            for (client, shard) in shards.iter().enumerate() {
                for class in 0..classes {
                    let count = shard.iter().filter(|&&i| y[i] == class).count();
                    shares[client].push(count as f64 / per_class as f64);
                }
            }
        }
        let expected_var = (1.0 / k as f64) * (1.0 - 1.0 / k as f64) / (k as f64 * alpha + 1.0);
        for (client, s) in shares.iter().enumerate() {
            let mean = s.iter().sum::<f64>() / s.len() as f64;
            let var = s.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (s.len() - 1) as f64;
            assert!((mean - 0.25).abs() < 0.02, "α {alpha} client {client}: mean share {mean}");
            if alpha < 1.0 {
                assert!(
                    (var / expected_var - 1.0).abs() < 0.15,
                    "α {alpha} client {client}: var {var} vs {expected_var}"
                );
            } else {
                // Near IID: shares within a few points of 1/K (quantisation adds ~1/(12·n²)).
                assert!(var < 3.0 * expected_var + 1e-5, "α {alpha} client {client}: var {var} vs {expected_var}");
            }
        }
    }
}

#[test]
fn iid_and_by_class_splits_are_partitions() {
    let y = labels(10, 20);
    let iid = split_iid(y.len(), 7, 1).unwrap();
    assert_partition(&iid, y.len());
    let sizes: Vec<usize> = iid.iter().map(Vec::len).collect();
    assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{sizes:?}");
    assert_eq!(iid, split_iid(y.len(), 7, 1).unwrap());

    // 200 examples, 10 clients × 2 shards of 10: each shard is one class.
    let pathological = split_by_class(&y, 10, 2, 5).unwrap();
    assert_partition(&pathological, y.len());
    for shard in &pathological {
        let mut classes: Vec<usize> = shard.iter().map(|&i| y[i]).collect();
        classes.sort_unstable();
        classes.dedup();
        assert!(classes.len() <= 2, "a client sees {classes:?}");
    }
}

#[test]
fn bad_split_input_is_a_typed_error() {
    let y = labels(3, 4);
    for alpha in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = split_dirichlet(&y, 3, alpha, 0, 0).unwrap_err();
        assert!(matches!(err, FedError::InvalidSetting { field: "alpha", .. }), "{err}");
    }
    assert!(matches!(split_dirichlet(&y, 13, 0.5, 0, 0), Err(FedError::TooFewExamples { examples: 12, clients: 13 })));
    assert!(matches!(split_iid(3, 4, 0), Err(FedError::TooFewExamples { .. })));
    assert!(matches!(split_iid(3, 0, 0), Err(FedError::InvalidSetting { field: "clients", .. })));
    assert!(matches!(split_by_class(&y, 2, 0, 0), Err(FedError::InvalidSetting { field: "shards_per_client", .. })));
    // One class, α tiny: almost every draw gives one client everything; 4 per client never holds.
    let one_class = vec![0; 40];
    let err = split_dirichlet(&one_class, 10, 0.01, 4, 0).unwrap_err();
    match err {
        FedError::ShardTooSmall { client, size, min_size: 4, attempts } => {
            assert!(client < 10 && size < 4 && attempts > 0, "{err}");
            assert!(err.to_string().contains(&format!("client {client}")), "{err}");
        }
        other => panic!("expected ShardTooSmall, got {other}"),
    }
}
