//! The model registry as the commands see it: the listing, and unknown models rejected with
//! the names the command knows.

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln};

#[test]
fn models_lists_every_model_with_its_command() {
    let text = assert_succeeds(&kiln(&["models"]));
    let row = |name: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no `{name}` row in:\n{text}"))
            .to_string()
    };
    for name in ["mlp", "cnn", "resnet", "protopnet", "st-protopnet"] {
        assert!(row(name).contains("kiln train"), "{}", row(name));
    }
    for name in ["gcn", "sage", "gat", "gin"] {
        assert!(row(name).contains("kiln graph train"), "{}", row(name));
    }
    for name in ["ncn", "ncnc"] {
        assert!(row(name).contains("kiln graph link"), "{}", row(name));
    }
    assert!(row("protopnet").contains("explains") && !row("cnn").contains("explains"), "{text}");
}

#[test]
fn unknown_models_are_rejected_with_the_names_of_the_command() {
    let scratch = Scratch::new("unknown-model");
    let out = scratch.path().join("run");
    let err = assert_fails(&kiln(&["train", "--model", "gcn", "--device", "flex", "--out", arg(&out)]));
    assert!(err.contains("unknown model `gcn` for `kiln train`"), "{err}");
    assert!(err.contains("mlp, cnn, resnet, protopnet, st-protopnet"), "{err}");

    let err =
        assert_fails(&kiln(&["graph", "train", "--model", "cnn", "--data", "linqs:x.content", "--out", arg(&out)]));
    assert!(err.contains("unknown model `cnn` for `kiln graph train`: expected one of gcn, sage, gat, gin"), "{err}");

    let err = assert_fails(&kiln(&["graph", "link", "--model", "gcn", "--data", "edges:x.txt", "--out", arg(&out)]));
    assert!(err.contains("expected one of ncn, ncnc"), "{err}");
    assert!(!out.exists(), "nothing was written");
}

#[test]
fn robust_prototype_models_train_on_digits_and_eval_reproduces_them() {
    let scratch = Scratch::new("robust-cbc");
    for model in ["robust-cbc", "cbc", "glvq"] {
        let out = scratch.path().join(model);
        let trained = crate::common::train_briefly(model, "digits", &out);
        let line = crate::common::accuracy_line(&trained);
        let evaluated = crate::common::accuracy_line(&kiln(&["eval", "--checkpoint", arg(&out)]));
        assert_eq!(line, evaluated, "{model}");
    }
}
