//! The procedural scenes: seeded, long-tailed, ruled by classes and relative boxes.

use kiln_graph::penet::{BUCKETS, SceneSpec, bucket, long_tail_counts, scenes};

fn spec() -> SceneSpec {
    SceneSpec { train_scenes: 60, test_scenes: 20, ..SceneSpec::default() }
}

#[test]
fn scenes_are_seeded() {
    let (a, b, c) = (scenes(&spec(), 3).unwrap(), scenes(&spec(), 3).unwrap(), scenes(&spec(), 4).unwrap());
    assert_eq!(a.train, b.train);
    assert_eq!(a.object_words, b.object_words);
    assert_ne!(a.train, c.train);
}

#[test]
fn relations_follow_the_rule() {
    let s = scenes(&spec(), 1).unwrap();
    let g = s.spec.groups;
    assert_eq!(s.num_predicates(), 31);
    assert_eq!(s.rule.len(), g * g * BUCKETS);
    for scene in s.train.iter().chain(&s.test) {
        assert!((5..=9).contains(&scene.classes.len()));
        assert!(scene.features.iter().all(|x| x.len() == s.entity_dim()));
        for (i, j) in scene.pairs() {
            let (dx, dy) = (scene.boxes[j][0] - scene.boxes[i][0], scene.boxes[j][1] - scene.boxes[i][1]);
            let want = if (dx * dx + dy * dy).sqrt() < s.spec.near {
                s.rule[((scene.classes[i] % g) * g + scene.classes[j] % g) * BUCKETS + bucket(dx, dy)]
            } else {
                0
            };
            assert_eq!(scene.label(i, j), want);
        }
    }
}

#[test]
fn predicates_are_long_tailed_and_all_present() {
    let counts = long_tail_counts(30, 400, 1.0);
    assert_eq!(counts.iter().sum::<usize>(), 400);
    assert!(counts.iter().all(|&c| c >= 1));
    assert!(counts[0] > 20 * counts[29], "{counts:?}");
    let s = scenes(&spec(), 2).unwrap();
    for p in 1..=30 {
        assert!(s.rule.contains(&p), "predicate {p} missing from the rule");
    }
    let seen = s.predicate_counts(&s.train);
    assert!(seen[1] > seen[30], "{seen:?}");
}

#[test]
fn predicate_families_share_semantics() {
    let s = scenes(&spec(), 5).unwrap();
    let w = s.spec.word_dim;
    let row = |p: usize| &s.predicate_words[p * w..(p + 1) * w];
    let dist = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f32>();
    // Predicates 1 and 2 share family 0; predicate 30 is in the last family.
    assert!(dist(row(1), row(2)) < dist(row(1), row(30)));
}

#[test]
fn buckets_and_bad_specs() {
    assert_eq!([bucket(1.0, 0.5), bucket(-1.0, 0.5), bucket(0.1, 0.5), bucket(0.1, -0.5)], [0, 1, 2, 3]);
    assert!(scenes(&SceneSpec { groups: 1, predicates: 30, ..spec() }, 0).is_err());
    assert!(scenes(&SceneSpec { min_objects: 1, ..spec() }, 0).is_err());
}
