//! Pictures without other software: an orthographic, z-buffered, Lambert-shaded renderer of
//! triangle meshes and voxel grids, and 2-D polygons as PNG or SVG.

use std::fmt::Write as _;
use std::path::Path;

use image::{Rgb, RgbImage};
use nalgebra::{Point2, Point3, Rotation3, Vector3};

use crate::error::{GeomError, Result};
use crate::mesh::TriangleMesh;

/// View and image settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RenderOptions {
    /// Image side in pixels.
    pub size: u32,
    /// Rotation about the vertical (z) axis, radians.
    pub azimuth: f32,
    /// Tilt towards the viewer, radians.
    pub elevation: f32,
    /// Half-width of the visible square in world units (1 fits `[-½, ½]³` at any angle).
    pub half_extent: f32,
    /// Surface colour.
    pub color: [u8; 3],
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self { size: 256, azimuth: 0.6, elevation: 0.5, half_extent: 0.9, color: [90, 140, 220] }
    }
}

/// Renders `mesh` orthographically: each pixel shows the nearest triangle, shaded
/// `0.25 + 0.75 |n · l|` with the light along the view direction; the background is white.
pub fn render_mesh(mesh: &TriangleMesh, opts: &RenderOptions) -> RgbImage {
    let size = opts.size.max(1) as usize;
    let rot = Rotation3::from_axis_angle(&Vector3::x_axis(), -std::f32::consts::FRAC_PI_2 + opts.elevation)
        * Rotation3::from_axis_angle(&Vector3::z_axis(), opts.azimuth);
    let to_screen = |p: &Point3<f32>| {
        let q = rot * p;
        let s = size as f32 / (2.0 * opts.half_extent);
        Point3::new((q.x + opts.half_extent) * s, (opts.half_extent - q.y) * s, q.z)
    };
    let screen: Vec<Point3<f32>> = mesh.vertices.iter().map(to_screen).collect();
    let mut depth = vec![f32::NEG_INFINITY; size * size];
    let mut img = RgbImage::from_pixel(size as u32, size as u32, Rgb([255, 255, 255]));
    for (f, tri) in mesh.faces.iter().enumerate() {
        let [a, b, c] = tri.map(|i| screen[i as usize]);
        let area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
        if area.abs() < 1e-9 {
            continue;
        }
        let n = rot * mesh.face_normal(f);
        let shade = 0.25 + 0.75 * n.z.abs();
        let color = Rgb(opts.color.map(|c| (c as f32 * shade).min(255.0) as u8));
        let (x0, x1) = (
            a.x.min(b.x).min(c.x).floor().max(0.0) as usize,
            a.x.max(b.x).max(c.x).ceil().min(size as f32 - 1.0) as usize,
        );
        let (y0, y1) = (
            a.y.min(b.y).min(c.y).floor().max(0.0) as usize,
            a.y.max(b.y).max(c.y).ceil().min(size as f32 - 1.0) as usize,
        );
        for y in y0..=y1 {
            for x in x0..=x1 {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let w0 = ((b.x - px) * (c.y - py) - (b.y - py) * (c.x - px)) / area;
                let w1 = ((c.x - px) * (a.y - py) - (c.y - py) * (a.x - px)) / area;
                let w2 = 1.0 - w0 - w1;
                if w0 < 0.0 || w1 < 0.0 || w2 < 0.0 {
                    continue;
                }
                let z = w0 * a.z + w1 * b.z + w2 * c.z;
                let k = y * size + x;
                if z > depth[k] {
                    depth[k] = z;
                    img.put_pixel(x as u32, y as u32, color);
                }
            }
        }
    }
    img
}

/// Saves an image as PNG (creating the directory), through [`kiln_render::save_png`].
pub fn save_png(image: &RgbImage, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    kiln_render::save_png(image, path)
        .map_err(|e| GeomError::Image { path: path.to_path_buf(), message: e.to_string() })
}

/// Places images side by side with a gap of `gap` white pixels.
pub fn side_by_side(images: &[RgbImage], gap: u32) -> RgbImage {
    let w = images.iter().map(|i| i.width()).sum::<u32>() + gap * images.len().saturating_sub(1) as u32;
    let h = images.iter().map(|i| i.height()).max().unwrap_or(1);
    let mut out = RgbImage::from_pixel(w.max(1), h, Rgb([255, 255, 255]));
    let mut x = 0;
    for im in images {
        image::imageops::replace(&mut out, im, x as i64, 0);
        x += im.width() + gap;
    }
    out
}

/// A binary mask (`size²`, row-major) as a black-on-white image, each pixel `scale²`.
pub fn mask_image(mask: &[bool], size: usize, scale: u32) -> RgbImage {
    let s = size as u32 * scale;
    RgbImage::from_fn(s, s, |x, y| {
        let on = mask.get((y / scale) as usize * size + (x / scale) as usize).copied().unwrap_or(false);
        if on { Rgb([30, 30, 30]) } else { Rgb([255, 255, 255]) }
    })
}

const PALETTE: [[u8; 3]; 6] =
    [[230, 60, 60], [60, 170, 60], [60, 90, 230], [220, 180, 30], [200, 60, 200], [40, 190, 200]];

fn to_pixel(p: &Point2<f64>, size: f64) -> (f64, f64) {
    // (row, col) in [-½, ½]² → (x = col, y = row) in pixels.
    ((p.y + 0.5) * size, (p.x + 0.5) * size)
}

/// Fills convex polygons (`(row, col)` in `[-½, ½]²`) in distinct colours on a `size²` image.
pub fn polygons_image(polygons: &[Vec<Point2<f64>>], size: u32) -> RgbImage {
    let mut img = RgbImage::from_pixel(size, size, Rgb([255, 255, 255]));
    for (k, poly) in polygons.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        for y in 0..size {
            for x in 0..size {
                let q = Point2::new((y as f64 + 0.5) / size as f64 - 0.5, (x as f64 + 0.5) / size as f64 - 0.5);
                if crate::polytope::polygon_contains(poly, &q) {
                    let old = img.get_pixel(x, y).0;
                    let mix = |o: u8, c: u8| if o == 255 { c } else { ((o as u16 + c as u16) / 2) as u8 };
                    img.put_pixel(x, y, Rgb([mix(old[0], color[0]), mix(old[1], color[1]), mix(old[2], color[2])]));
                }
            }
        }
    }
    img
}

/// Convex polygons as an SVG document of side `size`.
pub fn polygons_svg(polygons: &[Vec<Point2<f64>>], size: u32) -> String {
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (k, poly) in polygons.iter().enumerate() {
        let [r, g, b] = PALETTE[k % PALETTE.len()];
        let pts: Vec<String> = poly
            .iter()
            .map(|p| {
                let (x, y) = to_pixel(p, size as f64);
                format!("{x:.2},{y:.2}")
            })
            .collect();
        let _ = writeln!(
            s,
            "<polygon points=\"{}\" fill=\"rgb({r},{g},{b})\" fill-opacity=\"0.6\" stroke=\"black\" stroke-width=\"0.5\"/>",
            pts.join(" ")
        );
    }
    s.push_str("</svg>\n");
    s
}
