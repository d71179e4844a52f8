//! The objects of an aerial scene: their shapes, sizes and colours, and their placement in
//! clusters without hiding each other too much.

use rand::Rng;
use rand::rngs::StdRng;

use super::terrain::Terrain;
use super::{AerialConfig, BUILDING, SHIP, STORAGE_TANK, VEHICLE};
use crate::procedural::scene::muted;

/// The outline of an object, in pixel coordinates.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    /// A stadium (a rectangle with round ends) along direction `(cos, sin)`: points within
    /// `radius` of the segment of half-length `half_len` through the centre. Ships and vehicles.
    Capsule { cx: f32, cy: f32, cos: f32, sin: f32, half_len: f32, radius: f32 },
    /// A disc. Storage tanks.
    Disc { cx: f32, cy: f32, r: f32 },
    /// A rectangle of half-sides `hx` (along `(cos, sin)`) and `hy`. Buildings.
    Rect { cx: f32, cy: f32, cos: f32, sin: f32, hx: f32, hy: f32 },
}

impl Shape {
    /// The centre and the point's coordinates `(u, v)` along and across the shape's axis.
    fn local(&self, x: f32, y: f32) -> (f32, f32) {
        match *self {
            Self::Capsule { cx, cy, cos, sin, .. } | Self::Rect { cx, cy, cos, sin, .. } => {
                let (dx, dy) = (x - cx, y - cy);
                (dx * cos + dy * sin, -dx * sin + dy * cos)
            }
            Self::Disc { cx, cy, .. } => (x - cx, y - cy),
        }
    }

    /// Whether point `(x, y)` is inside.
    pub(super) fn contains(&self, x: f32, y: f32) -> bool {
        let (u, v) = self.local(x, y);
        match *self {
            Self::Capsule { half_len, radius, .. } => {
                let du = u.abs() - half_len.min(u.abs());
                du * du + v * v <= radius * radius
            }
            Self::Disc { r, .. } => u * u + v * v <= r * r,
            Self::Rect { hx, hy, .. } => u.abs() <= hx && v.abs() <= hy,
        }
    }

    /// Whether point `(x, y)` (inside the shape) is in its accent: the cabin at the front of a
    /// ship or vehicle, the rim of a tank, the ridge of a building's roof.
    pub(super) fn accent(&self, x: f32, y: f32) -> bool {
        let (u, v) = self.local(x, y);
        match *self {
            Self::Capsule { half_len, radius, .. } => u > 0.3 * (half_len + radius),
            Self::Disc { r, .. } => u * u + v * v > 0.6 * r * r,
            Self::Rect { hy, .. } => v.abs() < 0.15 * hy,
        }
    }

    /// The pixels (row-major indices into a `size × size` image) whose centres are inside.
    pub(super) fn footprint(&self, size: usize) -> Vec<usize> {
        let (cx, cy, reach) = match *self {
            Self::Capsule { cx, cy, half_len, radius, .. } => (cx, cy, half_len + radius),
            Self::Disc { cx, cy, r } => (cx, cy, r),
            Self::Rect { cx, cy, hx, hy, .. } => (cx, cy, hx.hypot(hy)),
        };
        let range = |c: f32| {
            let lo = (c - reach - 0.5).floor().max(0.0) as usize;
            let hi = ((c + reach + 0.5).ceil().max(0.0) as usize).min(size);
            lo..hi
        };
        let mut pixels = Vec::new();
        for y in range(cy) {
            for x in range(cx) {
                if self.contains(x as f32 + 0.5, y as f32 + 0.5) {
                    pixels.push(y * size + x);
                }
            }
        }
        pixels
    }
}

/// A placed object.
pub(super) struct Object {
    /// Class index into [`CLASS_NAMES`](super::CLASS_NAMES).
    pub(super) class: usize,
    /// Its outline.
    pub(super) shape: Shape,
    /// Its main colour.
    pub(super) colour: [f32; 3],
    /// The colour of its accent ([`Shape::accent`]).
    pub(super) accent: [f32; 3],
}

/// A shape of class `class` centred at `(cx, cy)`, small or large, with its axis at `angle`.
/// Ships and vehicles share one size and shape distribution: only the ground under them differs.
fn shape(class: usize, large: bool, (cx, cy): (f32, f32), angle: f32, rng: &mut StdRng) -> Shape {
    let (cos, sin) = (angle.cos(), angle.sin());
    let pick = |rng: &mut StdRng, small: (f32, f32), big: (f32, f32)| {
        let (lo, hi) = if large { big } else { small };
        rng.random_range(lo..hi)
    };
    match class {
        STORAGE_TANK => Shape::Disc { cx, cy, r: pick(rng, (1.8, 3.5), (6.0, 11.0)) },
        BUILDING => {
            let side = pick(rng, (4.0, 7.0), (12.0, 24.0));
            let aspect = rng.random_range(0.6..1.0);
            Shape::Rect { cx, cy, cos, sin, hx: 0.5 * side, hy: 0.5 * side * aspect }
        }
        _ => {
            let length = pick(rng, (4.5, 8.0), (16.0, 30.0));
            let width = length * if large { rng.random_range(0.22..0.35) } else { rng.random_range(0.35..0.5) };
            let radius = 0.5 * width.max(2.0);
            Shape::Capsule { cx, cy, cos, sin, half_len: (0.5 * length - radius).max(0.0), radius }
        }
    }
}

/// A group of objects around a centre, sharing a preferred land class and orientation.
struct Cluster {
    /// Centre `(x, y)`.
    centre: (f32, f32),
    /// Spread of positions around the centre, in pixels.
    spread: f32,
    /// The land class most objects of the cluster have.
    land_class: usize,
    /// Orientation most objects of the cluster share (parking rows, moored ships).
    angle: f32,
}

/// The objects of one scene over `terrain`, in drawing order, and `owner`: for every pixel, the
/// index of the object visible there. Every object keeps at least `cfg.min_visible_pixels`
/// visible pixels and at least half of the pixels it had when placed, and lies entirely on its
/// ground (ships on water, everything else on land).
pub(super) fn place(cfg: &AerialConfig, terrain: &Terrain, rng: &mut StdRng) -> (Vec<Object>, Vec<Option<usize>>) {
    let (size, s) = (cfg.size, cfg.size as f32);
    let target = rng.random_range(cfg.min_objects..=cfg.max_objects);
    let clusters: Vec<Cluster> = (0..rng.random_range(1..=3))
        .map(|_| Cluster {
            centre: (rng.random_range(0.15 * s..0.85 * s), rng.random_range(0.15 * s..0.85 * s)),
            spread: rng.random_range(0.06..0.16) * s,
            land_class: [VEHICLE, VEHICLE, STORAGE_TANK, BUILDING][rng.random_range(0..4)],
            angle: rng.random_range(0.0..std::f32::consts::PI),
        })
        .collect();

    let mut objects = Vec::with_capacity(target);
    let mut owner: Vec<Option<usize>> = vec![None; size * size];
    let mut visible: Vec<usize> = Vec::with_capacity(target);
    let mut attempts = 0;
    // A generous number of attempts with clusters and large objects, then, should the scene be
    // too crowded for the minimum, small objects anywhere.
    while objects.len() < target && attempts < 40 * target + 400 {
        let relaxed = attempts >= 40 * target;
        attempts += 1;
        let cluster = &clusters[rng.random_range(0..clusters.len())];
        let clustered = !relaxed && rng.random_bool(0.7);
        let centre = if clustered {
            let mut jitter =
                || (rng.random::<f32>() + rng.random::<f32>() + rng.random::<f32>() - 1.5) * cluster.spread;
            (cluster.centre.0 + jitter(), cluster.centre.1 + jitter())
        } else {
            (rng.random_range(0.0..s), rng.random_range(0.0..s))
        };
        if !(0.0..s).contains(&centre.0) || !(0.0..s).contains(&centre.1) {
            continue;
        }
        let at = (centre.1 as usize).min(size - 1) * size + (centre.0 as usize).min(size - 1);
        let wet = terrain.is_water(at);
        let class = match (wet, clustered && rng.random_bool(0.7)) {
            (true, _) => SHIP,
            (false, true) => cluster.land_class,
            (false, false) => [VEHICLE, STORAGE_TANK, BUILDING][rng.random_range(0..3)],
        };
        let aligned = clustered && rng.random_bool(0.6);
        let angle = if aligned {
            cluster.angle + rng.random_range(-0.15..0.15)
        } else {
            rng.random_range(0.0..std::f32::consts::PI)
        };
        let large = !relaxed && rng.random_bool(cfg.large_fraction as f64);
        let shape = shape(class, large, centre, angle, rng);
        let pixels = shape.footprint(size);
        if pixels.len() < cfg.min_visible_pixels || pixels.iter().any(|&i| terrain.is_water(i) != wet) {
            continue;
        }
        let mut covered = vec![0usize; objects.len()];
        pixels.iter().filter_map(|&i| owner[i]).for_each(|k| covered[k] += 1);
        let hides_too_much = covered
            .iter()
            .zip(&visible)
            .any(|(&c, &v)| c > 0 && ((v - c) < cfg.min_visible_pixels || 2 * (v - c) < v || 2 * c > pixels.len()));
        if hides_too_much {
            continue;
        }
        let index = objects.len();
        for &i in &pixels {
            if let Some(k) = owner[i] {
                visible[k] -= 1;
            }
            owner[i] = Some(index);
        }
        visible.push(pixels.len());
        let (colour, accent) = colours(rng);
        objects.push(Object { class, shape, colour, accent });
    }
    (objects, owner)
}

/// A main and an accent colour for an object: nearly grey, and clearly brighter or darker than
/// both grounds (whose values lie in about `0.25..0.45`), with the same distribution for every
/// class and ground, so colour says nothing about the class.
fn colours(rng: &mut StdRng) -> ([f32; 3], [f32; 3]) {
    let value = if rng.random_bool(0.6) { (0.55, 0.8) } else { (0.1, 0.2) };
    let colour = muted(rng, (0.0, 0.15), value);
    let shift = if value.0 > 0.5 { -0.12 } else { 0.1 };
    (colour, colour.map(|v| (v + shift).clamp(0.0, 1.0)))
}
