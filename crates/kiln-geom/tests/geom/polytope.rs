//! Half-space intersection: the unit cube from its six planes, polygons in 2-D.

use std::collections::HashSet;

use kiln_geom::aabb::Aabb;
use kiln_geom::polytope::{ConvexPolytope, halfplane_polygon};
use nalgebra::{Point3, Vector2, Vector3};

#[test]
fn six_planes_of_a_unit_cube_give_8_vertices_and_12_triangles() {
    let h = 0.5;
    let planes: Vec<(Vector3<f64>, f64)> = vec![
        (Vector3::x(), -h),
        (-Vector3::x(), -h),
        (Vector3::y(), -h),
        (-Vector3::y(), -h),
        (Vector3::z(), -h),
        (-Vector3::z(), -h),
    ];
    // Clipped from a larger box, as in BSP-Net's extraction.
    let cube = ConvexPolytope::from_halfspaces(&planes, &Aabb::cube(2.0)).unwrap();
    let mesh = cube.mesh();
    assert_eq!(mesh.vertices.len(), 8);
    assert_eq!(mesh.faces.len(), 12);
    let corners: HashSet<[i32; 3]> =
        mesh.vertices.iter().map(|v| [v.x, v.y, v.z].map(|c| (c * 2.0).round() as i32)).collect();
    assert_eq!(corners.len(), 8);
    assert!(corners.iter().all(|c| c.iter().all(|x| x.abs() == 1)));
    assert!(mesh.is_closed());
    assert!((mesh.signed_volume() - 1.0).abs() < 1e-5, "outward orientation, volume 1");
    assert!((mesh.area() - 6.0).abs() < 1e-5);
    // The box's own planes coincide with the cube's when it is the clip box: no duplicate faces.
    let same = ConvexPolytope::from_halfspaces(&planes, &Aabb::cube(0.5)).unwrap().mesh();
    assert_eq!((same.vertices.len(), same.faces.len()), (8, 12));
    assert!(cube.contains(&Point3::new(0.4, -0.4, 0.0), 0.0) && !cube.contains(&Point3::new(0.6, 0.0, 0.0), 0.0));
}

#[test]
fn a_tetrahedron_and_an_empty_intersection() {
    let planes =
        vec![(-Vector3::x(), 0.0), (-Vector3::y(), 0.0), (-Vector3::z(), 0.0), (Vector3::new(1.0, 1.0, 1.0), -0.3)];
    let tet = ConvexPolytope::from_halfspaces(&planes, &Aabb::cube(0.5)).unwrap().mesh();
    assert_eq!((tet.vertices.len(), tet.faces.len()), (4, 4));
    assert!((tet.signed_volume() - 0.3f32.powi(3) / 6.0).abs() < 1e-6);
    let empty = vec![(Vector3::x(), 0.1), (-Vector3::x(), 0.1)];
    assert!(ConvexPolytope::from_halfspaces(&empty, &Aabb::cube(0.5)).is_none());
}

#[test]
fn halfplanes_give_a_diamond() {
    let s = 0.25;
    let lines: Vec<(Vector2<f64>, f64)> =
        [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)].iter().map(|&(a, b)| (Vector2::new(a, b), -s)).collect();
    let poly = halfplane_polygon(&lines, -0.5, 0.5).unwrap();
    assert_eq!(poly.len(), 4);
    let area: f64 = (0..4)
        .map(|i| {
            let (p, q) = (poly[i], poly[(i + 1) % 4]);
            p.x * q.y - q.x * p.y
        })
        .sum::<f64>()
        / 2.0;
    assert!((area - 2.0 * s * s).abs() < 1e-9);
}
