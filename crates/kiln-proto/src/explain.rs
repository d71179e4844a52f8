//! "This looks like that" explanations: for one image, the prototypes that contributed most to
//! the predicted class, each with its similarity map over the input, its source patch (from
//! push) and its contribution `similarity × weight`; as text, JSON and a PNG. Also a gallery of
//! all prototypes.

use burn::prelude::{Device, Tensor};
use image::RgbImage;
use kiln_core::tensor::to_vec;
use kiln_data::{Batcher, Image, ImageBatcher};
use serde::{Deserialize, Serialize};

use crate::ProtoPNet;
use crate::push_set::{PrototypeSource, PushReport, PushSet};
use crate::render::{
    BLACK, Canvas, GREEN, Point, RED, Rect, WHITE, YELLOW, crop, grid, heatmap_overlay, high_activation_box,
    scale_nearest, text_size, to_rgb, upsample_bilinear, wrap_at_commas,
};
use crate::similarity::log_similarity;

/// One prototype's part in a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrototypeEvidence {
    /// Prototype index.
    pub prototype: usize,
    /// The prototype's class.
    pub class: usize,
    /// Similarity of its closest patch, `log((d+1)/(d+ε))`.
    pub similarity: f32,
    /// Last-layer weight from this prototype to the predicted class.
    pub weight: f32,
    /// `similarity × weight`.
    pub contribution: f32,
    /// Position `(row, column)` of the closest patch in the latent grid.
    pub patch: (usize, usize),
    /// Similarity map over the latent grid (row-major `H × W`).
    pub activation: Vec<f32>,
    /// Where the prototype came from, when a push report was given.
    pub source: Option<PrototypeSource>,
}

/// Why the model predicted what it predicted for one image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Predicted class.
    pub predicted: usize,
    /// All class scores.
    pub logits: Vec<f32>,
    /// Latent grid `(H, W)`.
    pub grid: (usize, usize),
    /// The prototypes with the largest contributions to the predicted class, largest first.
    pub evidence: Vec<PrototypeEvidence>,
}

/// `image` as a normalised batch of one `[1, C, H, W]`, as the explainers feed it.
pub(crate) fn single_image(image: &Image, batcher: &ImageBatcher, device: &Device) -> Tensor<4> {
    let example = kiln_data::ImageExample { image: image.clone(), label: 0 };
    batcher.batch(std::slice::from_ref(&example), device, None).images
}

impl ProtoPNet {
    /// Explains the prediction for `image` with its `top_k` most contributing prototypes.
    pub fn explain(
        &self,
        image: &Image,
        batcher: &ImageBatcher,
        device: &Device,
        top_k: usize,
        push: Option<&PushReport>,
    ) -> Explanation {
        let out = self.forward(single_image(image, batcher, device));
        let [_, m, h, w] = out.distance_maps.dims();
        let logits = to_vec(out.logits);
        let similarities = to_vec(out.similarities);
        let maps = to_vec(log_similarity(out.distance_maps, self.epsilon));
        let weights = to_vec(self.last_layer.weight.val()); // [m, K]
        let k = self.num_classes();
        let predicted = kiln_core::metrics::argmax(&logits);
        let classes = self.prototype_classes();
        let evidence = (0..m)
            .map(|j| {
                PrototypeEvidence::from_map(
                    (j, classes[j]),
                    similarities[j],
                    weights[j * k + predicted],
                    maps[j * h * w..(j + 1) * h * w].to_vec(),
                    w,
                    push.and_then(|p| p.sources.get(j).cloned()),
                )
            })
            .collect();
        Explanation::ranked(predicted, logits, (h, w), evidence, top_k)
    }
}

impl PrototypeEvidence {
    /// The evidence of prototype `(index, class)` whose similarity map over a latent grid
    /// `width` wide is `activation`: its closest patch is the map's maximum, its contribution
    /// `similarity × weight`.
    pub fn from_map(
        (prototype, class): (usize, usize),
        similarity: f32,
        weight: f32,
        activation: Vec<f32>,
        width: usize,
        source: Option<PrototypeSource>,
    ) -> Self {
        let best = kiln_core::metrics::argmax(&activation);
        let width = width.max(1);
        Self {
            prototype,
            class,
            similarity,
            weight,
            contribution: similarity * weight,
            patch: (best / width, best % width),
            activation,
            source,
        }
    }
}

impl Explanation {
    /// The explanation of class `predicted` (of scores `logits`, over a latent `grid`) by the
    /// `top_k` pieces of `evidence` with the largest contributions, largest first.
    pub fn ranked(
        predicted: usize,
        logits: Vec<f32>,
        grid: (usize, usize),
        mut evidence: Vec<PrototypeEvidence>,
        top_k: usize,
    ) -> Self {
        evidence.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
        evidence.truncate(top_k);
        Self { predicted, logits, grid, evidence }
    }

    /// The reasoning in words, one line per prototype.
    pub fn to_text(&self) -> String {
        let score = self.logits.get(self.predicted).copied().unwrap_or(f32::NAN);
        let mut text = format!("predicted class {} (score {score:.3}) because:\n", self.predicted);
        for e in &self.evidence {
            let from = match &e.source {
                Some(PrototypeSource { image_index: Some(i), patch, .. }) => {
                    format!(", from training image {i} at patch {patch:?}")
                }
                _ => String::new(),
            };
            text.push_str(&format!(
                "  this patch {:?} looks like prototype {} (class {}{from}): similarity {:.3} x weight {:.3} = {:.3}\n",
                e.patch, e.prototype, e.class, e.similarity, e.weight, e.contribution
            ));
        }
        text
    }

    /// A picture of the reasoning: per prototype, the input with the similarity heatmap and the
    /// high-activation box (95th percentile), the source image with the prototype's patch, and
    /// the contribution as a bar. `push_set` supplies the source images.
    pub fn render(&self, image: &Image, push_set: Option<&PushSet>) -> RgbImage {
        self.render_with_notes(image, push_set, |_| None)
    }

    /// [`render`](Self::render) with a note of text under each prototype's bar (such as its
    /// characteristics, `prototype 7: hue 0.91, shape 0.12, ...`), wrapped at commas to the
    /// text column; rows grow to fit their notes.
    pub fn render_with_notes(
        &self,
        image: &Image,
        push_set: Option<&PushSet>,
        note: impl Fn(&PrototypeEvidence) -> Option<String>,
    ) -> RgbImage {
        let tile = 96u32;
        let factor = (tile / image.height.max(image.width).max(1) as u32).max(1);
        let tile = factor * image.height.max(image.width) as u32;
        let notes: Vec<Option<String>> =
            self.evidence.iter().map(|e| note(e).map(|n| wrap_at_commas(&n, NOTE_COLUMNS))).collect();
        let note_h = notes.iter().flatten().map(|n| text_size(n, 1).1 + NOTE_TOP + 4).max().unwrap_or(0);
        let row_h = (tile + 16).max(note_h);
        let width = 2 * tile + 300;
        let height = 24 + row_h * self.evidence.len().max(1) as u32;
        let mut canvas = Canvas::new(width, height);
        let score = self.logits.get(self.predicted).copied().unwrap_or(f32::NAN);
        canvas.text(Point::new(4, 4), &format!("predicted class {} (score {score:.2})", self.predicted), BLACK, 2);
        let max_contribution = self.evidence.iter().map(|e| e.contribution.abs()).fold(1e-6, f32::max);
        for (r, e) in self.evidence.iter().enumerate() {
            let y = 24 + r as i32 * row_h as i32;
            let heat = upsample_bilinear(&e.activation, self.grid.0, self.grid.1, image.height, image.width);
            let (y0, x0, y1, x1) = high_activation_box(&heat, image.height, image.width, 95.0);
            let mut overlay = Canvas::from_image(scale_nearest(&heatmap_overlay(image, &heat, 0.5), factor));
            outline_scaled(&mut overlay, (y0, x0, y1, x1), factor, YELLOW);
            canvas.paste(overlay.image(), Point::new(0, y));
            if let (Some(set), Some(source)) = (push_set, &e.source)
                && let Some(src) = source.image_index.and_then(|i| set.images.get(i))
            {
                let mut src_canvas = Canvas::from_image(scale_nearest(&to_rgb(&src.image), factor));
                outline_scaled(&mut src_canvas, source.receptive_field, factor, GREEN);
                canvas.paste(src_canvas.image(), Point::new(tile as i32 + 4, y));
            }
            let tx = 2 * tile as i32 + 12;
            canvas.text(Point::new(tx, y + 2), &format!("prototype {} (class {})", e.prototype, e.class), BLACK, 1);
            canvas.text(
                Point::new(tx, y + 14),
                &format!("sim {:.2} x w {:.2} = {:.2}", e.similarity, e.weight, e.contribution),
                BLACK,
                1,
            );
            let bar = ((e.contribution.abs() / max_contribution) * 260.0) as i32;
            canvas.bar(Point::new(tx, y + 30), bar.max(1), 10, if e.contribution >= 0.0 { GREEN } else { RED });
            if let Some(text) = &notes[r] {
                canvas.text(Point::new(tx, y + NOTE_TOP as i32), text, BLACK, 1);
            }
        }
        canvas.into_image()
    }
}

/// Characters per line of a note (the 300-pixel text column at 6 pixels a character).
const NOTE_COLUMNS: usize = 48;

/// Where a note starts below its row's top, under the contribution bar.
const NOTE_TOP: u32 = 46;

/// Outlines the inclusive pixel box `(y0, x0, y1, x1)` (rows, then columns, as receptive fields
/// are stored) of an image drawn `factor` times larger.
fn outline_scaled(
    canvas: &mut Canvas,
    (y0, x0, y1, x1): (usize, usize, usize, usize),
    factor: u32,
    color: image::Rgb<u8>,
) {
    let f = factor as i32;
    let corners =
        (Point::new(x0 as i32 * f, y0 as i32 * f), Point::new((x1 as i32 + 1) * f - 1, (y1 as i32 + 1) * f - 1));
    canvas.rect_outline(Rect::from_corners(corners.0, corners.1), color, 2);
}

/// Every prototype's source patch, cropped from its push image and scaled up, in a grid with
/// one row per class (`columns` = prototypes per class).
pub fn prototype_gallery(report: &PushReport, push_set: &PushSet, columns: usize) -> RgbImage {
    let tiles: Vec<RgbImage> = report
        .sources
        .iter()
        .map(|s| {
            let Some(src) = s.image_index.and_then(|i| push_set.images.get(i)) else {
                return Canvas::with_background(48, 48, WHITE).into_image();
            };
            let (y0, x0, y1, x1) = s.receptive_field;
            let patch = crop(&src.image, y0, x0, y1, x1);
            let size = patch.height.max(patch.width).max(1) as u32;
            let mut tile = Canvas::from_image(scale_nearest(&to_rgb(&patch), (48 / size).max(1)));
            tile.text(Point::new(1, 1), &format!("{}", s.prototype), YELLOW, 1);
            tile.into_image()
        })
        .collect();
    grid(&tiles, columns.max(1), 4, WHITE)
}
