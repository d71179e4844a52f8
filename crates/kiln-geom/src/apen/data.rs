//! Seeded multi-part clouds for APEN: 2–4 rigid parts from [`Primitive`]s with distinct
//! extents (so every part's PCA frame is unique), labelled by part type, in a canonical layout
//! (training) or moved part by part (testing).
//!
//! - Part types ([`PART_TYPES`]): a slab, a bar, a wedge and a brick; every sample jitters the
//!   extents by ±8 % (they stay distinct along each axis).
//! - Classes ([`CLASSES`]): which part types a shape has; the canonical layout is a chain along
//!   x (centres 1.0 apart, ±0.04 jitter, identity orientations).
//! - Poses ([`Pose`]): canonical; a global rigid motion; an independent random rigid motion per
//!   part (rotation about the part's centroid by a uniform axis and an angle in a range, plus a
//!   shift, optionally to a random cell of a grid); an articulated chain (joint `j` between parts `j−1` and `j` rotates parts `j…` by a
//!   random axis and angle).
//!
//! Every cloud has the same number of points `N`, split as evenly as possible over its parts
//! (`N = 4 · 512` gives the spec's 512 points per part for four parts).

use nalgebra::{Point3, Translation3, Unit, UnitQuaternion, Vector3};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::error::{GeomError, Result};
use crate::ops::sample_surface;
use crate::shapes::Primitive;
use crate::transform::{RigidTransform, rotation_from_uniforms};

/// A part type: its name, whether it is a wedge (else a box), and its half extents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PartType {
    /// Name for pages and logs.
    pub name: &'static str,
    /// A wedge rather than a box.
    pub wedge: bool,
    /// Half extents before jitter.
    pub half: [f32; 3],
}

/// The four part types (the part labels).
pub const PART_TYPES: [PartType; 4] = [
    PartType { name: "slab", wedge: false, half: [0.30, 0.18, 0.04] },
    PartType { name: "bar", wedge: false, half: [0.32, 0.05, 0.10] },
    PartType { name: "wedge", wedge: true, half: [0.17, 0.11, 0.07] },
    PartType { name: "brick", wedge: false, half: [0.13, 0.09, 0.06] },
];

/// The classes: the part types of each shape, in layout order.
pub const CLASSES: [&[usize]; 4] = [&[0, 1], &[0, 2, 3], &[1, 2], &[0, 1, 2, 3]];

/// How a sample is posed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pose {
    /// The canonical layout.
    Canonical,
    /// One rigid motion of the whole cloud (uniform rotation about the centroid, shift ≤ `shift`).
    Global {
        /// Largest translation per axis.
        shift: f32,
    },
    /// An independent rigid motion per part: rotation about the part's centroid by an angle in
    /// `[min_angle, max_angle]` (radians) about a uniform axis, and a shift ≤ `shift` per axis;
    /// with `relocate`, every part's centroid also moves to its own random cell of a 3 × 3 grid
    /// of spacing 0.9 in the xy-plane (so the canonical layout says nothing about the parts).
    PerPart {
        /// Smallest angle.
        min_angle: f32,
        /// Largest angle.
        max_angle: f32,
        /// Largest translation per axis.
        shift: f32,
        /// Move every part to its own random grid cell.
        relocate: bool,
    },
    /// An articulated chain: each joint rotates the rest of the chain by up to `max_angle`.
    Articulated {
        /// Largest joint angle (radians).
        max_angle: f32,
    },
}

/// One labelled cloud.
#[derive(Debug, Clone, PartialEq)]
pub struct PartSample {
    /// Points `[N]`.
    pub points: Vec<Point3<f32>>,
    /// Part type of every point (the segmentation label).
    pub labels: Vec<usize>,
    /// Part instance (`0..parts`) of every point.
    pub parts: Vec<usize>,
    /// The shape's class.
    pub class: usize,
    /// The motion of every part from the canonical sample (identity when canonical).
    pub motions: Vec<RigidTransform>,
}

impl PartSample {
    /// The canonical sample of seed `seed` with `n` points (`n ≥ 4`).
    pub fn canonical(seed: u64, n: usize) -> Result<Self> {
        if n < 4 {
            return Err(GeomError::Invalid(format!("a part cloud needs at least 4 points, got {n}")));
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let class = rng.random_range(0..CLASSES.len());
        let types = CLASSES[class];
        let count = types.len();
        let (mut points, mut labels, mut parts) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        for (j, &t) in types.iter().enumerate() {
            let ty = PART_TYPES[t];
            let half = Vector3::from(ty.half.map(|h| h * rng.random_range(0.92f32..1.08)));
            let jitter = |rng: &mut StdRng| rng.random_range(-0.04f32..0.04);
            let center = Point3::new(
                (j as f32 - (count as f32 - 1.0) / 2.0) + jitter(&mut rng),
                jitter(&mut rng),
                jitter(&mut rng),
            );
            let prim = if ty.wedge { Primitive::Wedge { center, half } } else { Primitive::Box { center, half } };
            let share = n / count + usize::from(j < n % count);
            let cloud = sample_surface(&prim.mesh(4), share, rng.random())?;
            if cloud.positions.len() != share {
                return Err(GeomError::Invalid(format!(
                    "surface sampling gave {} of {share} points",
                    cloud.positions.len()
                )));
            }
            points.extend(cloud.positions);
            labels.extend(std::iter::repeat_n(t, share));
            parts.extend(std::iter::repeat_n(j, share));
        }
        Ok(Self { points, labels, parts, class, motions: vec![RigidTransform::identity(); count] })
    }

    /// Number of parts.
    pub fn part_count(&self) -> usize {
        self.motions.len()
    }

    /// The centroid of every part.
    pub fn part_centroids(&self) -> Vec<Point3<f32>> {
        let mut sum = vec![Vector3::zeros(); self.part_count()];
        let mut count = vec![0usize; self.part_count()];
        for (p, &k) in self.points.iter().zip(&self.parts) {
            sum[k] += p.coords;
            count[k] += 1;
        }
        sum.iter().zip(&count).map(|(s, &c)| Point3::from(s / c.max(1) as f32)).collect()
    }

    /// The centroid of every point's part (the regression target of the vectors).
    pub fn point_centres(&self) -> Vec<Point3<f32>> {
        let c = self.part_centroids();
        self.parts.iter().map(|&k| c[k]).collect()
    }

    /// The sample with part `k` moved by `motions[k]` (composed after its current motion).
    pub fn moved_by(&self, motions: &[RigidTransform]) -> Result<Self> {
        if motions.len() != self.part_count() {
            return Err(GeomError::Invalid(format!("{} motions for {} parts", motions.len(), self.part_count())));
        }
        let points = self.points.iter().zip(&self.parts).map(|(p, &k)| motions[k] * p).collect();
        let motions = self.motions.iter().zip(motions).map(|(m, g)| g * m).collect();
        Ok(Self { points, motions, ..self.clone() })
    }

    /// The sample posed by `pose`, deterministic by `seed`.
    pub fn posed(&self, pose: Pose, seed: u64) -> Result<Self> {
        let mut rng = StdRng::seed_from_u64(seed);
        let centroids = self.part_centroids();
        let shift = |rng: &mut StdRng, s: f32| {
            if s > 0.0 {
                Vector3::new(rng.random_range(-s..s), rng.random_range(-s..s), rng.random_range(-s..s))
            } else {
                Vector3::zeros()
            }
        };
        let motions: Vec<RigidTransform> = match pose {
            Pose::Canonical => vec![RigidTransform::identity(); self.part_count()],
            Pose::Global { shift: s } => {
                let all = Point3::from(
                    self.points.iter().fold(Vector3::zeros(), |a, p| a + p.coords) / self.points.len().max(1) as f32,
                );
                let rot = rotation_from_uniforms([rng.random(), rng.random(), rng.random()]);
                let g = about(all, rot, shift(&mut rng, s));
                vec![g; self.part_count()]
            }
            Pose::PerPart { min_angle, max_angle, shift: s, relocate } => {
                let mut cells: Vec<usize> = (0..9).collect();
                cells.shuffle(&mut rng);
                centroids
                    .iter()
                    .zip(cells)
                    .map(|(&c, cell)| {
                        let to_cell = if relocate {
                            let target =
                                Vector3::new(0.9 * (cell % 3) as f32 - 0.9, 0.9 * (cell / 3) as f32 - 0.9, 0.0);
                            target - c.coords
                        } else {
                            Vector3::zeros()
                        };
                        let angle =
                            if max_angle > min_angle { rng.random_range(min_angle..=max_angle) } else { min_angle };
                        about(c, random_axis_rotation(&mut rng, angle), shift(&mut rng, s) + to_cell)
                    })
                    .collect()
            }
            Pose::Articulated { max_angle } => {
                let mut motions = vec![RigidTransform::identity(); self.part_count()];
                for j in 1..self.part_count() {
                    // The joint halfway between the (already moved) parts j−1 and j.
                    let joint = Point3::from(
                        (motions[j - 1] * centroids[j - 1]).coords.lerp(&(motions[j] * centroids[j]).coords, 0.5),
                    );
                    let angle = rng.random_range(-max_angle..=max_angle);
                    let g = about(joint, random_axis_rotation(&mut rng, angle), Vector3::zeros());
                    for m in &mut motions[j..] {
                        *m = g * *m;
                    }
                }
                motions
            }
        };
        self.moved_by(&motions)
    }
}

/// A rotation by `angle` about a uniformly random axis.
fn random_axis_rotation(rng: &mut StdRng, angle: f32) -> UnitQuaternion<f32> {
    let axis = loop {
        let v = Vector3::new(rng.random_range(-1.0f32..1.0), rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0));
        if (0.01..=1.0).contains(&v.norm_squared()) {
            break Unit::new_normalize(v);
        }
    };
    UnitQuaternion::from_axis_angle(&axis, angle)
}

/// The motion `x ↦ q(x − c) + c + t`.
fn about(c: Point3<f32>, q: UnitQuaternion<f32>, t: Vector3<f32>) -> RigidTransform {
    let shift = c.coords - q * c.coords + t;
    RigidTransform::from_parts(Translation3::from(shift), q)
}

/// `count` samples of `n` points, seeds `seed, seed + 1, …`, posed by `pose` (pose seed derived).
pub fn dataset(count: usize, n: usize, seed: u64, pose: Pose) -> Result<Vec<PartSample>> {
    (0..count as u64)
        .map(|i| {
            PartSample::canonical(seed.wrapping_add(i), n)?
                .posed(pose, kiln_core::seed::derive_seed(seed.wrapping_add(i), 77))
        })
        .collect()
}
