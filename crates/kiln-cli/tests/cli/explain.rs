//! `kiln explain` through the registry: ProtoPNet and ST-ProtoPNet runs explain a test image
//! (PNG, JSON, gallery), with `--characteristics` also what their prototypes rest on; a CNN run
//! cannot explain itself and says so, and `--characteristics` names the flag; images smaller
//! than the texture modification's window are refused with their size.

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln, train_briefly};

/// Trains `model` briefly on two procedural classes, explains test image 1 with two prototypes
/// and checks what was written. Returns the explanation's JSON; then explains the same image
/// with `--characteristics` and checks the report.
fn train_and_explain(model: &str, name: &str) -> serde_json::Value {
    let scratch = Scratch::new(name);
    let out = scratch.path().join("run");
    assert_succeeds(&train_briefly(model, "procedural:2", &out));
    let explained = kiln(&["explain", "--checkpoint", arg(&out), "--index", "1", "--top", "2", "--device", "flex"]);
    let text = assert_succeeds(&explained);
    assert!(text.contains("predicted class"), "{text}");
    assert_eq!(text.matches("looks like prototype").count(), 2, "{text}");
    for file in ["explain/test-1.png", "explain/test-1.json", "gallery.png"] {
        let size = std::fs::metadata(out.join(file)).map(|m| m.len()).unwrap_or(0);
        assert!(size > 100, "{file} missing or empty");
    }
    let plain = std::fs::read(out.join("explain/test-1.png")).unwrap();
    let json = serde_json::from_str(&std::fs::read_to_string(out.join("explain/test-1.json")).unwrap()).unwrap();
    check_characteristics(&out, &plain);
    json
}

/// `kiln explain --characteristics` on the run in `out`: one line per shown prototype over the
/// test split and on the image, the six modifications in the JSON, and a different picture.
fn check_characteristics(out: &std::path::Path, plain_png: &[u8]) {
    let explained = kiln(&[
        "explain",
        "--checkpoint",
        arg(out),
        "--index",
        "1",
        "--top",
        "2",
        "--characteristics",
        "--device",
        "flex",
    ]);
    let text = assert_succeeds(&explained);
    assert!(text.contains("over 80 test images"), "procedural:2 has 80 test images: {text}");
    assert_eq!(text.matches("prototype ").count() - text.matches("looks like prototype").count(), 4, "{text}");
    for name in ["hue", "shape", "texture", "contrast", "saturation", "brightness"] {
        assert!(text.contains(&format!("{name} ")), "{name} missing: {text}");
    }
    let path = out.join("explain/test-1-characteristics.json");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(report["global"]["scope"]["set"]["images"], 80, "{report}");
    assert_eq!(report["local"]["modifications"].as_array().unwrap().len(), 6);
    assert_eq!(report["local"]["modifications"][3]["kind"], "shape");
    assert_ne!(std::fs::read(out.join("explain/test-1.png")).unwrap(), plain_png, "the notes are drawn");
}

#[test]
fn protopnet_run_explains_a_test_image() {
    let json = train_and_explain("protopnet", "explain-protopnet");
    let evidence = json["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    // Small preset: 5 prototypes per class, 2 classes.
    assert!(evidence.iter().all(|e| e["prototype"].as_u64().unwrap() < 10), "{json}");
    assert!(evidence.iter().all(|e| !e["source"].is_null()), "the push report gives every source: {json}");
}

#[test]
fn st_protopnet_run_explains_a_test_image_with_both_prototype_sets() {
    let json = train_and_explain("st-protopnet", "explain-st-protopnet");
    let evidence = json["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    // Small preset: 3 prototypes per class and set; trivial 0..6, support 6..12.
    assert!(evidence.iter().all(|e| e["prototype"].as_u64().unwrap() < 12), "{json}");
    for e in evidence {
        assert_eq!(e["source"]["prototype"], e["prototype"], "sources are numbered like the evidence: {json}");
    }
}

#[test]
fn cnn_run_cannot_explain_itself() {
    let scratch = Scratch::new("explain-cnn");
    let out = scratch.path().join("run");
    assert_succeeds(&train_briefly("cnn", "digits", &out));
    // The run states the CNN it chose for 8×8 inputs.
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    let expected = kiln_core::nn::CnnConfig::for_input(1, 8, 8, 10);
    assert_eq!(config["config"]["channels"], serde_json::json!(expected.channels), "{config}");
    assert_eq!(config["data"]["input_shape"], serde_json::json!([1, 8, 8]));

    let err = assert_fails(&kiln(&["explain", "--checkpoint", arg(&out), "--device", "flex"]));
    assert!(err.contains("model `cnn` cannot explain itself"), "{err}");
    assert!(err.contains("protopnet, st-protopnet"), "the message names the models that can: {err}");
    let err = assert_fails(&kiln(&["explain", "--checkpoint", arg(&out), "--characteristics", "--device", "flex"]));
    assert!(err.contains("--characteristics") && err.contains("`cnn` has no prototypes"), "{err}");
    assert!(!out.join("explain").exists());
}

#[test]
fn characteristics_of_images_smaller_than_the_texture_window_are_refused() {
    let scratch = Scratch::new("explain-characteristics-digits");
    let out = scratch.path().join("run");
    assert_succeeds(&train_briefly("protopnet", "digits", &out));
    let err = assert_fails(&kiln(&["explain", "--checkpoint", arg(&out), "--characteristics", "--device", "flex"]));
    assert!(err.contains("texture") && err.contains("8×8") && err.contains("21×21"), "{err}");
}
