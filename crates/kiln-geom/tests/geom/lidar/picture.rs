//! BEV pictures: size, orientation and colours, and the `.bin` → PNG path.

use image::Rgb;
use kiln_geom::io::kitti_bin::{BinLayout, write_bin};
use kiln_geom::lidar::picture::class_color;
use kiln_geom::lidar::{BevConfig, LidarClass, LidarScan, SemanticLabel, bev_png_from_bin, rasterize, render_bev};
use nalgebra::Point3;

/// 1 m cells, 3 along x and 2 along y.
fn grid() -> BevConfig {
    BevConfig { resolution: 1.0, x_range: [0.0, 3.0], y_range: [0.0, 2.0] }
}

#[test]
fn picture_is_ny_wide_nx_tall_with_forward_up_and_left_left() {
    // A car in cell (2, 1) (front left) and road in cell (0, 0) (back right).
    let scan = LidarScan::new(vec![Point3::new(2.5, 1.5, 1.0), Point3::new(0.5, 0.5, 0.0)], vec![0.5, 0.5])
        .expect("scan")
        .with_labels(vec![LidarClass::Car.label(1), LidarClass::Road.label(0)])
        .expect("labels");
    let img = render_bev(&rasterize(&scan, &grid()).expect("bev"));
    assert_eq!(img.dimensions(), (2, 3));
    assert_eq!(*img.get_pixel(0, 0), Rgb(class_color(10)));
    assert_eq!(*img.get_pixel(1, 2), Rgb(class_color(40)));
    for (x, y) in [(1, 0), (0, 1), (1, 1), (0, 2)] {
        assert_eq!(*img.get_pixel(x, y), Rgb([0, 0, 0]), "empty cell at pixel ({x}, {y})");
    }
    assert_ne!(class_color(10), class_color(40));
    assert_eq!(class_color(SemanticLabel::new(99, 0).class), [255, 255, 255]);
}

#[test]
fn unlabelled_pictures_shade_by_height() {
    let scan =
        LidarScan::new(vec![Point3::new(2.5, 1.5, 3.0), Point3::new(0.5, 0.5, -1.0)], vec![0.5, 0.5]).expect("scan");
    let img = render_bev(&rasterize(&scan, &grid()).expect("bev"));
    assert_eq!(*img.get_pixel(0, 0), Rgb([255, 255, 255]));
    assert_eq!(*img.get_pixel(1, 2), Rgb([64, 64, 64]));
}

#[test]
fn bin_to_png_uses_the_default_grid() {
    let bin = super::tmp("picture", "scan.bin");
    let png = super::tmp("picture", "bev.png");
    let scan =
        LidarScan::new(vec![Point3::new(1.1, 2.1, 0.5), Point3::new(60.0, 0.0, 0.0)], vec![0.3, 0.4]).expect("scan");
    write_bin(&bin, &scan, BinLayout::Kitti).expect("write");
    let bev = bev_png_from_bin(&bin, &png).expect("bev png");
    assert_eq!((bev.nx, bev.ny), (512, 512));
    assert_eq!(bev.points_kept(), 1, "the point 60 m ahead is off the ±51.2 m grid");
    let img = image::open(&png).expect("png").to_rgb8();
    assert_eq!(img.dimensions(), (512, 512));
    // Cell (261, 266) → column 511 − 266, row 511 − 261.
    assert_eq!(bev.cell_of(1.1, 2.1), Some((261, 266)));
    assert_ne!(*img.get_pixel(245, 250), Rgb([0, 0, 0]));
}
