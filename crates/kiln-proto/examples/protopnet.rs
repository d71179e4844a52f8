//! A user's first ProtoPNet: train on the procedural part-annotated images, then explain one
//! test prediction ("this looks like that").
//!
//! `cargo run -p kiln-proto --example protopnet`

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_data::procedural::{ProceduralConfig, generate};
use kiln_data::{DataLoader, ImageBatcher, ImageExample, Normalize, split};
use kiln_proto::protopnet::PushSet;
use kiln_proto::{ProtoPNetConfig, ProtoPNetSchedule};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let device = kiln_core::device::select_str(None).unwrap_or_else(|_| Device::flex());
    let images: Vec<ImageExample> = generate(&ProceduralConfig::new(4).with_image_size(32).with_num_images(800))?
        .iter()
        .map(|p| p.to_example())
        .collect();
    let data = split(images, 0.0, 0.2, 0);
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));

    let model = ProtoPNetConfig::small(4, 3).init(&device);
    let push_set = PushSet::new(data.train.clone(), batcher.clone());
    let phases = ProtoPNetSchedule::small().phases(push_set.clone()); // warm-up, joint, push, last layer
    let train = DataLoader::new(data.train, batcher.clone(), 64).shuffled(0);
    let trainer = Trainer::new(device.clone()).with_run_dir("runs/protopnet-example").with_progress(true);
    let (model, _) = trainer.fit(model, &phases, &train, None)?;

    let test = DataLoader::new(data.test.clone(), batcher.clone(), 256);
    println!("test accuracy: {:?}", trainer.evaluate(&model, &test)?.accuracy());
    let explanation = model.explain(&data.test[0].image, &batcher, &device, 3, None);
    print!("{}", explanation.to_text());
    kiln_proto::render::save_png(
        &explanation.render(&data.test[0].image, Some(&push_set)),
        "runs/protopnet-example/explain.png",
    )?;
    Ok(())
}
