//! The BEV stack of hand-placed points: the max height per cell binarised above the ground
//! layer, frames as channels; and the class targets.

use burn::prelude::Device;
use kiln_geom::GeomError;
use kiln_geom::lidar::{LidarClass, LidarScan};
use kiln_geom::ppn::{BevStack, PpnClass, PpnConfig};
use nalgebra::Point3;

/// 1 m cells on a 4² grid (x, y ∈ [−2, 2)), 2 frames; the sensor 1 m above the ground and
/// 0.1 m layers, so a point is elevated when `z + 1 ≥ 0.1`.
fn stack() -> BevStack {
    let config = PpnConfig {
        resolution: 1.0,
        cells: 4,
        z_layers: 50,
        z_top: 5.0,
        sensor_height: 1.0,
        frames: 2,
        stages: 1,
        base_channels: 2,
    };
    config.bev_stack().expect("stack")
}

fn scan(points: &[(f32, f32, f32, LidarClass)]) -> LidarScan {
    LidarScan::new(points.iter().map(|p| Point3::new(p.0, p.1, p.2)).collect(), vec![0.5; points.len()])
        .expect("scan")
        .with_labels(points.iter().map(|p| p.3.label(0)).collect())
        .expect("labels")
}

#[test]
fn hand_placed_points_give_the_expected_channels() {
    use LidarClass::{Car, Fence, Road};
    let first = scan(&[
        // Cell (2, 2) (flat 2·4 + 2 = 10): 1 m above the ground.
        (0.5, 0.5, 0.0, Car),
        // Far above z_top: the top layer, still occupied, same cell.
        (0.2, 0.7, 10.0, Car),
        // Cell (0, 2): on the ground (h = 0), stays empty.
        (-1.5, 0.5, -1.0, Road),
        // Cell (0, 0): 5 cm up, inside the ground layer: empty.
        (-1.5, -1.5, -0.95, Road),
        // Cell (3, 0) (flat 3): 20 cm up.
        (1.5, -1.5, -0.8, Fence),
        // Outside the grid: dropped.
        (2.0, 0.0, 0.0, Fence),
        (0.0, -2.5, 0.0, Fence),
    ]);
    let second = scan(&[(-0.5, 1.5, 0.5, Fence)]); // cell (1, 3): flat 13
    let bev = stack();
    let mut expected = [[0.0f32; 16]; 2];
    expected[0][10] = 1.0;
    expected[0][3] = 1.0;
    expected[1][13] = 1.0;
    assert_eq!(bev.occupancy(&first).expect("occupancy"), expected[0].to_vec());
    let device = Device::flex();
    let x = bev.tensor(&[first, second], &device).expect("tensor");
    assert_eq!(x.dims(), [1, 2, 4, 4]);
    let values = kiln_core::tensor::to_vec(x);
    assert_eq!(values, expected.concat());
}

#[test]
fn classes_put_cars_over_walls_and_ignore_the_ground() {
    use LidarClass::{Car, Fence, Road};
    let s = scan(&[
        // Cell (2, 2): a wall and a car point: car.
        (0.5, 0.5, 0.0, Fence),
        (0.6, 0.4, -0.5, Car),
        // Cell (3, 0): only a wall.
        (1.5, -1.5, -0.8, Fence),
        // Cell (0, 0): a car return on the ground layer: empty.
        (-1.5, -1.5, -0.95, Car),
        // Cell (1, 1): a road point far up (not a car): wall.
        (-0.5, -0.5, 0.5, Road),
    ]);
    let classes = stack().classes(&s).expect("classes");
    let mut expected = vec![PpnClass::Empty as u8; 16];
    expected[10] = PpnClass::Car as u8;
    expected[3] = PpnClass::Wall as u8;
    expected[5] = PpnClass::Wall as u8;
    assert_eq!(classes, expected);
    // Target occupancy is the input occupancy of the same scan.
    let occ = stack().occupancy(&s).expect("occupancy");
    assert!(classes.iter().zip(&occ).all(|(&c, &o)| (c != 0) == (o > 0.5)));
}

#[test]
fn wrong_frame_counts_and_unlabelled_targets_are_refused() {
    let bev = stack();
    let one = scan(&[(0.5, 0.5, 0.0, LidarClass::Car)]);
    let device = Device::flex();
    for scans in [vec![], vec![one.clone()], vec![one.clone(), one.clone(), one.clone()]] {
        match bev.tensor(&scans, &device) {
            Err(GeomError::Invalid(m)) => assert!(m.contains("2 frames"), "{m}"),
            other => panic!("{} scans: {other:?}", scans.len()),
        }
    }
    let unlabelled = LidarScan::new(vec![Point3::new(0.0, 0.0, 0.0)], vec![0.1]).expect("scan");
    assert!(matches!(bev.classes(&unlabelled), Err(GeomError::Invalid(_))));
}
