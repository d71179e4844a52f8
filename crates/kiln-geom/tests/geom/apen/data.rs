//! The multi-part clouds: deterministic, labelled, and moved rigidly part by part.

use kiln_geom::apen::{CLASSES, PartSample, Pose, dataset};

/// Largest change of a distance between two points of the same part.
fn rigidity_error(a: &PartSample, b: &PartSample) -> f32 {
    let mut worst = 0.0f32;
    for i in (0..a.points.len()).step_by(7) {
        for j in (0..a.points.len()).step_by(11) {
            if a.parts[i] == a.parts[j] {
                let d = ((a.points[i] - a.points[j]).norm() - (b.points[i] - b.points[j]).norm()).abs();
                worst = worst.max(d);
            }
        }
    }
    worst
}

#[test]
fn samples_are_deterministic_and_labelled() {
    let a = dataset(6, 200, 3, Pose::Canonical).expect("data");
    assert_eq!(a, dataset(6, 200, 3, Pose::Canonical).expect("data"));
    for s in &a {
        assert_eq!((s.points.len(), s.labels.len(), s.parts.len()), (200, 200, 200));
        let types = CLASSES[s.class];
        assert_eq!(s.part_count(), types.len());
        assert!(s.parts.iter().zip(&s.labels).all(|(&k, &l)| types[k] == l));
    }
    assert!(PartSample::canonical(0, 3).is_err());
}

#[test]
fn part_motions_and_chains_are_rigid_per_part() {
    for seed in 0..4 {
        let s = PartSample::canonical(seed, 256).expect("sample");
        for pose in [
            Pose::PerPart { min_angle: 0.0, max_angle: 3.1, shift: 0.3, relocate: false },
            Pose::PerPart { min_angle: 0.0, max_angle: 3.1, shift: 0.0, relocate: true },
            Pose::Articulated { max_angle: 1.2 },
            Pose::Global { shift: 0.5 },
        ] {
            let m = s.posed(pose, seed + 9).expect("pose");
            assert!(rigidity_error(&s, &m) < 1e-4, "{pose:?}");
            // The stored motions reproduce the moved points.
            assert!(
                s.points.iter().zip(&m.points).zip(&s.parts).all(|((p, q), &k)| (m.motions[k] * p - q).norm() < 1e-5)
            );
        }
        assert!(s.moved_by(&[]).is_err());
    }
}
