//! Generated skeleton actions: deterministic by seed, right shapes, every class, rigid bones,
//! and actions that move different joints.

use kiln_seq::SeqError;
use kiln_seq::synth::skeleton::{
    ARMS, Action, JOINT_NAMES, JOINTS, LEGS, PARENTS, SkeletonConfig, SkeletonSet, TORSO, bones, generate,
};

/// Mean over samples of class `class` of each joint's mean speed `(1/(T−1)) Σ_t |p_{t+1} − p_t|`.
fn motion_profile(set: &SkeletonSet, class: usize) -> Vec<f32> {
    let mut profile = [0.0f32; JOINTS];
    let mut count = 0.0;
    for i in (0..set.len()).filter(|&i| set.labels[i] == class) {
        let s = set.sample(i);
        for t in 0..set.frames - 1 {
            for (j, p) in profile.iter_mut().enumerate() {
                let (a, b) = ((t * JOINTS + j) * 3, ((t + 1) * JOINTS + j) * 3);
                let d: f32 = (0..3).map(|c| (s[b + c] - s[a + c]).powi(2)).sum();
                *p += d.sqrt() / (set.frames - 1) as f32;
            }
        }
        count += 1.0;
    }
    profile.iter().map(|p| p / count).collect()
}

#[test]
fn same_seed_same_set_other_seed_other_set() {
    let config = SkeletonConfig::default();
    let a = generate(24, &config, 7).unwrap();
    assert_eq!(a, generate(24, &config, 7).unwrap());
    assert_ne!(a.positions, generate(24, &config, 8).unwrap().positions);
}

#[test]
fn shapes_and_every_class_present() {
    let set = generate(40, &SkeletonConfig::default(), 1).unwrap();
    assert_eq!((set.len(), set.frames, set.joints), (40, 32, 20));
    assert_eq!(set.positions.len(), 40 * 32 * 20 * 3);
    assert!(set.positions.iter().all(|v| v.is_finite()));
    assert_eq!(set.classes(), 8);
    for action in Action::ALL {
        assert_eq!(set.labels.iter().filter(|&&l| l == action.class()).count(), 5, "{}", action.name());
    }
}

#[test]
fn body_parts_partition_the_joints_and_the_tree_is_rooted() {
    let mut all: Vec<usize> = TORSO.iter().chain(&ARMS).chain(&LEGS).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..JOINTS).collect::<Vec<_>>());
    assert_eq!(JOINT_NAMES.len(), JOINTS);
    assert_eq!(bones().len(), JOINTS - 1);
    // Every joint reaches the root by following parents, and parents come first.
    for j in 1..JOINTS {
        assert!(PARENTS[j] < j, "{}", JOINT_NAMES[j]);
    }
}

#[test]
fn without_noise_bones_keep_their_length_over_time() {
    let config = SkeletonConfig { noise: 0.0, ..SkeletonConfig::default() };
    let set = generate(16, &config, 3).unwrap();
    for i in 0..set.len() {
        let s = set.sample(i);
        for (parent, child) in bones() {
            let len = |t: usize| {
                let (a, b) = ((t * JOINTS + parent) * 3, (t * JOINTS + child) * 3);
                (0..3).map(|c| (s[a + c] - s[b + c]).powi(2)).sum::<f32>().sqrt()
            };
            let first = len(0);
            assert!(first > 0.05, "bone {parent}-{child} has length {first}");
            for t in 1..set.frames {
                assert!((len(t) - first).abs() < 1e-4, "sample {i} bone {parent}-{child} frame {t}");
            }
        }
    }
}

#[test]
fn actions_move_different_joints() {
    let config = SkeletonConfig { noise: 0.0, ..SkeletonConfig::default() };
    let set = generate(160, &config, 5).unwrap();
    let profiles: Vec<Vec<f32>> = (0..8).map(|c| motion_profile(&set, c)).collect();
    for a in 0..8 {
        for b in a + 1..8 {
            let d: f32 = profiles[a].iter().zip(&profiles[b]).map(|(x, y)| (x - y).powi(2)).sum::<f32>().sqrt();
            assert!(d > 0.02, "{} and {} move alike: {d}", Action::ALL[a].name(), Action::ALL[b].name());
        }
    }
    // Wave moves the right hand, not the left; kick the right foot, not the left.
    let wave = &profiles[Action::Wave.class()];
    assert!(wave[11] > 3.0 * wave[7], "wave: right hand {} left hand {}", wave[11], wave[7]);
    let kick = &profiles[Action::Kick.class()];
    assert!(kick[19] > 3.0 * kick[15], "kick: right foot {} left foot {}", kick[19], kick[15]);
}

#[test]
fn invalid_settings_are_config_errors() {
    let short = SkeletonConfig { frames: 1, ..SkeletonConfig::default() };
    assert!(matches!(generate(8, &short, 0), Err(SeqError::Config { field: "frames", .. })));
    let reversed = SkeletonConfig { cycles: (2.0, 1.0), ..SkeletonConfig::default() };
    assert!(matches!(generate(8, &reversed, 0), Err(SeqError::Config { field: "cycles", .. })));
    let noisy = SkeletonConfig { noise: f32::NAN, ..SkeletonConfig::default() };
    assert!(matches!(generate(8, &noisy, 0), Err(SeqError::Config { .. })));
}
