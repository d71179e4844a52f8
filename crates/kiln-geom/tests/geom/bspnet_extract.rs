//! BSP-Net extraction on planted models (planes fixed by the generator's bias, T chosen): the
//! official redundancy culling drops a duplicate and a contained convex but keeps one that
//! adds volume, and a convex with no active plane is skipped instead of filling the box.

use burn::module::Param;
use burn::prelude::{Device, Tensor, TensorData};
use kiln_geom::bspnet::extract::{extract_2d, extract_3d};
use kiln_geom::bspnet::{BspNet, BspNetConfig};
use nalgebra::Point3;

const SIZE: usize = 16;

/// A `dims`-D model whose planes ignore the input: box `k` (the cube `[lo, hi]^dims`) is planes
/// `2·dims·k ..`; convex `j` uses the planes of box `columns[j]`, or none for `None`.
fn planted(dims: usize, boxes: &[[f32; 2]], columns: &[Option<usize>], device: &Device) -> BspNet {
    let per_box = 2 * dims;
    let p = per_box * boxes.len();
    let config = BspNetConfig::new(dims, SIZE)
        .with_ef_dim(4)
        .with_num_planes(p)
        .with_num_convexes(columns.len())
        .with_plane_scale(1.0);
    let mut model = config.init(device);
    // Plane i is column i of the [d+1, p] matrix: (n, d) with D_i(x) = n·x + d > 0 outside.
    let mut bias = vec![0.0f32; (dims + 1) * p];
    for (k, [lo, hi]) in boxes.iter().enumerate() {
        for axis in 0..dims {
            let (upper, lower) = (k * per_box + 2 * axis, k * per_box + 2 * axis + 1);
            bias[axis * p + upper] = 10.0;
            bias[dims * p + upper] = -10.0 * hi;
            bias[axis * p + lower] = -10.0;
            bias[dims * p + lower] = 10.0 * lo;
        }
    }
    let out = &mut model.generator.out;
    out.weight = Param::from_tensor(out.weight.val().zeros_like());
    out.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(bias, [(dims + 1) * p]), device)));
    let c = columns.len();
    let mut t = vec![0.0f32; p * c];
    for (j, column) in columns.iter().enumerate() {
        for i in column.iter().flat_map(|&k| k * per_box..(k + 1) * per_box) {
            t[i * c + j] = 1.0;
        }
    }
    model.convex_t = Param::from_tensor(Tensor::from_data(TensorData::new(t, [p, c]), device));
    model
}

/// Extracts a planted 3-D model on a `SIZE³` grid (the input's content does not matter).
fn extract_planted_3d(model: &BspNet, device: &Device) -> kiln_geom::bspnet::extract::BspShape3d {
    let voxels = Tensor::<5>::zeros([1, 1, SIZE, SIZE, SIZE], device);
    extract_3d(model, voxels, SIZE, device).remove(0)
}

/// Extracts a planted 2-D model on the `SIZE²` pixel centres.
fn extract_planted_2d(model: &BspNet, device: &Device) -> kiln_geom::bspnet::extract::BspShape2d {
    extract_2d(model, Tensor::<4>::zeros([1, 1, SIZE, SIZE], device), device).remove(0)
}

/// Box A, box B overlapping A and reaching beyond it, box C inside A.
const A: [f32; 2] = [-0.4, 0.0];
const B: [f32; 2] = [-0.1, 0.3];
const C: [f32; 2] = [-0.35, -0.05];

#[test]
fn culling_drops_a_planted_duplicate_and_a_contained_convex_and_keeps_an_overlapping_one() {
    let device = Device::flex();
    // Convexes: A, A again (the duplicate), B, C (inside A).
    let columns = [Some(0), Some(0), Some(1), Some(2)];
    let model = planted(3, &[A, B, C], &columns, &device);
    let shape = extract_planted_3d(&model, &device);
    assert_eq!(shape.convexes_before_culling, 4);
    // Visited in order: the first A is covered by its duplicate, C by the A that stays; B adds
    // the voxels beyond A, so it stays.
    assert_eq!(shape.convex_ids, vec![1, 2], "kept convexes");
    assert_eq!(shape.num_convexes(), 2);
    let at = |v: f32| Point3::new(v, v, v);
    assert!(shape.contains(&at(-0.3)) && shape.contains(&at(-0.2)), "A is still covered");
    assert!(shape.contains(&at(0.25)), "B's part beyond A is still covered");
    assert!(!shape.contains(&at(0.4)) && !shape.contains(&at(-0.45)));

    // The 2-D extraction culls the same way.
    let model = planted(2, &[A, B, C], &columns, &device);
    let shape = extract_planted_2d(&model, &device);
    assert_eq!((shape.convexes_before_culling, shape.polygons.len()), (4, 2));
    let raster = shape.rasterize(SIZE);
    let pixel = |v: f64| {
        let i = ((v + 0.5) * SIZE as f64) as usize;
        raster[i * SIZE + i]
    };
    assert!(pixel(-0.2) && pixel(0.25) && !pixel(0.4));
}

#[test]
fn a_convex_with_no_active_planes_is_skipped() {
    let device = Device::flex();
    // Convex 0 has no plane with T > 0.01: C_0 ≡ 0, "inside" at every grid point.
    let columns = [None, Some(0), Some(1)];
    let model = planted(3, &[A, B], &columns, &device);
    let shape = extract_planted_3d(&model, &device);
    // It is neither emitted (as the whole clip box) nor counted, and it does not make the
    // convexes it covers look redundant.
    assert_eq!(shape.convex_ids, vec![1, 2]);
    assert_eq!(shape.convexes_before_culling, 2);
    let corner = Point3::new(0.45, 0.45, -0.45);
    assert!(!shape.contains(&corner), "the clip box was emitted");
    let mesh = shape.mesh();
    let reach = mesh.vertices.iter().map(|v| v.x.abs().max(v.y.abs()).max(v.z.abs())).fold(0.0, f32::max);
    assert!(reach < 0.41, "vertices reach {reach}, beyond boxes A and B");

    let model = planted(2, &[A, B], &columns, &device);
    let shape = extract_planted_2d(&model, &device);
    assert_eq!((shape.convexes_before_culling, shape.polygons.len()), (2, 2));
    assert!(!shape.rasterize(SIZE)[SIZE - 1], "a corner pixel is covered");
}
