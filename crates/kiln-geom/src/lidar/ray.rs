//! Exact ray intersections for the scan simulator: the ground plane, vertical walls (a 2-D
//! segment extruded upwards) and yawed boxes (the slab method). Computed in `f64`.
//!
//! A ray is `o + t d` with `|d| = 1`, so `t` is the range in metres; only `t > 0` counts.

use nalgebra::{Point2, Point3, Vector3};

/// Hits closer than this to the ray's origin are ignored (a ray starting on a surface).
pub const T_MIN: f64 = 1e-9;

/// A ray `origin + t · dir` (`dir` is normalised on construction).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ray {
    /// Start point.
    pub origin: Point3<f64>,
    /// Unit direction.
    pub dir: Vector3<f64>,
}

impl Ray {
    /// A ray from `origin` along `dir` (normalised; a zero `dir` gives a ray that hits nothing).
    pub fn new(origin: Point3<f64>, dir: Vector3<f64>) -> Self {
        let n = dir.norm();
        Self { origin, dir: if n > 0.0 { dir / n } else { Vector3::zeros() } }
    }

    /// The point at range `t`.
    pub fn at(&self, t: f64) -> Point3<f64> {
        self.origin + self.dir * t
    }
}

/// Where a ray meets a surface: the range and the surface's unit normal, facing the ray.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurfaceHit {
    /// Range along the ray (metres).
    pub t: f64,
    /// Unit normal at the hit, oriented against the ray (`n · d ≤ 0`).
    pub normal: Vector3<f64>,
}

/// A normal turned to face the ray.
fn facing(n: Vector3<f64>, dir: &Vector3<f64>) -> Vector3<f64> {
    if n.dot(dir) > 0.0 { -n } else { n }
}

/// The ray against the horizontal plane `z = height`: `t = (height − o_z) / d_z` when positive.
pub fn hit_ground(ray: &Ray, height: f64) -> Option<SurfaceHit> {
    if ray.dir.z == 0.0 {
        return None;
    }
    let t = (height - ray.origin.z) / ray.dir.z;
    (t > T_MIN).then(|| SurfaceHit { t, normal: facing(Vector3::z(), &ray.dir) })
}

/// A vertical wall: the segment `a → b` on the ground extruded from `z = bottom` to `z = top`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wall {
    /// One end on the ground plan.
    pub a: Point2<f64>,
    /// The other end.
    pub b: Point2<f64>,
    /// Lower edge height.
    pub bottom: f64,
    /// Upper edge height.
    pub top: f64,
}

/// The ray against a [`Wall`]: solve `o_xy + t d_xy = a + u (b − a)` by Cramer's rule,
/// `t = ((a − o) × e) / (d × e)`, `u = ((a − o) × d) / (d × e)` with `e = b − a` and `×` the
/// 2-D cross product; a hit needs `t > 0`, `0 ≤ u ≤ 1` and `bottom ≤ z(t) ≤ top`.
pub fn hit_wall(ray: &Ray, wall: &Wall) -> Option<SurfaceHit> {
    let cross = |p: [f64; 2], q: [f64; 2]| p[0] * q[1] - p[1] * q[0];
    let e = [wall.b.x - wall.a.x, wall.b.y - wall.a.y];
    let d = [ray.dir.x, ray.dir.y];
    let denom = cross(d, e);
    if denom == 0.0 {
        return None;
    }
    let ao = [wall.a.x - ray.origin.x, wall.a.y - ray.origin.y];
    let t = cross(ao, e) / denom;
    let u = cross(ao, d) / denom;
    if t <= T_MIN || !(0.0..=1.0).contains(&u) {
        return None;
    }
    let z = ray.origin.z + t * ray.dir.z;
    if z < wall.bottom || z > wall.top {
        return None;
    }
    let n = Vector3::new(-e[1], e[0], 0.0).normalize();
    Some(SurfaceHit { t, normal: facing(n, &ray.dir) })
}

/// A box rotated about the vertical axis: centre, half extents along its own axes, yaw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YawBox {
    /// Centre.
    pub center: Point3<f64>,
    /// Half length (own x), half width (own y), half height (z).
    pub half: Vector3<f64>,
    /// Rotation about z, radians (own x axis = `(cos yaw, sin yaw, 0)`).
    pub yaw: f64,
}

impl YawBox {
    /// `p` in the box's own frame (centre at the origin, axes aligned).
    pub fn to_local(&self, p: &Point3<f64>) -> Vector3<f64> {
        let (s, c) = self.yaw.sin_cos();
        let v = p - self.center;
        Vector3::new(c * v.x + s * v.y, -s * v.x + c * v.y, v.z)
    }

    /// `true` when `p` lies inside the box grown by `margin` on every side.
    pub fn contains(&self, p: &Point3<f64>, margin: f64) -> bool {
        let l = self.to_local(p);
        (0..3).all(|k| l[k].abs() <= self.half[k] + margin)
    }
}

/// The ray against a [`YawBox`] by the slab method (Kay and Kajiya, SIGGRAPH 1986): in the box
/// frame, each axis `k` gives the entry/exit ranges `(±h_k − o_k) / d_k`; the ray is inside the
/// box over `[max_k t_near, min_k t_far]`. Hits only from outside (`t_near > 0`); the normal is
/// the axis whose slab is entered last.
pub fn hit_box(ray: &Ray, b: &YawBox) -> Option<SurfaceHit> {
    let o = b.to_local(&ray.origin);
    let (s, c) = b.yaw.sin_cos();
    let d = Vector3::new(c * ray.dir.x + s * ray.dir.y, -s * ray.dir.x + c * ray.dir.y, ray.dir.z);
    let (mut near, mut far, mut axis) = (f64::NEG_INFINITY, f64::INFINITY, 0usize);
    for k in 0..3 {
        if d[k] == 0.0 {
            if o[k].abs() > b.half[k] {
                return None;
            }
            continue;
        }
        let (t0, t1) = ((-b.half[k] - o[k]) / d[k], (b.half[k] - o[k]) / d[k]);
        let (lo, hi) = if t0 < t1 { (t0, t1) } else { (t1, t0) };
        if lo > near {
            near = lo;
            axis = k;
        }
        far = far.min(hi);
    }
    if near > far || near <= T_MIN {
        return None;
    }
    let mut local = Vector3::zeros();
    local[axis] = 1.0;
    let n = Vector3::new(c * local.x - s * local.y, s * local.x + c * local.y, local.z);
    Some(SurfaceHit { t: near, normal: facing(n, &ray.dir) })
}
