//! Sampling, normalisation, voxelisation, occupancy, FPS and kNN.

use kiln_geom::aabb::Aabb;
use kiln_geom::convert::{points_to_tensor, tensor_to_points};
use kiln_geom::ops::{
    VoxelGrid, farthest_point_sampling, is_inside, knn, normalize_unit_cube, normalize_unit_sphere, sample_surface,
    winding_number,
};
use kiln_geom::shapes::Primitive;
use kiln_geom::transform::{Transformable, rigid};
use kiln_geom::{PointCloud, TriangleMesh};
use nalgebra::{Point3, Vector3};

/// Distance from `p` to triangle `abc`'s plane, and whether its projection is inside.
fn on_triangle(p: &Point3<f32>, t: [Point3<f32>; 3]) -> bool {
    let [a, b, c] = t;
    let n = (b - a).cross(&(c - a));
    let area2 = n.norm();
    let dist = (p - a).dot(&n) / area2;
    let sub = |u: Point3<f32>, v: Point3<f32>| (v - u).cross(&(p - u)).dot(&n) / (area2 * area2);
    dist.abs() < 1e-5 && sub(a, b) >= -1e-5 && sub(b, c) >= -1e-5 && sub(c, a) >= -1e-5
}

#[test]
fn sampled_points_lie_on_the_mesh_with_its_normals() {
    let mesh = Primitive::Wedge { center: Point3::new(0.1, 0.0, -0.1), half: Vector3::new(0.3, 0.2, 0.25) }.mesh(8);
    let cloud = sample_surface(&mesh, 500, 7).unwrap();
    let normals = cloud.normals.as_ref().unwrap();
    for (p, n) in cloud.positions.iter().zip(normals) {
        let hit = (0..mesh.faces.len()).find(|&f| on_triangle(p, mesh.triangle(f)));
        let f = hit.unwrap_or_else(|| panic!("{p} is on no face"));
        assert!(
            (mesh.face_normal(f) - n).norm() < 1e-5
                || (0..mesh.faces.len())
                    .any(|g| on_triangle(p, mesh.triangle(g)) && (mesh.face_normal(g) - n).norm() < 1e-5)
        );
    }
    // Area weighting: the share of points on the big diagonal face follows its area.
    assert_eq!(sample_surface(&mesh, 500, 7).unwrap(), cloud);
}

#[test]
fn winding_number_separates_inside_and_outside() {
    let mesh = TriangleMesh::cuboid(&Aabb::cube(0.5));
    assert!(mesh.is_closed());
    assert!((mesh.signed_volume() - 1.0).abs() < 1e-5);
    assert!((winding_number(&mesh, &Point3::new(0.1, 0.2, -0.3)) - 1.0).abs() < 1e-9);
    assert!(winding_number(&mesh, &Point3::new(0.9, 0.0, 0.0)).abs() < 1e-9);
    let sphere = Primitive::Sphere { center: Point3::origin(), radius: 0.4 }.mesh(24);
    assert!(sphere.is_closed());
    let grid = VoxelGrid::from_mesh(10, Aabb::cube(0.5), &sphere);
    let exact = VoxelGrid::from_fn(10, Aabb::cube(0.5), |p| p.coords.norm() <= 0.4);
    let differ = grid.occupied.iter().zip(&exact.occupied).filter(|(a, b)| a != b).count();
    assert!(differ <= 8, "{differ} cells differ");
    assert!(!is_inside(&sphere, &Point3::new(0.0, 0.0, 0.45)));
}

#[test]
fn normalisation_fits_the_unit_cube_and_sphere() {
    let mut pts = vec![Point3::new(2.0, 3.0, 4.0), Point3::new(6.0, 5.0, 4.5)];
    let n = normalize_unit_cube(&mut pts);
    let b = Aabb::from_points(&pts).unwrap();
    assert!((b.extent().max() - 1.0).abs() < 1e-6 && b.center().coords.norm() < 1e-6);
    assert!((n.invert(&pts[0]) - Point3::new(2.0, 3.0, 4.0)).norm() < 1e-5);
    let mut pts = vec![Point3::new(1.0, 1.0, 1.0), Point3::new(3.0, 1.0, 1.0), Point3::new(2.0, 1.5, 1.0)];
    normalize_unit_sphere(&mut pts);
    let r = pts.iter().map(|p| p.coords.norm()).fold(0.0f32, f32::max);
    assert!((r - 1.0).abs() < 1e-6);
}

#[test]
fn fps_and_knn_on_a_line() {
    let pts: Vec<Point3<f32>> = (0..11).map(|i| Point3::new(i as f32, 0.0, 0.0)).collect();
    assert_eq!(farthest_point_sampling(&pts, 3, 0), vec![0, 10, 5]);
    let nn = knn(&pts, &[Point3::new(3.2, 0.0, 0.0)], 3);
    assert_eq!(nn, vec![vec![3, 4, 2]]);
}

#[test]
fn voxelising_points_and_tensor_round_trip() {
    let pts = vec![Point3::new(-0.49, -0.49, -0.49), Point3::new(0.3, 0.3, 0.3), Point3::new(2.0, 0.0, 0.0)];
    let g = VoxelGrid::from_points(4, Aabb::cube(0.5), &pts);
    assert_eq!(g.count(), 2);
    assert!(g.occupied[g.index(0, 0, 0)] && g.occupied[g.index(3, 3, 3)]);
    let device = burn::prelude::Device::flex();
    assert_eq!(tensor_to_points(points_to_tensor(&pts, &device)).unwrap(), pts);
}

#[test]
fn rigid_transforms_preserve_distances_and_rotate_normals() {
    let mut cloud = PointCloud::new(vec![Point3::new(1.0, 0.0, 0.0), Point3::new(0.0, 2.0, 0.0)])
        .with_normals(vec![Vector3::x(), Vector3::y()])
        .unwrap();
    let d0 = (cloud.positions[0] - cloud.positions[1]).norm();
    cloud.transform(&rigid([0.3, -1.1, 2.0], [0.5, 1.0, -2.0]));
    assert!(((cloud.positions[0] - cloud.positions[1]).norm() - d0).abs() < 1e-5);
    let n = cloud.normals.unwrap();
    assert!((n[0].norm() - 1.0).abs() < 1e-6 && n[0].dot(&n[1]).abs() < 1e-6);
}
