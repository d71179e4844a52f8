//! `cargo xtask reproduce proto` runs this: ProtoPNet and ST-ProtoPNet on the procedural
//! part-annotated images and the embedded digits, several seeds, written to
//! `docs/results/proto.md` with a prototype gallery and an explanation beside it.
//!
//! Usage: `cargo run -p kiln-proto --example reproduce_proto -- [OUT_DIR] [--quick]`

use std::path::PathBuf;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_proto::ProtoPNetConfig;
use kiln_proto::explain::prototype_gallery;
use kiln_proto::protopnet::push;
use kiln_proto::render::save_png;
use kiln_proto::reproduce::{
    ReproduceOptions, digits_data, markdown_tables, procedural_data, run_protopnet, run_st_protopnet,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.iter().find(|a| !a.starts_with("--")).map_or_else(|| PathBuf::from("docs/results"), PathBuf::from);
    let mut options = ReproduceOptions::default();
    if args.iter().any(|a| a == "--quick") {
        options.seeds = vec![0];
        options.schedule.joint_epochs = 4;
    }
    let device = Device::flex();
    let start = std::time::Instant::now();
    let mut results = Vec::new();
    for &seed in &options.seeds {
        for data in [procedural_data(&options, seed)?, digits_data(seed)?] {
            for st in [false, true] {
                let r = if st {
                    run_st_protopnet(&data, &options, seed, &device)?
                } else {
                    run_protopnet(&data, &options, seed, &device)?
                };
                eprintln!(
                    "{} {} seed {seed}: final {:.3} ({:.0}s)",
                    r.dataset,
                    r.model,
                    r.after_last_layer,
                    start.elapsed().as_secs_f64()
                );
                results.push(r);
            }
        }
    }
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("proto-results.json"), serde_json::to_string_pretty(&results)?)?;

    // Pictures from one more ProtoPNet run on the procedural set (seed 0).
    let data = procedural_data(&options, 0)?;
    device.seed(0);
    let set = data.push_set();
    let phases = options.schedule.phases(set.clone());
    let loader = data.loader(0);
    let trainer = Trainer::new(device.clone()).with_seed(0);
    let model = ProtoPNetConfig::small(data.classes, data.channels).init(&device);
    let (model, _) = trainer.fit(model, &phases[..2], &loader, None)?;
    let (model, report) = push(model, &set, &device);
    let (model, _) = trainer.fit(model, &phases[3..4], &loader, None)?;
    let per_class = report.sources.len() / data.classes;
    save_png(&prototype_gallery(&report, &set, per_class), out.join("proto-gallery.png"))?;
    let explanation = model.explain(&data.test[0].image, &data.batcher, &device, 3, Some(&report));
    save_png(&explanation.render(&data.test[0].image, Some(&set)), out.join("proto-explanation.png"))?;

    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let s = &options.schedule;
    let mut md = String::from("# kiln-proto: ProtoPNet and ST-ProtoPNet\n\n");
    md.push_str(&format!(
        "Made by `cargo xtask reproduce proto` (flex backend, {} CPU threads, {:.0} s), commit `{commit}`, seeds {:?}.\n\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        start.elapsed().as_secs_f64(),
        options.seeds
    ));
    md.push_str(&format!(
        "Data: procedural part-annotated images ({} classes = head shape × wing colour, {} px, {} images) and the embedded 8×8 digits; 80% train / 20% test, split by seed. ",
        options.procedural_classes, options.image_size, options.procedural_images
    ));
    md.push_str(&format!(
        "Both models: small CNN backbone (32-64-128) trained from scratch, same schedule: warm-up {} epochs, joint {} epochs (backbone lr {}, add-on and prototypes {}), push, last layer {} epochs (lr {}); ProtoPNet 5 prototypes per class (D = 64), ST-ProtoPNet 3 per class in each of its two sets. Pruning: k = 6, τ = 3, then another last-layer phase. Test accuracy in %, mean ± std over seeds.\n\n",
        s.warm_epochs, s.joint_epochs, s.features_lr, s.add_on_lr, s.last_layer_epochs, s.last_layer_lr
    ));
    md.push_str(&markdown_tables(&results));
    md.push_str("\n\"On class-defining part\": the share of prototypes whose highest activation on their push source image (similarity map upsampled to the image) falls in the mask of the head or the wing, the parts that define the class (procedural set only; ST-ProtoPNet: mean over its two sets). Paper claims: push costs little accuracy (ProtoPNet); support prototypes lie nearer the decision boundary than trivial ones (ST-ProtoPNet).\n\n");
    md.push_str("Prototype gallery (ProtoPNet, procedural, seed 0; one row per class, each tile the prototype's receptive field on its source image):\n\n![gallery](proto-gallery.png)\n\nAn explanation (`kiln explain` draws the same): input with similarity heatmap and high-activation box, prototype source with its receptive field, contribution `similarity × weight`:\n\n![explanation](proto-explanation.png)\n");
    std::fs::write(out.join("proto.md"), &md)?;
    println!("{md}");
    Ok(())
}
