//! Procedural shapes: deterministic, closed meshes that agree with the occupancy functions.

use kiln_geom::ops::is_inside;
use kiln_geom::shapes::{PrimitiveUnion, toy_set};
use nalgebra::Point3;

#[test]
fn primitive_unions_are_deterministic_and_meshes_match_occupancy() {
    assert_eq!(PrimitiveUnion::random(5), PrimitiveUnion::random(5));
    assert_ne!(PrimitiveUnion::random(5), PrimitiveUnion::random(6));
    for seed in 0..4 {
        let shape = PrimitiveUnion::random(seed);
        for part in &shape.parts {
            let mesh = part.mesh(32);
            assert!(mesh.is_closed(), "{part:?}");
            assert!(mesh.signed_volume() > 0.0, "{part:?} outward");
            let mut agree = 0;
            let n = 6 * 6 * 6;
            for i in 0..n {
                let c = |k: usize| (k as f32 + 0.5) / 6.0 - 0.5;
                let p = Point3::new(c(i / 36), c((i / 6) % 6), c(i % 6));
                agree += (is_inside(&mesh, &p) == part.contains(&p)) as usize;
            }
            assert!(agree >= n - 4, "{part:?}: {agree}/{n}");
        }
        let surface = shape.sample_surface(400, seed).unwrap();
        assert!(surface.len() > 20, "{} of 400 kept", surface.len());
        let normals = surface.normals.as_ref().unwrap();
        for (p, n) in surface.positions.iter().zip(normals) {
            assert!(!shape.contains(&(p + n * 1e-3)), "kept points are on the outer surface");
        }
    }
}

#[test]
fn toy_images_hold_three_shapes_deterministically() {
    let a = toy_set(3, 64, 9);
    assert_eq!(a, toy_set(3, 64, 9));
    for img in &a {
        let filled = img.pixels.iter().filter(|&&p| p).count();
        // Diamond areas 2s²: hollow (3/4 of 2·12²..2·16²), cross (5/9 of 4s²), diamond 2·8²..2·12².
        assert!((300..1600).contains(&filled), "{filled}");
    }
}
