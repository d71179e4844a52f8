//! Generated skeleton actions: a 20-joint Kinect v1 skeleton doing 8 parametric actions.
//!
//! Every sample is `[T, J, 3]` joint positions (metres; `x` right, `y` up, `z` towards the
//! camera) and a class. The pose comes from forward kinematics of the bone tree
//! ([`PARENTS`]): each limb has a direction given by an abduction angle `a` (sideways, in the
//! frontal plane) and a flexion angle `f` (forwards),
//! `d(a, f) = (s·sin a·cos f, −cos a·cos f, sin f)` with `s = ±1` the side, so `d(0, 0)` hangs
//! straight down. An action sets these angles (and the spine's bend, the root's height) as a
//! function of the phase `φ_t = φ₀ + 2π·c·t/T`, with `c` cycles per clip (the speed) and an
//! amplitude factor. Then the limb lengths are scaled, the body is turned about the vertical
//! axis (the view), shifted, and Gaussian noise is added to every coordinate.
//!
//! The actions are chosen in pairs that share body parts (clap/punch: both arms forwards;
//! squat/jump: the root moves vertically; kick/walk: the legs), so no single joint group
//! separates all of them.

use std::f32::consts::PI;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{Result, SeqError};

/// Joints of the Kinect v1 skeleton.
pub const JOINTS: usize = 20;

/// Names of the joints, in index order (Kinect v1 `NUI_SKELETON_POSITION_INDEX`).
pub const JOINT_NAMES: [&str; JOINTS] = [
    "hip_center",
    "spine",
    "shoulder_center",
    "head",
    "shoulder_left",
    "elbow_left",
    "wrist_left",
    "hand_left",
    "shoulder_right",
    "elbow_right",
    "wrist_right",
    "hand_right",
    "hip_left",
    "knee_left",
    "ankle_left",
    "foot_left",
    "hip_right",
    "knee_right",
    "ankle_right",
    "foot_right",
];

/// Parent of each joint in the bone tree (`hip_center`, the root, is its own parent).
pub const PARENTS: [usize; JOINTS] = [0, 0, 1, 2, 2, 4, 5, 6, 2, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18];

/// Torso joints: hip centre, spine, shoulder centre, head.
pub const TORSO: [usize; 4] = [0, 1, 2, 3];
/// Arm joints: shoulders, elbows, wrists, hands (left then right).
pub const ARMS: [usize; 8] = [4, 5, 6, 7, 8, 9, 10, 11];
/// Leg joints: hips, knees, ankles, feet (left then right).
pub const LEGS: [usize; 8] = [12, 13, 14, 15, 16, 17, 18, 19];

/// The bones, `(parent, child)`, in joint order.
pub fn bones() -> Vec<(usize, usize)> {
    (1..JOINTS).map(|j| (PARENTS[j], j)).collect()
}

/// The eight actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// The right forearm swings side to side above the shoulder.
    Wave,
    /// Both arms forwards, hands meeting at the midline and parting.
    Clap,
    /// The right leg swings forwards and back.
    Kick,
    /// Knees bend and stretch, the root goes down and up, arms forwards.
    Squat,
    /// The whole body goes up and down, knees bend on landing.
    Jump,
    /// Arms alternate stretching forwards from a bent guard.
    Punch,
    /// The spine bends forwards and back.
    Bow,
    /// Knees lift alternately, arms swing opposite.
    WalkInPlace,
}

impl Action {
    /// Every action, in class order.
    pub const ALL: [Action; 8] = [
        Action::Wave,
        Action::Clap,
        Action::Kick,
        Action::Squat,
        Action::Jump,
        Action::Punch,
        Action::Bow,
        Action::WalkInPlace,
    ];

    /// The class index.
    pub fn class(self) -> usize {
        self as usize
    }

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Action::Wave => "wave",
            Action::Clap => "clap",
            Action::Kick => "kick",
            Action::Squat => "squat",
            Action::Jump => "jump",
            Action::Punch => "punch",
            Action::Bow => "bow",
            Action::WalkInPlace => "walk in place",
        }
    }
}

/// How samples vary: speed, amplitude, view, limb lengths, noise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkeletonConfig {
    /// Frames per sample `T`.
    pub frames: usize,
    /// Cycles of the action per clip, drawn uniformly from this range (the speed).
    pub cycles: (f32, f32),
    /// Amplitude factor, drawn uniformly from this range.
    pub amplitude: (f32, f32),
    /// Largest view rotation about the vertical axis, radians (uniform in `±max_view`).
    pub max_view: f32,
    /// Body scale, drawn uniformly from this range; every bone is further scaled by `1 ± 0.05`.
    pub scale: (f32, f32),
    /// Standard deviation of the Gaussian noise on every coordinate, metres.
    pub noise: f32,
}

impl Default for SkeletonConfig {
    fn default() -> Self {
        Self {
            frames: 32,
            cycles: (0.7, 1.5),
            amplitude: (0.6, 1.3),
            max_view: PI / 4.0,
            scale: (0.85, 1.15),
            noise: 0.02,
        }
    }
}

/// A set of generated samples.
#[derive(Debug, Clone, PartialEq)]
pub struct SkeletonSet {
    /// Positions, `[n, T, J, 3]` row-major.
    pub positions: Vec<f32>,
    /// Class of each sample (`Action::class`).
    pub labels: Vec<usize>,
    /// Frames per sample `T`.
    pub frames: usize,
    /// Joints per frame `J`.
    pub joints: usize,
}

impl SkeletonSet {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Values per sample, `T·J·3`.
    pub fn sample_len(&self) -> usize {
        self.frames * self.joints * 3
    }

    /// Sample `i`, `[T, J, 3]` row-major.
    pub fn sample(&self, i: usize) -> &[f32] {
        let n = self.sample_len();
        &self.positions[i * n..(i + 1) * n]
    }

    /// Number of classes: one more than the largest label (0 when empty).
    pub fn classes(&self) -> usize {
        self.labels.iter().max().map_or(0, |m| m + 1)
    }
}

/// `n` samples with classes cycling through the 8 actions (so every class appears once
/// `n ≥ 8`), drawn from `seed`; the same arguments always give the same set.
///
/// # Errors
/// [`SeqError::Config`] when `frames < 2` or a range is reversed or not finite.
pub fn generate(n: usize, config: &SkeletonConfig, seed: u64) -> Result<SkeletonSet> {
    validate(config)?;
    let mut rng = StdRng::seed_from_u64(kiln_core::seed::derive_seed(seed, 0x5_4E1E));
    let mut positions = Vec::with_capacity(n * config.frames * JOINTS * 3);
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let action = Action::ALL[i % Action::ALL.len()];
        positions.extend(sample(action, config, &mut rng));
        labels.push(action.class());
    }
    Ok(SkeletonSet { positions, labels, frames: config.frames, joints: JOINTS })
}

fn validate(config: &SkeletonConfig) -> Result<()> {
    if config.frames < 2 {
        return Err(SeqError::Config { field: "frames", value: config.frames.to_string(), reason: "needs at least 2" });
    }
    let ranges = [("cycles", config.cycles), ("amplitude", config.amplitude), ("scale", config.scale)];
    for (field, (lo, hi)) in ranges {
        if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
            return Err(SeqError::Config { field, value: format!("({lo}, {hi})"), reason: "needs finite lo ≤ hi" });
        }
    }
    if !(config.noise.is_finite() && config.noise >= 0.0 && config.max_view.is_finite()) {
        return Err(SeqError::Config {
            field: "noise",
            value: format!("{} (max_view {})", config.noise, config.max_view),
            reason: "needs finite values, noise ≥ 0",
        });
    }
    Ok(())
}

/// Direction of a limb with abduction `a` and flexion `f` on side `s` (+1 right, −1 left).
fn dir(s: f32, a: f32, f: f32) -> [f32; 3] {
    [s * a.sin() * f.cos(), -a.cos() * f.cos(), f.sin()]
}

fn add(p: [f32; 3], d: [f32; 3], len: f32) -> [f32; 3] {
    [p[0] + d[0] * len, p[1] + d[1] * len, p[2] + d[2] * len]
}

/// Joint angles of one frame: per limb `(abduction, flexion)` of the upper and lower segment.
#[derive(Default, Clone, Copy)]
struct Pose {
    /// Root height offset (jump: up; squat is from the legs).
    lift: f32,
    /// Forward bend of the spine.
    bend: f32,
    /// Left arm, right arm: `[upper a, upper f, lower a, lower f]`.
    arms: [[f32; 4]; 2],
    /// Left leg, right leg: `[thigh a, thigh f, shin a, shin f]`.
    legs: [[f32; 4]; 2],
}

fn deg(d: f32) -> f32 {
    d * PI / 180.0
}

/// The pose of `action` at phase `p` with amplitude `amp`.
fn pose(action: Action, p: f32, amp: f32) -> Pose {
    let mut q = Pose::default();
    let (s, c) = (p.sin(), p.cos());
    let half = (1.0 - c) / 2.0;
    match action {
        Action::Wave => {
            q.arms[1] = [deg(130.0), deg(10.0), deg(160.0 + 35.0 * amp * s), deg(10.0)];
        }
        Action::Clap => {
            let open = deg(10.0 + 40.0 * amp * (1.0 + s) / 2.0);
            let arm = [open, deg(70.0), -open + deg(5.0), deg(80.0)];
            q.arms = [arm, arm];
        }
        Action::Kick => {
            let swing = deg(65.0 * amp) * s.max(0.0);
            q.legs[1] = [0.0, swing, 0.0, swing * 0.8];
        }
        Action::Squat => {
            let k = deg(75.0 * amp) * half;
            q.legs = [[0.0, k, 0.0, -k]; 2];
            q.arms = [[0.0, k, 0.0, k]; 2];
            q.bend = 0.3 * k;
        }
        Action::Jump => {
            q.lift = 0.22 * amp * s.max(0.0);
            let k = deg(30.0 * amp) * (-s).max(0.0);
            q.legs = [[0.0, k, 0.0, -k]; 2];
            q.arms = [[deg(25.0) * s.max(0.0), 0.0, deg(25.0) * s.max(0.0), 0.0]; 2];
        }
        Action::Punch => {
            let (el, er) = ((-s).max(0.0) * amp.min(1.0), s.max(0.0) * amp.min(1.0));
            let arm = |e: f32| [deg(5.0), deg(20.0 + 70.0 * e), deg(-10.0 + 10.0 * e), deg(90.0)];
            q.arms = [arm(el), arm(er)];
        }
        Action::Bow => {
            q.bend = deg(55.0 * amp) * half;
        }
        Action::WalkInPlace => {
            let (l, r) = (deg(40.0 * amp) * s.max(0.0), deg(40.0 * amp) * (-s).max(0.0));
            q.legs = [[0.0, l, 0.0, -l], [0.0, r, 0.0, -r]];
            let swing = deg(20.0 * amp) * s;
            q.arms = [[0.0, -swing, 0.0, -swing], [0.0, swing, 0.0, swing]];
        }
    }
    q
}

/// Bone lengths (metres, before scaling), indexed by child joint.
const LENGTHS: [f32; JOINTS] =
    [0.0, 0.25, 0.25, 0.2, 0.18, 0.28, 0.25, 0.08, 0.18, 0.28, 0.25, 0.08, 0.1, 0.42, 0.4, 0.1, 0.1, 0.42, 0.4, 0.1];

/// Joint positions `[J][3]` of a pose in the body frame, the feet near `y = 0`.
fn skeleton(q: &Pose, len: &[f32; JOINTS]) -> [[f32; 3]; JOINTS] {
    let mut p = [[0.0f32; 3]; JOINTS];
    // The root stands on the lower leg: height of the longer vertical extent of the two legs.
    let leg_height =
        |leg: &[f32; 4], l: usize| len[l + 1] * leg[0].cos() * leg[1].cos() + len[l + 2] * leg[2].cos() * leg[3].cos();
    let height = leg_height(&q.legs[0], 12).max(leg_height(&q.legs[1], 16)) + 0.05;
    p[0] = [0.0, height + q.lift, 0.0];
    let up = [0.0, q.bend.cos(), q.bend.sin()];
    p[1] = add(p[0], up, len[1]);
    p[2] = add(p[1], up, len[2]);
    p[3] = add(p[2], up, len[3]);
    for (side, (s, base)) in [(-1.0f32, 4usize), (1.0, 8)].into_iter().enumerate() {
        let arm = q.arms[side];
        p[base] = add(p[2], [s, 0.0, 0.0], len[base]);
        p[base + 1] = add(p[base], dir(s, arm[0], arm[1]), len[base + 1]);
        let fore = dir(s, arm[2], arm[3]);
        p[base + 2] = add(p[base + 1], fore, len[base + 2]);
        p[base + 3] = add(p[base + 2], fore, len[base + 3]);
    }
    for (side, (s, base)) in [(-1.0f32, 12usize), (1.0, 16)].into_iter().enumerate() {
        let leg = q.legs[side];
        p[base] = add(p[0], [s, 0.0, 0.0], len[base]);
        p[base + 1] = add(p[base], dir(s, leg[0], leg[1]), len[base + 1]);
        p[base + 2] = add(p[base + 1], dir(s, leg[2], leg[3]), len[base + 2]);
        p[base + 3] = add(p[base + 2], [0.0, -0.3, 0.95], len[base + 3]);
    }
    p
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f32 {
    let u1: f32 = rng.random_range(f32::EPSILON..1.0);
    let u2: f32 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
}

fn uniform(rng: &mut StdRng, (lo, hi): (f32, f32)) -> f32 {
    if hi > lo { rng.random_range(lo..hi) } else { lo }
}

/// One sample of `action`, `[T, J, 3]` row-major.
fn sample(action: Action, config: &SkeletonConfig, rng: &mut StdRng) -> Vec<f32> {
    let cycles = uniform(rng, config.cycles);
    let amp = uniform(rng, config.amplitude);
    let phase0 = rng.random_range(0.0..2.0 * PI);
    let view = if config.max_view > 0.0 { rng.random_range(-config.max_view..config.max_view) } else { 0.0 };
    let scale = uniform(rng, config.scale);
    let mut len = LENGTHS;
    for l in len.iter_mut() {
        *l *= scale * rng.random_range(0.95..1.05);
    }
    let shift = [rng.random_range(-0.3..0.3), 0.0, rng.random_range(-0.3..0.3)];
    let (sin_v, cos_v) = view.sin_cos();
    let mut out = Vec::with_capacity(config.frames * JOINTS * 3);
    for t in 0..config.frames {
        let phase = phase0 + 2.0 * PI * cycles * t as f32 / config.frames as f32;
        for p in skeleton(&pose(action, phase, amp), &len) {
            let x = cos_v * p[0] + sin_v * p[2] + shift[0];
            let z = -sin_v * p[0] + cos_v * p[2] + shift[2];
            out.push(x + config.noise * normal(rng));
            out.push(p[1] + config.noise * normal(rng));
            out.push(z + config.noise * normal(rng));
        }
    }
    out
}
