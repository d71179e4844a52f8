//! `cargo xtask reproduce proto` runs this: ProtoPNet and ST-ProtoPNet at the same budget and
//! the same number of prototypes per class on the procedural part-annotated images and on the
//! embedded digits, several seeds. Measures test accuracy before and after push, after the
//! last-layer phase, after pruning (ProtoPNet) and after the joint phase that follows the last
//! layer in ST-ProtoPNet's official schedule; and, for ST-ProtoPNet, the mean distance of support and trivial prototypes to the nearest
//! other-class prototype. Writes `docs/results/proto.md` with a prototype gallery and an
//! explanation beside it, and the raw runs as `proto-results.json`.
//!
//! Usage: `cargo xtask reproduce proto [--quick] [--seeds N | --seeds A,B,...]`

mod data;
mod runs;
mod tables;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};
use kiln_proto::ProtoPNetSchedule;
use kiln_proto::explain::prototype_gallery;
use kiln_proto::render::save_png;
use kiln_proto::st_protopnet::StProtoPNetSchedule;

use data::{ProceduralSize, digits_data, procedural_data};
use runs::{protopnet_config, run_protopnet, run_st_protopnet, st_protopnet_config, train_protopnet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let size = ProceduralSize::default();
    let joint_epochs = if args.quick { 4 } else { 15 };
    let schedule = ProtoPNetSchedule { joint_epochs, ..ProtoPNetSchedule::small() };
    // The same warm-up, joint and last-layer phases, then the official 9 : 16 of the joint
    // epochs again after the last layer.
    let st_schedule = StProtoPNetSchedule {
        joint_epochs,
        joint_after_push_epochs: joint_epochs * 9 / 16,
        ..StProtoPNetSchedule::small()
    };
    let device = Device::flex();
    let mut page = ResultsPage::new(&args, "proto", "kiln-proto: ProtoPNet and ST-ProtoPNet");
    let mut results = Vec::new();
    for &seed in &seeds {
        for data in [procedural_data(&size, seed)?, digits_data(seed)?] {
            for st in [false, true] {
                let r = if st {
                    run_st_protopnet(&data, &st_schedule, seed, &device)?
                } else {
                    run_protopnet(&data, &schedule, seed, &device)?
                };
                eprintln!(
                    "{} {} seed {seed}: final {:.3} ({:.0}s)",
                    r.dataset,
                    r.model,
                    r.after_joint_after_push.unwrap_or(r.after_last_layer),
                    page.elapsed_secs()
                );
                results.push(r);
            }
        }
    }
    std::fs::write(page.asset("proto-results.json")?, serde_json::to_string_pretty(&results)?)?;

    // Pictures from one more ProtoPNet run on the procedural set (seed 0).
    let data = procedural_data(&size, 0)?;
    let (model, report, _) = train_protopnet(&data, &schedule, 0, &device)?;
    let set = data.push_set();
    let per_class = report.sources.len() / data.classes;
    save_png(&prototype_gallery(&report, &set, per_class), page.asset("proto-gallery.png")?)?;
    let explanation = model.explain(&data.test[0].image, &data.batcher, &device, 3, Some(&report));
    save_png(&explanation.render(&data.test[0].image, Some(&set)), page.asset("proto-explanation.png")?)?;

    let s = &schedule;
    let st = &st_schedule;
    let per_set = st_protopnet_config(&data).prototypes_per_class;
    let protopnet_per_class = protopnet_config(&data).prototypes_per_class;
    page.paragraph(&format!(
        "Seeds {seeds:?}. Data: procedural part-annotated images ({} classes = head shape × wing colour, {} px, {} images) and the embedded 8×8 digits; 80% train / 20% test, split by seed. Both models: small CNN backbone (32-64-128) trained from scratch, same schedule: warm-up {} epochs, joint {} epochs (backbone lr {}, add-on and prototypes {}), push, last layer {} epochs (lr {}). ST-ProtoPNet then trains jointly {} more epochs at the rate its joint phase ended at (×{}), as its official schedule does (cropped: 9 joint epochs after the push and the last layer, after 16 before), and alternates its trivial and support objectives by the batch's index within the epoch. Same number of prototypes per class (D = 64): ProtoPNet {protopnet_per_class}, ST-ProtoPNet {per_set} in each of its two sets, as the official configurations compare them (ProtoPNet 10 per class; ST-ProtoPNet 5 trivial + 5 support). Pruning (ProtoPNet): k = 6, τ = 3, then another last-layer phase. Test accuracy in %, mean ± std over seeds.",
        size.classes,
        size.image_size,
        size.images,
        s.warm_epochs,
        s.joint_epochs,
        s.features_lr,
        s.add_on_lr,
        s.last_layer_epochs,
        s.last_layer_lr,
        st.joint_after_push_epochs,
        st.settled_joint_factor()
    ));
    page.table(&tables::accuracy_table(&results));
    page.paragraph("ST-ProtoPNet prototype geometry (unit prototypes; mean Euclidean distance to the nearest prototype of another class, lower = nearer the decision boundary):");
    page.table(&tables::geometry_table(&results));
    page.paragraph("Paper claims: push costs little accuracy (ProtoPNet); support prototypes lie nearer the decision boundary than trivial ones (ST-ProtoPNet). Where the prototypes look and what they respond to (EvalProtoPNet's consistency and stability beside their chance levels, Nauta et al.'s characteristics) are measured on 64-px creatures in [proto-eval.md](proto-eval.md).");
    page.paragraph("Prototype gallery (ProtoPNet, procedural, seed 0; one row per class, each tile the prototype's receptive field on its source image):\n\n![gallery](proto-gallery.png)");
    page.paragraph("An explanation (`kiln explain` draws the same): input with similarity heatmap and high-activation box, prototype source with its receptive field, contribution `similarity × weight`:\n\n![explanation](proto-explanation.png)");
    page.write("flex")?;
    Ok(())
}
