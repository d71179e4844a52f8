//! Bird's-eye-view rasters of hand-placed points, checked cell by cell.

use kiln_geom::GeomError;
use kiln_geom::lidar::bev::MAX_CELLS;
use kiln_geom::lidar::{BevConfig, LidarScan, SemanticLabel, rasterize};
use nalgebra::Point3;

/// 1 m cells over x ∈ [−2, 2), y ∈ [−1, 3): 4 × 4.
fn grid() -> BevConfig {
    BevConfig { resolution: 1.0, x_range: [-2.0, 2.0], y_range: [-1.0, 3.0] }
}

/// Points `(x, y, z, intensity, class)`.
fn scan(points: &[(f32, f32, f32, f32, u16)]) -> LidarScan {
    LidarScan::new(points.iter().map(|p| Point3::new(p.0, p.1, p.2)).collect(), points.iter().map(|p| p.3).collect())
        .expect("scan")
        .with_labels(points.iter().map(|p| SemanticLabel::new(p.4, 0)).collect())
        .expect("labels")
}

#[test]
fn hand_placed_points_fill_the_right_cells() {
    let points = [
        // Cell (2, 1): three points, two cars and a road point.
        (0.5, 0.5, 1.0, 0.2, 40),
        (0.9, 0.1, 3.0, 0.4, 10),
        (0.2, 0.7, -1.0, 0.6, 10),
        // The lower corner of the grid belongs to cell (0, 0).
        (-2.0, -1.0, 0.5, 1.0, 51),
        // Just inside the upper corner: cell (3, 3).
        (1.99, 2.99, -0.25, 0.5, 40),
        // Cell (1, 2): a one-all tie between fence (51) and road (40) goes to the smaller id.
        (-0.5, 1.5, 2.0, 0.1, 51),
        (-0.1, 1.9, 1.0, 0.3, 40),
        // Outside: on the upper x edge, past y, below x, and NaN.
        (2.0, 0.0, 9.0, 9.0, 10),
        (0.0, 3.0, 9.0, 9.0, 10),
        (-2.01, 0.0, 9.0, 9.0, 10),
        (f32::NAN, 0.0, 9.0, 9.0, 10),
        (0.0, f32::INFINITY, 9.0, 9.0, 10),
    ];
    let bev = rasterize(&scan(&points), &grid()).expect("bev");
    assert_eq!((bev.nx, bev.ny), (4, 4));
    assert_eq!(bev.points_kept(), 7);
    let mut count = vec![0u32; 16];
    let mut height = vec![0.0f32; 16];
    let mut intensity = vec![0.0f32; 16];
    let mut class = vec![0u16; 16];
    for (ix, iy, n, h, i, c) in
        [(2, 1, 3, 3.0, 0.4, 10), (0, 0, 1, 0.5, 1.0, 51), (3, 3, 1, -0.25, 0.5, 40), (1, 2, 2, 2.0, 0.2, 40)]
    {
        let k = bev.index(ix, iy);
        assert_eq!(k, iy * 4 + ix);
        (count[k], height[k], intensity[k], class[k]) = (n, h, i, c);
    }
    assert_eq!(bev.count, count);
    assert_eq!(bev.max_height, height);
    for (got, want) in bev.mean_intensity.iter().zip(&intensity) {
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
    assert_eq!(bev.majority_class, Some(class));
    let occupancy: Vec<f32> = count.iter().map(|&n| if n > 0 { 1.0 } else { 0.0 }).collect();
    assert_eq!(bev.occupancy(), occupancy);
    assert_eq!(bev.cell_of(0.5, 0.5), Some((2, 1)));
    assert_eq!(bev.cell_of(2.0, 0.5), None);
    assert_eq!(bev.cell_of(-2.0, -1.0), Some((0, 0)));
}

#[test]
fn points_with_a_non_finite_height_are_dropped() {
    let points = [(0.5, 0.5, 1.0, 0.2, 40), (0.5, 0.5, f32::NAN, 0.2, 10), (0.6, 0.6, f32::INFINITY, 0.2, 10)];
    let bev = rasterize(&scan(&points), &grid()).expect("bev");
    let k = bev.index(2, 1);
    assert_eq!(bev.points_kept(), 1);
    assert_eq!((bev.count[k], bev.max_height[k]), (1, 1.0));
    assert_eq!(bev.majority_class.as_ref().map(|c| c[k]), Some(40));
}

#[test]
fn unlabelled_scans_have_no_class_channel_and_empty_scans_an_empty_grid() {
    let plain = LidarScan::new(vec![Point3::new(0.5, 0.5, 1.0)], vec![0.7]).expect("scan");
    let bev = rasterize(&plain, &grid()).expect("bev");
    assert_eq!(bev.majority_class, None);
    assert_eq!(bev.mean_intensity[bev.index(2, 1)], 0.7);
    let empty = rasterize(&LidarScan::default(), &grid()).expect("bev");
    assert_eq!(empty.points_kept(), 0);
    assert!(empty.max_height.iter().chain(&empty.mean_intensity).all(|&v| v == 0.0));
}

#[test]
fn inconsistent_scans_are_refused() {
    let mut s = scan(&[(0.5, 0.5, 1.0, 0.2, 40)]);
    s.intensities.clear();
    assert!(matches!(rasterize(&s, &grid()), Err(GeomError::Invalid(_))));
}

#[test]
fn grid_sizes_and_bad_grids() {
    assert_eq!(BevConfig::default().cells().expect("default"), (512, 512));
    assert_eq!(grid().cells().expect("grid"), (4, 4));
    let bad = [
        BevConfig { resolution: 0.0, ..grid() },
        BevConfig { resolution: -1.0, ..grid() },
        BevConfig { resolution: f32::NAN, ..grid() },
        BevConfig { x_range: [2.0, -2.0], ..grid() },
        BevConfig { x_range: [0.0, 0.0], ..grid() },
        BevConfig { y_range: [0.0, 3.5], ..grid() },
        BevConfig { x_range: [f32::NEG_INFINITY, 0.0], ..grid() },
        BevConfig { resolution: 0.01, x_range: [-50.0, 50.0], y_range: [-50.0, 50.0] },
    ];
    for config in bad {
        assert!(matches!(config.cells(), Err(GeomError::BadBevGrid { .. })), "{config:?}");
        assert!(rasterize(&LidarScan::default(), &config).is_err());
    }
    // Exactly the cap is allowed.
    let side = (MAX_CELLS as f64).sqrt() as f32;
    let at_cap = BevConfig { resolution: 1.0, x_range: [0.0, side], y_range: [0.0, side] };
    assert_eq!(at_cap.cells().expect("at the cap"), (4096, 4096));
}
