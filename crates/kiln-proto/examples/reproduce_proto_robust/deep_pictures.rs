//! Pictures of a trained deep CBC: every class's positive and negative reasoning over the
//! components, and, per class, what its strongest positive and negative components detect
//! (each component's most strongly detecting training image with the component's map over it).

use burn::prelude::Device;
use kiln_core::tensor::try_to_vec;
use kiln_data::procedural::class_description;
use kiln_proto::deep_cbc::DeepCbc;
use kiln_proto::render::{
    BLACK, Canvas, GREEN, Point, RED, RgbImage, heatmap_overlay, heatmap_rgb, scale_nearest, upsample_bilinear,
};

use crate::deep::PartData;

/// Strongest positive components shown per class.
const POSITIVE_SHOWN: usize = 3;
/// Strongest negative components shown per class.
const NEGATIVE_SHOWN: usize = 2;
/// Zoom of the image tiles.
const ZOOM: u32 = 3;
/// Side of one reasoning cell in pixels.
const CELL: u32 = 8;
/// Height of one text line in pixels.
const LINE: u32 = 11;
/// Gap between tiles and rows in pixels.
const GAP: u32 = 8;
/// Training images per detection pass.
const CHUNK: usize = 256;

/// The decoded reasoning `P⁺`, `P⁻` (`[K, C]` each, row-major) of a deep CBC.
pub struct Reasoning {
    positive: Vec<f32>,
    negative: Vec<f32>,
    components: usize,
    classes: usize,
}

impl Reasoning {
    /// Reads the reasoning of `model` to the host.
    pub fn of(model: &DeepCbc) -> kiln_core::Result<Self> {
        let (positive, negative) = model.head.reasoning_probabilities();
        let [components, classes] = positive.dims();
        Ok(Self { positive: try_to_vec(positive)?, negative: try_to_vec(negative)?, components, classes })
    }

    /// `P⁺_kc` (`positive`) or `P⁻_kc`.
    fn at(&self, k: usize, c: usize, positive: bool) -> f32 {
        let values = if positive { &self.positive } else { &self.negative };
        values[k * self.classes + c]
    }

    /// The `n` components with the largest positive (or negative) reasoning for class `c`.
    fn strongest(&self, c: usize, positive: bool, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.components).collect();
        order.sort_by(|&a, &b| self.at(b, c, positive).total_cmp(&self.at(a, c, positive)));
        order.truncate(n);
        order
    }
}

/// The reasoning as a jet heat map: two rows per class (`+` positive, `−` negative), one column
/// per component, with its colour scale written above.
pub fn reasoning_matrix(r: &Reasoning) -> RgbImage {
    let (rows, cols) = (2 * r.classes, r.components);
    let heat: Vec<f32> = (0..rows).flat_map(|row| (0..cols).map(move |k| r.at(k, row / 2, row % 2 == 0))).collect();
    let (lo, hi) = heat.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let cells = scale_nearest(&heatmap_rgb(&heat, rows, cols), CELL);
    let left = 36;
    let mut canvas = Canvas::new(left + cells.width() + GAP, 2 * LINE + cells.height() + GAP);
    canvas.text(
        Point::new(4, 2),
        &format!("reasoning per class (rows) over {cols} components (columns); blue {lo:.3}, red {hi:.3}"),
        BLACK,
        1,
    );
    canvas.paste(&cells, Point::new(left as i32, (2 * LINE) as i32));
    for row in 0..rows {
        let sign = if row % 2 == 0 { "+" } else { "-" };
        canvas.text(Point::new(4, (2 * LINE + row as u32 * CELL) as i32), &format!("{} {sign}", row / 2), BLACK, 1);
    }
    canvas.into_image()
}

/// For every component, the index of the training image that detects it most strongly, and
/// that detection.
fn strongest_images(model: &DeepCbc, data: &PartData, device: &Device) -> kiln_core::Result<Vec<(usize, f32)>> {
    let k = model.num_components();
    let mut best = vec![(0usize, f32::NEG_INFINITY); k];
    for (chunk_index, chunk) in data.train.chunks(CHUNK).enumerate() {
        let detections = try_to_vec(model.detections(data.batch(chunk, device).images))?;
        for (row, values) in detections.chunks(k).enumerate() {
            for (j, &d) in values.iter().enumerate() {
                if d > best[j].1 {
                    best[j] = (chunk_index * CHUNK + row, d);
                }
            }
        }
    }
    Ok(best)
}

/// Training image `index` with component `k`'s map (upsampled, min-max normalised) over it.
fn component_tile(
    model: &DeepCbc,
    data: &PartData,
    index: usize,
    k: usize,
    device: &Device,
) -> kiln_core::Result<RgbImage> {
    let example = &data.train[index];
    let maps = model.component_maps(data.batch(std::slice::from_ref(example), device).images);
    let [_, _, h, w] = maps.dims();
    let values = try_to_vec(maps)?;
    let heat = upsample_bilinear(&values[k * h * w..(k + 1) * h * w], h, w, example.image.height, example.image.width);
    Ok(scale_nearest(&heatmap_overlay(&example.image, &heat, 0.45), ZOOM))
}

/// One row per class: its strongest positive components (green captions) and negative ones
/// (red), each shown on the training image that detects it most, captioned with the
/// component's index, its reasoning probability `r` and that image's detection `d`.
pub fn component_panel(model: &DeepCbc, data: &PartData, device: &Device) -> kiln_core::Result<RgbImage> {
    let reasoning = Reasoning::of(model)?;
    let images = strongest_images(model, data, device)?;
    let side = data.train.first().map_or(0, |e| e.image.width as u32) * ZOOM;
    let shown = (POSITIVE_SHOWN + NEGATIVE_SHOWN) as u32;
    let row_height = 2 * LINE + side + GAP;
    let mut canvas = Canvas::new(GAP + shown * (side + GAP), GAP + reasoning.classes as u32 * row_height);
    for c in 0..reasoning.classes {
        let top = GAP + c as u32 * row_height;
        canvas.text(
            Point::new(GAP as i32, top as i32),
            &format!("class {c}: {}", class_description(reasoning.classes, c)),
            BLACK,
            1,
        );
        let positive = reasoning.strongest(c, true, POSITIVE_SHOWN).into_iter().map(|k| (k, true));
        let negative = reasoning.strongest(c, false, NEGATIVE_SHOWN).into_iter().map(|k| (k, false));
        for (slot, (k, is_positive)) in positive.chain(negative).enumerate() {
            let x = (GAP + slot as u32 * (side + GAP)) as i32;
            let (index, d) = images[k];
            let (sign, colour) = if is_positive { ("+", GREEN) } else { ("-", RED) };
            let caption = format!("{sign}{k} r{:.2} d{d:.2}", reasoning.at(k, c, is_positive));
            canvas.text(Point::new(x, (top + LINE) as i32), &caption, colour, 1);
            canvas.paste(&component_tile(model, data, index, k, device)?, Point::new(x, (top + 2 * LINE) as i32));
        }
    }
    Ok(canvas.into_image())
}
