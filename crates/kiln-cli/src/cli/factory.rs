//! `kiln factory train` and `kiln customize`: an NN-Factory trained on image data, and a
//! network customised from it for a task (a subset of the classes) within a MAC budget.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use kiln_nas::nn_factory::FactorySchedule;

use super::{device, report};
use crate::error::Result;
use crate::factory::{CustomizeOptions, FACTORY_RUN_FILE, FactoryTrainOptions, customize, train_factory};

/// `kiln factory` commands.
#[derive(Subcommand, Debug)]
pub enum FactoryCommand {
    /// Train an NN-Factory (Xu et al., 2023) on image data: a modular supernet pretrained on
    /// every class through random assemblies of its modules, then a generative assembler that
    /// maps (task, MAC density) to the modules to keep. Writes config.json, factory.bpk and
    /// factory_run.json (the data and seed) in --out, for kiln customize.
    ///
    /// Example: kiln factory train --data digits --epochs 8 --assemble-epochs 16 --out runs/factory
    /// (add --resume to continue an interrupted run from its last checkpoint)
    Train(FactoryTrainArgs),
}

/// `kiln factory train`.
#[derive(Args, Debug)]
pub struct FactoryTrainArgs {
    /// Image data, as `kiln train --data` takes it (digits, procedural:N, idx:DIR,
    /// folder:DIR, ...); the factory preset follows the image size (up to 16 px: the small
    /// one). Images must be square.
    #[arg(long, default_value = "digits")]
    pub data: String,
    /// Supernet pretraining epochs.
    #[arg(long, default_value_t = 8)]
    pub epochs: usize,
    /// Supernet pretraining learning rate (Adam, cosine decay).
    #[arg(long, default_value_t = 3e-3)]
    pub lr: f64,
    /// Assembler training epochs (the supernet frozen).
    #[arg(long, default_value_t = 16)]
    pub assemble_epochs: usize,
    /// Assembler learning rate (Adam, cosine decay).
    #[arg(long, default_value_t = 1e-2)]
    pub assemble_lr: f64,
    /// Seed of the split, initialisation and shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// No progress output.
    #[arg(long)]
    pub quiet: bool,
    /// Continue from the directory's last checkpoint (same data, seed and epochs).
    #[arg(long)]
    pub resume: bool,
    /// Stop after this many epochs as if the process were killed (for testing --resume).
    #[arg(long, hide = true)]
    pub halt_after_epochs: Option<usize>,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
    /// The factory directory.
    #[arg(long, default_value = "runs/factory")]
    pub out: PathBuf,
}

/// `kiln customize`.
#[derive(Args, Debug)]
pub struct CustomizeArgs {
    /// A factory directory written by `kiln factory train`.
    #[arg(long)]
    pub checkpoint: PathBuf,
    /// The task's classes, comma separated (class indices of the factory's data); the
    /// network's outputs follow this order.
    #[arg(long)]
    pub classes: String,
    /// The MAC budget of one forward pass of one image.
    #[arg(long)]
    pub macs: u64,
    /// Candidate assemblies compared on the task's validation images (default: the factory's,
    /// 16).
    #[arg(long)]
    pub candidates: Option<usize>,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
    /// The run directory to write (for `kiln eval --checkpoint`).
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs a `kiln factory` command.
pub fn factory(command: FactoryCommand) -> Result<()> {
    let FactoryCommand::Train(args) = command;
    let device = device(&args.device)?;
    let schedule = FactorySchedule {
        pretrain_epochs: args.epochs,
        pretrain_lr: args.lr,
        assemble_epochs: args.assemble_epochs,
        assemble_lr: args.assemble_lr,
    };
    let options = FactoryTrainOptions {
        data: args.data,
        schedule,
        seed: args.seed,
        out: args.out.clone(),
        progress: !args.quiet,
        resume: args.resume,
        halt_after_epochs: args.halt_after_epochs,
    };
    eprintln!("training an NN-Factory on {} ({device:?}), directory {}", options.data, args.out.display());
    let (factory, run, completed) = train_factory(&options, &device)?;
    if !completed {
        println!("halted before the end of training; continue with --resume");
        return Ok(());
    }
    let config = &factory.config;
    println!(
        "factory: {} layers × {} modules of {} channels, {} classes ({}), {}-px images",
        config.layers(),
        config.modules,
        config.module_channels,
        config.num_classes,
        run.facts.classes.join(", "),
        config.image_size
    );
    println!(
        "wrote {}/config.json, factory.bpk, {FACTORY_RUN_FILE} (kiln customize --checkpoint {})",
        args.out.display(),
        args.out.display()
    );
    Ok(())
}

/// Runs `kiln customize`.
pub fn run_customize(args: CustomizeArgs) -> Result<()> {
    let device = device(&args.device)?;
    let options = CustomizeOptions {
        checkpoint: args.checkpoint,
        classes: args.classes,
        macs: args.macs,
        candidates: args.candidates,
        out: args.out.clone(),
    };
    let done = customize(&options, &device)?;
    let classes: Vec<String> = done.task.classes().iter().map(usize::to_string).collect();
    println!("classes: {} ({})", classes.join(","), done.class_names.join(", "));
    println!("budget: {} MACs", options.macs);
    if let Some(v) = done.validation_accuracy {
        println!("validation accuracy of the chosen assembly: {v:.4}");
    }
    let metrics = BTreeMap::from([("macs".to_string(), done.macs as f64), ("params".to_string(), done.params as f64)]);
    report::print_evaluation(&done.test, &metrics);
    println!("customization seconds: {:.3}", done.seconds);
    println!("wrote {} (kiln eval --checkpoint {})", args.out.display(), args.out.display());
    Ok(())
}
