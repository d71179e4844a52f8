//! BSP-Net: the hard phase agrees with the extracted mesh, a short 2-D toy run learns the
//! shapes with few convexes, checkpoints reconstruct a file, and so does the shipped model.

use burn::module::Module;
use burn::prelude::{Device, Tensor, TensorData};
use kiln_geom::aabb::Aabb;
use kiln_geom::bspnet::data::{ShapeBatches, ShapeSample, ToyBatches};
use kiln_geom::bspnet::evaluate::evaluate_3d;
use kiln_geom::bspnet::extract::{extract_2d, extract_3d, hard_occupancy};
use kiln_geom::bspnet::reconstruct::{load_checkpoint, model_frame, reconstruct_file, save_checkpoint};
use kiln_geom::bspnet::train::{BspSchedule, train};
use kiln_geom::bspnet::{BspInput, BspNetConfig};
use kiln_geom::io::{read_mesh, write_mesh};
use kiln_geom::metrics::mask_iou;
use kiln_geom::ops::{VoxelGrid, is_inside};
use kiln_geom::shapes::{PrimitiveUnion, toy_set};

fn shapes_3d(n: usize, r: usize) -> ShapeBatches {
    let shapes = (0..n as u64)
        .map(|s| {
            let u = PrimitiveUnion::random(s);
            ShapeSample::coarse(u.voxelize(r), r, &|p| u.contains(p))
        })
        .collect();
    ShapeBatches { shapes, batch_size: 4, shuffle_seed: Some(0) }
}

#[test]
fn hard_phase_matches_the_extracted_mesh_on_a_grid() {
    let device = Device::flex();
    device.seed(3);
    // A large plane scale gives sharp planes, as training does (the 0.01 inside threshold
    // is then a thin shell around each polytope).
    let config = BspNetConfig::small_3d(16).with_num_planes(48).with_num_convexes(12).with_plane_scale(400.0);
    let data = shapes_3d(4, 16);
    // Planes from the (untrained) encoder; T chosen so that each convex has 4 planes, which
    // gives convexes of a few percent of the box each (a trained T is sparse too).
    let mut model = config.init(&device);
    let t: Vec<f32> = (0..48 * 12).map(|n| if (n / 12) % 12 == n % 12 { 1.0 } else { 0.0 }).collect();
    model.convex_t = burn::module::Param::from_tensor(Tensor::from_data(TensorData::new(t, [48, 12]), &device));
    let grid = 16;
    let batch = data.batch_of(&[0, 1, 2, 3], &device);
    let BspInput::Voxels(voxels) = batch.input else { unreachable!() };
    let shapes = extract_3d(&model, voxels.clone(), grid, &device);
    let points: Vec<Vec<f32>> =
        VoxelGrid::new(grid, Aabb::cube(0.5)).centers().iter().map(|c| vec![c.x, c.y, c.z]).collect();
    let implicit = hard_occupancy(&model, BspInput::Voxels(voxels), &points, &device);
    let mut inside_total = 0;
    for (shape, occ) in shapes.iter().zip(&implicit) {
        let meshes: Vec<_> = shape.polytopes.iter().map(|p| p.mesh()).collect();
        assert!(meshes.iter().all(|m| m.is_closed()));
        let mut agree = 0;
        for (p, &o) in points.iter().zip(occ) {
            let q = nalgebra::Point3::new(p[0], p[1], p[2]);
            let in_mesh = meshes.iter().any(|m| is_inside(m, &q));
            agree += (in_mesh == o) as usize;
            inside_total += o as usize;
        }
        let rate = agree as f32 / points.len() as f32;
        assert!(rate >= 0.99, "agreement {rate}");
    }
    let frac = inside_total as f32 / (4 * points.len()) as f32;
    assert!(frac > 0.01 && frac < 0.99, "non-trivial occupancy: {frac}");
}

#[test]
fn toy_2d_run_reaches_pixel_iou_with_few_convexes() {
    let device = Device::flex();
    device.seed(0);
    let size = 32;
    let images = toy_set(16, size, 1);
    let data = ToyBatches::new(images.clone(), 16, Some(0));
    let config = BspNetConfig::toy_2d(size);
    let schedule = BspSchedule { continuous_epochs: 300, hard_epochs: 100, ..Default::default() };
    let model = train(config.init(&device), &schedule.phases(), &data, 0, &device).unwrap();
    let flat: Vec<f32> = images.iter().flat_map(|i| i.to_f32()).collect();
    let input = Tensor::<4>::from_data(TensorData::new(flat, [16, 1, size, size]), &device);
    let shapes = extract_2d(&model, input, &device);
    let (mut inter, mut union, mut convexes) = (0.0, 0.0, 0);
    for (shape, img) in shapes.iter().zip(&images) {
        let raster = shape.rasterize(size);
        let iou = mask_iou(&raster, &img.pixels).unwrap();
        inter += iou;
        union += 1.0;
        convexes += shape.polygons.len();
    }
    let mean_iou = inter / union;
    let mean_convexes = convexes as f32 / shapes.len() as f32;
    eprintln!("toy 2-D: pixel IoU {mean_iou:.3}, {mean_convexes:.1} convexes");
    assert!(mean_iou > 0.5, "pixel IoU {mean_iou}");
    assert!(mean_convexes < config.num_convexes as f32, "{mean_convexes} convexes");
}

#[test]
fn checkpoint_round_trip_and_file_reconstruction() {
    let device = Device::flex();
    device.seed(1);
    let config = BspNetConfig::small_3d(16).with_num_planes(32).with_num_convexes(8);
    let model = config.init(&device);
    let dir = std::env::temp_dir().join(format!("kiln-geom-ckpt-{}", std::process::id()));
    save_checkpoint(&model, &config, &dir).unwrap();
    let (loaded, cfg) = load_checkpoint(&dir, &device).unwrap();
    assert_eq!(cfg.num_planes, 32);
    assert_eq!(loaded.t_values(), model.t_values());

    let shape = PrimitiveUnion::random(2);
    let input = dir.join("shape.off");
    write_mesh(&input, &shape.parts[0].mesh(12)).unwrap();
    let output = dir.join("mesh.obj");
    let rec = reconstruct_file(&input, Some(&dir), &output, &device).unwrap();
    let mesh = read_mesh(&output).unwrap();
    assert_eq!(mesh.faces.len(), rec.num_triangles);
    assert!(matches!(
        reconstruct_file(dir.join("missing.off"), Some(&dir), &output, &device),
        Err(kiln_geom::GeomError::Io { .. })
    ));
    // A directory without a checkpoint says how to make one; a mesh without faces is refused.
    let e = reconstruct_file(&input, Some(&dir.join("nothing")), &output, &device).unwrap_err();
    assert!(matches!(e, kiln_geom::GeomError::MissingCheckpoint { .. }), "{e}");
    assert!(e.to_string().contains("cargo xtask reproduce geom"), "{e}");
    let points = dir.join("points.obj");
    std::fs::write(&points, "v 0 0 0\nv 1 0 0\n").unwrap();
    let e = reconstruct_file(&points, Some(&dir), &output, &device).unwrap_err();
    assert!(matches!(e, kiln_geom::GeomError::NoFaces { .. }), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_shipped_model_reconstructs_a_held_out_shape() {
    let device = Device::flex();
    let (model, config) = kiln_geom::bspnet::shipped::load(&device).unwrap();
    assert_eq!(config.dims, 3);
    // A shape the model never saw, in the frame reconstruction puts its input in.
    let shape = PrimitiveUnion::random(20_000);
    let framed = shape.mapped(&model_frame(&shape.mesh(24).vertices));
    let eval = &evaluate_3d(&model, &[framed], config.input_size, 512, &device).unwrap()[0];
    assert!(eval.iou > 0.2, "voxel IoU {} of the shipped model", eval.iou);
    // And through the file path, without a checkpoint: the result lies where the input does.
    let dir = std::env::temp_dir().join(format!("kiln-geom-shipped-{}", std::process::id()));
    let (input, output) = (dir.join("shape.obj"), dir.join("mesh.off"));
    write_mesh(&input, &shape.mesh(24)).unwrap();
    let rec = reconstruct_file(&input, None, &output, &device).unwrap();
    let mesh = read_mesh(&output).unwrap();
    assert!(rec.num_convexes > 0 && !mesh.faces.is_empty());
    let (want, got) =
        (Aabb::from_points(&shape.mesh(24).vertices).unwrap(), Aabb::from_points(&mesh.vertices).unwrap());
    assert!((want.center() - got.center()).norm() < 0.2, "{want:?} vs {got:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_3d_code_is_a_sigmoid_and_the_2d_code_is_not_squashed() {
    let device = Device::flex();
    device.seed(4);
    // As in the official code: z = σ(conv₅(h)) in 3-D, z = lrelu(conv₅(h)) in 2-D.
    let model = BspNetConfig::small_3d(16).init(&device);
    let voxels = Tensor::<5>::random([3, 1, 16, 16, 16], burn::tensor::Distribution::Bernoulli(0.3), &device);
    let Some(encoder) = &model.encoder_3d else { panic!("a 3-D model has a voxel encoder") };
    let code = kiln_core::tensor::to_vec(encoder.forward(voxels));
    assert_eq!(code.len(), 3 * 64);
    assert!(code.iter().all(|&z| z > 0.0 && z < 1.0), "3-D code outside (0, 1): {code:?}");
    let model = BspNetConfig::toy_2d(16).init(&device);
    let image = Tensor::<4>::random([3, 1, 16, 16], burn::tensor::Distribution::Bernoulli(0.3), &device);
    let Some(encoder) = &model.encoder_2d else { panic!("a 2-D model has an image encoder") };
    let code = kiln_core::tensor::to_vec(encoder.forward(image));
    // Leaky ReLU keeps the sign: some of 192 values are negative (a sigmoid gives none).
    assert!(code.iter().any(|&z| z < 0.0), "2-D code squashed: {code:?}");
    assert!(code.iter().any(|&z| z > 0.0), "2-D code all negative: {code:?}");
}

#[test]
fn every_device_agrees_with_flex_on_planes_and_both_phases() {
    let flex = Device::flex();
    flex.seed(6);
    let config = BspNetConfig::toy_2d(16);
    let model = config.init(&flex);
    let image = Tensor::<4>::random([2, 1, 16, 16], burn::tensor::Distribution::Bernoulli(0.5), &flex);
    let points = Tensor::<3>::random([2, 32, 3], burn::tensor::Distribution::Uniform(-0.5, 0.5), &flex);
    let planes = model.planes(BspInput::Image(image.clone()));
    let want_cont = kiln_core::tensor::to_vec(model.continuous(points.clone(), planes.clone()).shape);
    let want_hard = kiln_core::tensor::to_vec(model.hard(points.clone(), planes).shape);
    kiln_core::testing::on_every_device(|spec, device| {
        let moved = model.clone().to_device(&device);
        let planes = moved.planes(BspInput::Image(Tensor::from_data(image.to_data(), &device)));
        let pts = Tensor::<3>::from_data(points.to_data(), &device);
        let cont = kiln_core::tensor::to_vec(moved.continuous(pts.clone(), planes.clone()).shape);
        let hard = kiln_core::tensor::to_vec(moved.hard(pts, planes).shape);
        for (name, got, want) in [("continuous", cont, &want_cont), ("hard", hard, &want_hard)] {
            let diff = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            assert!(diff < 1e-3, "{spec} {name}: max diff {diff} from flex");
        }
    });
}
