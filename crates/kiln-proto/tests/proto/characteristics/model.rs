//! Local and global importance on untrained networks, against hand computations; the report's
//! text and JSON; the explanation PNG with notes.

use burn::prelude::Device;
use kiln_core::tensor::to_vec;
use kiln_data::transform::Modification;
use kiln_data::{Batcher, DataError, Image, ImageBatcher, ImageExample, Normalize};
use kiln_proto::characteristics::{
    CharacteristicReport, CharacteristicsConfig, CharacteristicsError, LocalImportance, Scope, SimilarityMaps,
    global_importance, local_importance, weighted_importance,
};
use kiln_proto::{ProtoPNetConfig, StProtoPNetConfig};

/// A deterministic RGB image of side `size` with structure in every channel.
fn image(size: usize, seed: usize) -> Image {
    let mut out = Image::zeros(3, size, size);
    for (i, v) in out.pixels.iter_mut().enumerate() {
        *v = (((i * 7919 + seed * 104_729) % 1000) as f32 / 1000.0) * 0.8 + 0.1;
    }
    out
}

fn batcher() -> ImageBatcher {
    ImageBatcher::new(Normalize { mean: vec![0.5; 3], std: vec![0.25; 3] })
}

/// Modifications that change nothing.
fn identities() -> CharacteristicsConfig {
    CharacteristicsConfig::new().with_modifications(vec![
        Modification::Contrast { factor: 1.0 },
        Modification::Saturation { factor: 1.0 },
        Modification::Hue { shift: 0.0 },
        Modification::Shape { amplitude: 0.0, frequency: 0.05 },
        Modification::Brightness { factor: 1.0 },
    ])
}

/// The similarity maps of one image, `[m][H·W]`.
fn maps_of<M: SimilarityMaps>(model: &M, image: &Image, device: &Device) -> Vec<Vec<f32>> {
    let example = ImageExample { image: image.clone(), label: 0 };
    let maps = model.similarity_maps(batcher().batch(&[example], device, None).images);
    let [_, m, h, w] = maps.dims();
    let values = to_vec(maps);
    (0..m).map(|j| values[j * h * w..(j + 1) * h * w].to_vec()).collect()
}

#[test]
fn unchanged_images_give_zero_delta() {
    let device = Device::flex();
    device.seed(1);
    let protopnet = ProtoPNetConfig::small(3, 3).with_prototypes_per_class(2).init(&device);
    let st = StProtoPNetConfig::small(3, 3).init(&device);
    let img = image(32, 1);
    let locals = [
        local_importance(&protopnet, &img, &batcher(), &device, &identities()).unwrap(),
        local_importance(&st, &img, &batcher(), &device, &identities()).unwrap(),
    ];
    for local in &locals {
        assert_eq!(local.delta[0].len(), 5);
        for (j, row) in local.delta.iter().enumerate() {
            assert!(row.iter().all(|d| d.abs() < 1e-5), "prototype {j}: {row:?}");
        }
    }
    assert_eq!(locals[0].similarity.len(), 6);
    // ST-ProtoPNet: trivial and support prototypes in one numbering.
    assert_eq!(locals[1].similarity.len(), 2 * st.prototype_classes().len());
}

#[test]
fn protopnet_maps_peak_at_the_forward_similarity() {
    let device = Device::flex();
    device.seed(2);
    let model = ProtoPNetConfig::small(2, 3).with_prototypes_per_class(2).init(&device);
    let img = image(32, 2);
    let maps = maps_of(&model, &img, &device);
    let example = ImageExample { image: img, label: 0 };
    let forward = to_vec(model.forward(batcher().batch(&[example], &device, None).images).similarities);
    for (j, map) in maps.iter().enumerate() {
        let peak = map.iter().copied().fold(f32::MIN, f32::max);
        assert!((peak - forward[j]).abs() < 1e-4, "prototype {j}: {peak} vs {}", forward[j]);
    }
}

#[test]
fn local_importance_reads_the_modified_map_at_the_original_patch() {
    let device = Device::flex();
    device.seed(3);
    let model = ProtoPNetConfig::small(2, 3).with_prototypes_per_class(3).init(&device);
    let img = image(32, 3);
    let dark = Modification::Brightness { factor: 0.5 };
    let config = CharacteristicsConfig::new().with_modifications(vec![dark]);
    let local = local_importance(&model, &img, &batcher(), &device, &config).unwrap();
    let original = maps_of(&model, &img, &device);
    let modified = maps_of(&model, &dark.apply(&img).unwrap(), &device);
    let width = (original[0].len() as f64).sqrt() as usize;
    for j in 0..original.len() {
        let best = kiln_core::metrics::argmax(&original[j]);
        assert_eq!(local.patch[j], (best / width, best % width));
        assert!((local.similarity[j] - original[j][best]).abs() < 1e-5);
        let expected = original[j][best] - modified[j][best];
        assert!((local.delta[j][0] - expected).abs() < 1e-4, "prototype {j}: {} vs {expected}", local.delta[j][0]);
    }
    assert!(local.delta.iter().any(|d| d[0].abs() > 1e-3), "halving brightness changed nothing: {:?}", local.delta);
}

#[test]
fn weighted_importance_matches_hand_values() {
    // (1·2 + 3·6) / (2 + 6) = 2.5
    assert!((weighted_importance(&[1.0, 3.0], &[2.0, 6.0]) - 2.5).abs() < 1e-6);
    // A negative similarity weighs nothing: (4·1) / 1.
    assert!((weighted_importance(&[4.0, 100.0], &[1.0, -3.0]) - 4.0).abs() < 1e-6);
    assert_eq!(weighted_importance(&[1.0], &[0.0]), 0.0);
}

#[test]
fn global_importance_is_the_similarity_weighted_mean_of_local_ones() {
    let device = Device::flex();
    device.seed(4);
    let model = ProtoPNetConfig::small(2, 3).with_prototypes_per_class(2).init(&device);
    let images: Vec<Image> = (0..5).map(|s| image(24, s)).collect();
    // Three images per forward pass: the set is measured in two batches.
    let config = CharacteristicsConfig { batch_images: 3, ..CharacteristicsConfig::small(24) };
    let global = global_importance(&model, &images, &batcher(), &device, &config).unwrap();
    let locals: Vec<LocalImportance> =
        images.iter().map(|img| local_importance(&model, img, &batcher(), &device, &config).unwrap()).collect();
    assert_eq!(global.scope, Scope::Set { images: 5 });
    assert_eq!(global.modifications, config.modifications);
    for j in 0..4 {
        for (k, m) in config.modifications.iter().enumerate() {
            let num: f32 = locals.iter().map(|l| l.delta[j][k] * l.similarity[j]).sum();
            let den: f32 = locals.iter().map(|l| l.similarity[j]).sum();
            let got = global.importance(j, m.name()).unwrap();
            assert!((got - num / den).abs() < 1e-4, "prototype {j}, {}: {got} vs {}", m.name(), num / den);
        }
    }
}

#[test]
fn an_image_smaller_than_the_texture_window_is_a_typed_error() {
    let device = Device::flex();
    let model = ProtoPNetConfig::small(2, 3).init(&device);
    let err = local_importance(&model, &image(16, 0), &batcher(), &device, &CharacteristicsConfig::new()).unwrap_err();
    match &err {
        CharacteristicsError::Modification { modification: "texture", source }
            if matches!(**source, DataError::ImageTooSmall { height: 16, width: 16, minimum: 21, .. }) => {}
        other => panic!("unexpected error {other:?}"),
    }
    assert!(err.to_string().contains("16×16"), "{err}");
    let empty = global_importance(&model, &[], &batcher(), &device, &CharacteristicsConfig::new()).unwrap_err();
    assert!(matches!(empty, CharacteristicsError::NoImages));
    let mixed = [image(24, 0), image(32, 0)];
    let err = global_importance(&model, &mixed, &batcher(), &device, &identities()).unwrap_err();
    assert!(matches!(err, CharacteristicsError::ShapeMismatch { first: [3, 24, 24], other: [3, 32, 32] }));
}

#[test]
fn report_lines_list_characteristics_largest_first() {
    let local = LocalImportance {
        modifications: vec![Modification::CONTRAST, Modification::HUE, Modification::SHAPE],
        patch: vec![(0, 0), (1, 2)],
        similarity: vec![1.0, 2.0],
        delta: vec![vec![0.5, -0.25, 0.0], vec![0.1, 0.91, 0.12]],
    };
    let report = CharacteristicReport::local(&local);
    assert_eq!(report.line(1).unwrap(), "prototype 1: hue 0.91, shape 0.12, contrast 0.10");
    assert_eq!(report.line(0).unwrap(), "prototype 0: contrast 0.50, shape 0.00, hue -0.25");
    assert_eq!(report.line(2), None);
    assert!((report.mean("hue").unwrap() - 0.33).abs() < 1e-6);
    assert_eq!(report.mean("texture"), None);
    assert!(report.to_text().contains("prototype 1: hue 0.91"));
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"kind\":\"hue\""), "{json}");
    assert_eq!(serde_json::from_str::<CharacteristicReport>(&json).unwrap(), report);
    // Every modification, texture's window settings included, survives JSON.
    let config = CharacteristicsConfig::new();
    let json = serde_json::to_string(&config).unwrap();
    assert!(json.contains("\"kind\":\"texture\",\"template\":7,\"search\":21"), "{json}");
    assert_eq!(serde_json::from_str::<CharacteristicsConfig>(&json).unwrap(), config);
}

#[test]
fn explanation_png_shows_notes_beside_the_prototypes() {
    let device = Device::flex();
    device.seed(5);
    let model = ProtoPNetConfig::small(2, 3).with_prototypes_per_class(2).init(&device);
    let img = image(64, 5);
    let explanation = model.explain(&img, &batcher(), &device, 2, None);
    let plain = explanation.render(&img, None);
    assert_eq!(plain, explanation.render_with_notes(&img, None, |_| None));
    let long = "prototype 1: contrast 0.91, saturation 0.12, hue 0.05, shape 0.03, texture 0.01, brightness 0.00";
    let noted = explanation.render_with_notes(&img, None, |_| Some(long.to_string()));
    // 64-px tiles give 80-px rows (24-px title); the note wraps to three lines under the bar
    // (from 46 px: 46 + 25 + 4 = 75), which fit.
    assert_eq!((plain.width(), plain.height()), (2 * 64 + 300, 24 + 2 * 80));
    assert_eq!((noted.width(), noted.height()), (plain.width(), plain.height()));
    // Six lines (5 · 9 + 7 = 52 px) make every row 46 + 52 + 4 = 102 px.
    let tall = explanation.render_with_notes(&img, None, |_| Some("a\nb\nc\nd\ne\nf".to_string()));
    assert_eq!(tall.height(), 24 + 2 * 102);
    let dark = |png: &image::RgbImage| png.pixels().filter(|p| p.0 == [0, 0, 0]).count();
    assert!(dark(&noted) > dark(&plain) + 100, "no text drawn: {} vs {}", dark(&noted), dark(&plain));
}

#[test]
fn st_protopnet_maps_peak_at_both_branches_projections() {
    let device = Device::flex();
    device.seed(6);
    let model = StProtoPNetConfig::small(2, 3).init(&device);
    let example = ImageExample { image: image(32, 6), label: 0 };
    let x = batcher().batch(&[example], &device, None).images;
    let [_, m2, h, w] = model.similarity_maps(x.clone()).dims();
    let maps = to_vec(model.similarity_maps(x.clone()));
    let out = model.forward(x);
    let peaks: Vec<f32> = [to_vec(out.trivial.projections), to_vec(out.support.projections)].concat();
    assert_eq!(peaks.len(), m2);
    for (j, peak) in peaks.iter().enumerate() {
        let max = maps[j * h * w..(j + 1) * h * w].iter().copied().fold(f32::MIN, f32::max);
        assert!((max - peak).abs() < 1e-5, "prototype {j}: {max} vs {peak}");
    }
}
