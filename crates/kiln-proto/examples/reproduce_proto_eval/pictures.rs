//! The page's pictures: one creature and its six modifications; an explanation whose
//! prototypes carry their characteristics.

use std::path::Path;

use burn::prelude::Device;
use kiln_data::Image;
use kiln_data::procedural::ClassCue;
use kiln_proto::characteristics::{CharacteristicReport, CharacteristicsConfig, global_importance, local_importance};
use kiln_proto::render::{BLACK, Canvas, Point, save_png, scale_nearest, to_rgb};

use crate::data::{Creatures, SIZE};
use crate::importance::{Setting, train};

/// Magnification of the 64-px tiles.
const ZOOM: u32 = 3;

/// `image` and its six modifications side by side, each under its name.
pub fn modifications(image: &Image, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let config = CharacteristicsConfig::small(SIZE);
    let mut tiles = vec![("original", image.clone())];
    for m in &config.modifications {
        tiles.push((m.name(), m.apply(image)?));
    }
    let side = SIZE as u32 * ZOOM;
    let mut canvas = Canvas::new((side + 6) * tiles.len() as u32, side + 22);
    for (i, (name, tile)) in tiles.iter().enumerate() {
        let x = i as i32 * (side + 6) as i32;
        canvas.text(Point::new(x + 2, 2), name, BLACK, 1);
        canvas.paste(&scale_nearest(&to_rgb(tile), ZOOM), Point::new(x, 18));
    }
    save_png(canvas.image(), path)?;
    Ok(())
}

/// A ProtoPNet trained on wing-colour creatures explains a test image; beside each of its top
/// three prototypes, the global importances over the test images and the local ones on this
/// image. Returns the first creature of the test set for the modification strip.
pub fn explanation(setting: Setting, path: &Path, device: &Device) -> Result<Image, Box<dyn std::error::Error>> {
    let data = Creatures::new(ClassCue::WingColourOnly, setting.images, 0)?;
    let (model, _) = train(&data, setting.joint_epochs, 0, device)?;
    let image = data.test[0].image.clone();
    let config = CharacteristicsConfig::small(SIZE);
    let test: Vec<Image> = data.test.iter().take(setting.measured).map(|e| e.image.clone()).collect();
    let global = global_importance(&model, &test, &data.batcher, device, &config)?;
    let local = CharacteristicReport::local(&local_importance(&model, &image, &data.batcher, device, &config)?);
    let explanation = model.explain(&image, &data.batcher, device, 3, None);
    let picture = explanation.render_with_notes(&image, None, |e| {
        Some(format!("{}\nthis image: {}", global.line(e.prototype)?, local.items(e.prototype)?))
    });
    save_png(&picture, path)?;
    Ok(image)
}
