//! COCO reader and writer tests: files written into a scratch directory, hand-checked values.

use std::path::{Path, PathBuf};

use kiln_data::DataError;
use kiln_data::detection::Mask;
use kiln_data::formats::{CocoAnnotation, CocoCategory, CocoDataset, CocoImage, read_coco, write_coco, write_coco_set};
use kiln_data::procedural::aerial::{AerialConfig, generate_set};
use serde_json::{Value, json};

use super::formats::scratch_dir;

/// A small valid file: two 32×24 (width × height) images, categories listed with ids 5, 2, 9
/// (classes 0, 1, 2), annotation 17 with a square polygon, 18 with a triangle, 19 box-only and
/// crowd.
fn base() -> Value {
    json!({
        "info": {"description": "test"},
        "images": [
            {"id": 1, "file_name": "a.png", "width": 32, "height": 24},
            {"id": 4, "file_name": "sub/b.png", "width": 32, "height": 24}
        ],
        "annotations": [
            {"id": 17, "image_id": 4, "category_id": 2, "bbox": [2, 2, 4, 4],
             "segmentation": [[2, 2, 6, 2, 6, 6, 2, 6]], "iscrowd": 0, "area": 16},
            {"id": 18, "image_id": 1, "category_id": 9, "bbox": [0, 0, 8, 4],
             "segmentation": [[0, 0, 8, 0, 0, 4]]},
            {"id": 19, "image_id": 4, "category_id": 5, "bbox": [10.5, 3, 5, 6], "iscrowd": 1}
        ],
        "categories": [{"id": 5, "name": "ship"}, {"id": 2, "name": "vehicle"}, {"id": 9, "name": "tank"}]
    })
}

/// Writes `value` as `name.json` in a fresh scratch directory; returns the file's path.
fn write_json(name: &str, value: &Value) -> PathBuf {
    let path = scratch_dir(&format!("coco-{name}")).join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string(value).unwrap()).unwrap();
    path
}

/// Reads `value` written as `name.json`, expecting an error; checks its text names the file
/// and `record`.
fn read_error(name: &str, value: &Value, record: &str) -> DataError {
    let path = write_json(name, value);
    let err = read_coco(&path, path.parent().unwrap()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("{name}.json")) && text.contains(record), "{text}");
    err
}

#[test]
fn reads_images_categories_and_boxes() {
    let path = write_json("read", &base());
    let dir = path.parent().unwrap();
    let data = read_coco(&path, dir).unwrap();
    assert_eq!(data.class_names(), ["ship", "vehicle", "tank"]);
    assert_eq!(data.categories[2], CocoCategory { id: 9, name: "tank".into() });
    assert_eq!(data.images.iter().map(|i| i.id).collect::<Vec<_>>(), [1, 4]);
    let b = &data.images[1];
    assert_eq!((b.width, b.height, b.path.as_path()), (32, 24, dir.join("sub/b.png").as_path()));
    assert_eq!(
        b.annotations.iter().map(|a| (a.id, a.class, a.iscrowd)).collect::<Vec<_>>(),
        [(17, 1, false), (19, 0, true)]
    );
    assert_eq!(b.annotations[1].bbox, [10.5, 3.0, 15.5, 9.0]);
    assert!(b.annotations[1].polygons.is_empty());
    // The crowd annotation is not an instance.
    let instances = b.instances();
    assert_eq!(instances.len(), 1);
    assert_eq!((instances[0].class, instances[0].bbox), (1, [2.0, 2.0, 6.0, 6.0]));
}

#[test]
fn polygon_masks_have_the_hand_areas() {
    let data = read_coco(write_json("areas", &base()), "images").unwrap();
    // Square (2, 2)–(6, 6): pixel centres 2.5..=5.5 in both directions, 4 × 4 pixels.
    let square = data.images[1].instances()[0].mask.clone().unwrap();
    assert_eq!((square.height, square.width, square.area()), (24, 32, 16));
    assert_eq!(square.bbox(), Some([2.0, 2.0, 6.0, 6.0]));
    assert!(square.get(2, 2) && square.get(5, 5) && !square.get(6, 5) && !square.get(1, 3));
    // Triangle (0, 0), (8, 0), (0, 4): row y holds the centres x + 0.5 < 8 - 2(y + 0.5),
    // that is 7, 5, 3 and 1 pixels (16 in all, the triangle's area), no centre on the slope.
    let triangle = data.images[0].instances()[0].mask.clone().unwrap();
    let rows: Vec<usize> = (0..5).map(|y| (0..32).filter(|&x| triangle.get(y, x)).count()).collect();
    assert_eq!(rows, [7, 5, 3, 1, 0]);
    assert_eq!(triangle.area(), 16);
    assert_eq!(triangle.bbox(), Some([0.0, 0.0, 7.0, 4.0]));
    // Clipping, a degenerate polygon and a one-pixel mask.
    assert_eq!(Mask::from_polygon(&[(-4.0, -4.0), (2.0, -4.0), (2.0, 2.0), (-4.0, 2.0)], 8, 8).area(), 4);
    assert_eq!(Mask::from_polygon(&[(0.0, 0.0), (4.0, 4.0)], 8, 8).area(), 0);
    let mut one = Mask::new(3, 5);
    one.set(1, 4, true);
    assert_eq!((one.area(), one.bbox()), (1, Some([4.0, 1.0, 5.0, 2.0])));
}

#[test]
fn write_then_read_round_trips() {
    let dir = scratch_dir("coco-roundtrip");
    let json = dir.join("out.json");
    let annotation = |id, class, bbox, polygons, iscrowd| CocoAnnotation { id, class, bbox, polygons, iscrowd };
    let data = CocoDataset {
        json_path: json.clone(),
        images: vec![
            CocoImage {
                id: 3,
                file_name: "x.png".into(),
                path: dir.join("x.png"),
                width: 40,
                height: 30,
                annotations: vec![
                    annotation(7, 1, [1.5, 2.0, 9.25, 12.0], vec![vec![(1.5, 2.0), (9.25, 2.0), (5.0, 12.0)]], false),
                    annotation(8, 0, [0.0, 0.0, 40.0, 30.0], vec![], true),
                ],
            },
            CocoImage {
                id: 10,
                file_name: "y.png".into(),
                path: dir.join("y.png"),
                width: 20,
                height: 20,
                annotations: vec![],
            },
        ],
        categories: vec![CocoCategory { id: 12, name: "boat".into() }, CocoCategory { id: 4, name: "car".into() }],
    };
    write_coco(&json, &data).unwrap();
    assert_eq!(read_coco(&json, &dir).unwrap(), data);
}

#[test]
fn generated_scenes_round_trip_with_exact_masks() {
    let dir = scratch_dir("coco-aerial");
    let set = generate_set(&AerialConfig::new().with_size(64), 3, 9).unwrap();
    let json = dir.join("aerial.json");
    let written = write_coco_set(&json, dir.join("images"), &set).unwrap();
    let data = read_coco(&json, dir.join("images")).unwrap();
    assert_eq!(data, written);
    let loaded = data.load_all().unwrap();
    assert_eq!(loaded.class_names, set.class_names);
    for (a, b) in loaded.examples.iter().zip(&set.examples) {
        assert_eq!(a.instances, b.instances);
        assert_eq!(a.image.shape(), b.image.shape());
        assert!(a.image.pixels.iter().zip(&b.image.pixels).all(|(p, q)| (p - q).abs() <= 0.5 / 255.0 + 1e-6));
    }
}

#[test]
fn declared_size_must_match_the_image() {
    let dir = scratch_dir("coco-size");
    let set = generate_set(&AerialConfig::new().with_size(48), 1, 0).unwrap();
    let json = dir.join("size.json");
    let mut data = write_coco_set(&json, &dir, &set).unwrap();
    data.images[0].width = 50;
    let err = data.load(0).unwrap_err();
    assert!(matches!(&err, DataError::CocoImageSize { declared: (48, 50), found: (48, 48), .. }), "{err}");
    assert!(err.to_string().contains("size.json") && err.to_string().contains("image 1"), "{err}");
    assert!(matches!(data.load(1), Err(DataError::InvalidConfig(_))));
}

/// `base()` with `edit` applied.
fn edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut value = base();
    edit(&mut value);
    value
}

#[test]
fn missing_keys_name_the_record() {
    let err = read_error("no-id", &edited(|v| v["annotations"][0].as_object_mut().unwrap().clear()), "annotations[0]");
    assert!(matches!(err, DataError::CocoMissingKey { key: "id", .. }), "{err}");
    let v = edited(|v| {
        v["annotations"][2].as_object_mut().unwrap().remove("bbox");
    });
    let err = read_error("no-bbox2", &v, "annotation 19");
    assert!(matches!(err, DataError::CocoMissingKey { key: "bbox", .. }), "{err}");
    let v = edited(|v| {
        v["images"][1].as_object_mut().unwrap().remove("height");
    });
    assert!(matches!(read_error("no-height", &v, "image 4"), DataError::CocoMissingKey { key: "height", .. }));
    let v = edited(|v| {
        v.as_object_mut().unwrap().remove("categories");
    });
    assert!(matches!(
        read_error("no-categories", &v, "top level"),
        DataError::CocoMissingKey { key: "categories", .. }
    ));
}

#[test]
fn unknown_ids_and_duplicates_are_errors() {
    let v = edited(|v| v["annotations"][1]["category_id"] = json!(3));
    assert!(matches!(read_error("cat", &v, "annotation 18"), DataError::CocoUnknownCategory { category_id: 3, .. }));
    let v = edited(|v| v["annotations"][0]["image_id"] = json!(2));
    assert!(matches!(read_error("img", &v, "annotation 17"), DataError::CocoUnknownImage { image_id: 2, .. }));
    let v = edited(|v| v["images"][1]["id"] = json!(1));
    assert!(matches!(read_error("dup", &v, "image 1"), DataError::CocoDuplicateId { .. }));
    let v = edited(|v| v["images"][0]["width"] = json!("wide"));
    assert!(matches!(read_error("width", &v, "image 1"), DataError::CocoBadValue { key: "width", .. }));
    let v = edited(|v| v["annotations"][0]["iscrowd"] = json!(2));
    assert!(matches!(read_error("crowd", &v, "annotation 17"), DataError::CocoBadValue { key: "iscrowd", .. }));
}

#[test]
fn bad_boxes_are_errors_within_a_pixel_of_tolerance() {
    let with_box = |b: Value| edited(|v| v["annotations"][2]["bbox"] = b);
    let err = read_error("outside", &with_box(json!([30, 5, 10, 10])), "annotation 19");
    assert!(matches!(err, DataError::CocoBadBox { bbox: [30.0, 5.0, 10.0, 10.0], .. }), "{err}");
    let err = read_error("empty", &with_box(json!([3, 5, 0, 10])), "annotation 19");
    assert!(matches!(&err, DataError::CocoBadBox { reason, .. } if reason.contains("non-positive")), "{err}");
    assert!(matches!(
        read_error("short", &with_box(json!([3, 5, 1])), "annotation 19"),
        DataError::CocoBadValue { .. }
    ));
    // Up to one pixel outside is clipped.
    let data = read_coco(write_json("tolerated", &with_box(json!([-0.5, 20, 32.75, 5]))), "images").unwrap();
    assert_eq!(data.images[1].annotations[1].bbox, [0.0, 20.0, 32.0, 24.0]);
}

#[test]
fn malformed_polygons_and_rle_are_errors() {
    let with_segmentation = |s: Value| edited(|v| v["annotations"][1]["segmentation"] = s);
    let err = read_error("odd", &with_segmentation(json!([[0, 0, 8, 0, 0, 4], [1, 1, 5, 1, 5]])), "annotation 18");
    assert!(matches!(&err, DataError::CocoBadPolygon { polygon: 1, reason, .. } if reason.contains("odd")), "{err}");
    let err = read_error("two-points", &with_segmentation(json!([[1, 1, 5, 5]])), "annotation 18");
    assert!(matches!(&err, DataError::CocoBadPolygon { polygon: 0, reason, .. } if reason.contains("3")), "{err}");
    let err = read_error("text", &with_segmentation(json!([[1, 1, 5, "a", 3, 3]])), "annotation 18");
    assert!(matches!(err, DataError::CocoBadPolygon { polygon: 0, .. }), "{err}");
    let rle = with_segmentation(json!({"counts": [0, 5, 10], "size": [24, 32]}));
    assert!(matches!(read_error("rle", &rle, "annotation 18"), DataError::CocoRleSegmentation { .. }));
}

#[test]
fn unreadable_files_are_errors() {
    let path = scratch_dir("coco-syntax").join("broken.json");
    std::fs::write(&path, "{\"images\": [").unwrap();
    let err = read_coco(&path, "images").unwrap_err();
    assert!(matches!(err, DataError::CocoSyntax { .. }) && err.to_string().contains("broken.json"), "{err}");
    let err = read_coco(Path::new("/nonexistent/kiln/coco.json"), "images").unwrap_err();
    assert!(matches!(err, DataError::Io { .. }), "{err}");
    let path = write_json("array", &json!([1, 2]));
    assert!(matches!(read_coco(&path, "images"), Err(DataError::CocoSyntax { .. })));
}

#[test]
fn box_and_mask_helpers_match_hand_values() {
    use kiln_data::detection::{Instance, box_iou};
    // Two 2×2 boxes overlapping in one unit square: 1 / (4 + 4 - 1).
    assert!((box_iou([0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 3.0]) - 1.0 / 7.0).abs() < 1e-6);
    assert_eq!(box_iou([0.0, 0.0, 1.0, 1.0], [2.0, 2.0, 3.0, 3.0]), 0.0);
    let a = Mask::from_polygon(&[(0.0, 0.0), (3.0, 0.0), (3.0, 2.0), (0.0, 2.0)], 4, 4);
    let b = Mask::from_polygon(&[(2.0, 1.0), (4.0, 1.0), (4.0, 4.0), (2.0, 4.0)], 4, 4);
    assert_eq!((a.area(), b.area(), a.intersection_area(&b)), (6, 6, 1));
    assert!((a.iou(&b) - 1.0 / 11.0).abs() < 1e-6);
    assert_eq!(a.runs(), [(0, 0, 3), (1, 0, 3)]);
    let instance = Instance::from_mask(2, b).unwrap();
    assert_eq!((instance.bbox, instance.box_area()), ([2.0, 1.0, 4.0, 4.0], 6.0));
    assert!(Instance::from_mask(0, Mask::new(4, 4)).is_none());
    assert!(Mask::from_bits(2, 2, vec![true; 3]).is_err());
}
