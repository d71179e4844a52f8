//! [`Scene`]: the ground plane, walls and labelled boxes a simulated LiDAR sees; a ray takes
//! the nearest hit among them.

use super::ray::{Ray, SurfaceHit, Wall, YawBox, hit_box, hit_ground, hit_wall};
use super::scan::{LidarClass, SemanticLabel};

/// A box in a scene with its label (opponent cars: [`LidarClass::Car`] and an instance id).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelledBox {
    /// The box.
    pub shape: YawBox,
    /// Its label.
    pub label: SemanticLabel,
}

/// The nearest surface a ray meets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Range and normal.
    pub surface: SurfaceHit,
    /// The label of the surface hit.
    pub label: SemanticLabel,
}

/// A static scene: an optional ground plane (labelled [`LidarClass::Road`]), walls
/// ([`LidarClass::Fence`]) and labelled boxes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    /// Height of the ground plane `z = ground`, if there is one.
    pub ground: Option<f64>,
    /// Vertical walls.
    pub walls: Vec<Wall>,
    /// Boxes.
    pub boxes: Vec<LabelledBox>,
}

impl Scene {
    /// The nearest hit with range `t ≤ max_range`, over the ground, every wall and every box
    /// (ties go to the first found: ground, then walls, then boxes).
    pub fn cast(&self, ray: &Ray, max_range: f64) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        let mut consider = |surface: Option<SurfaceHit>, label: SemanticLabel| {
            if let Some(s) = surface.filter(|s| s.t <= max_range)
                && best.is_none_or(|b| s.t < b.surface.t)
            {
                best = Some(Hit { surface: s, label });
            }
        };
        if let Some(z) = self.ground {
            consider(hit_ground(ray, z), LidarClass::Road.label(0));
        }
        for wall in &self.walls {
            consider(hit_wall(ray, wall), LidarClass::Fence.label(0));
        }
        for b in &self.boxes {
            consider(hit_box(ray, &b.shape), b.label);
        }
        best
    }
}
