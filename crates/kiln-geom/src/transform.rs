//! Rigid transforms (rotation + translation) applied to clouds and meshes.

use nalgebra::{Isometry3, Translation3, UnitQuaternion, Vector3};

use crate::cloud::PointCloud;
use crate::mesh::TriangleMesh;

/// A rigid motion `x ↦ R x + t` (nalgebra's `Isometry3`).
pub type RigidTransform = Isometry3<f32>;

/// A rigid transform from Euler angles (roll, pitch, yaw; radians) and a translation.
pub fn rigid(angles: [f32; 3], translation: [f32; 3]) -> RigidTransform {
    Isometry3::from_parts(
        Translation3::new(translation[0], translation[1], translation[2]),
        UnitQuaternion::from_euler_angles(angles[0], angles[1], angles[2]),
    )
}

/// Things a rigid transform acts on: positions move, normals rotate.
pub trait Transformable {
    /// Applies `t` in place.
    fn transform(&mut self, t: &RigidTransform);
}

impl Transformable for PointCloud {
    fn transform(&mut self, t: &RigidTransform) {
        for p in &mut self.positions {
            *p = t * *p;
        }
        if let Some(normals) = &mut self.normals {
            for n in normals {
                *n = t.rotation * *n;
            }
        }
    }
}

impl Transformable for TriangleMesh {
    fn transform(&mut self, t: &RigidTransform) {
        for p in &mut self.vertices {
            *p = t * *p;
        }
    }
}

/// A random rotation, uniform on SO(3) (Shoemake's method), from three uniforms in `[0, 1)`.
pub fn rotation_from_uniforms(u: [f32; 3]) -> UnitQuaternion<f32> {
    let tau = std::f32::consts::TAU;
    let (a, b) = ((1.0 - u[0]).sqrt(), u[0].sqrt());
    let q = nalgebra::Quaternion::new(
        b * (tau * u[2]).cos(),
        a * (tau * u[1]).sin(),
        a * (tau * u[1]).cos(),
        b * (tau * u[2]).sin(),
    );
    UnitQuaternion::from_quaternion(q)
}

/// The translation part of `t` as a vector.
pub fn translation_of(t: &RigidTransform) -> Vector3<f32> {
    t.translation.vector
}
