//! `kiln`: train, evaluate and inspect Kiln models from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kiln_cli::run::{ModelKind, TrainOptions, eval, train};
use kiln_core::device::{DeviceSpec, available, select};

/// Kiln: research models on burn, from the command line.
///
/// Every command runs offline. `--device` (or the KILN_DEVICE environment variable) picks the
/// backend: auto (a GPU when one is present, else the flex CPU backend), cpu/flex, ndarray,
/// wgpu[:N], cuda[:N].
#[derive(Parser, Debug)]
#[command(name = "kiln", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Train a model and report its held-out test accuracy.
    ///
    /// Example: kiln train --model cnn --data digits --epochs 30 --out runs/cnn
    Train {
        /// Which model.
        #[arg(long, value_enum, default_value = "cnn")]
        model: ModelKind,
        /// Data: digits (embedded 8×8 digits), procedural[:CLASSES], idx:DIR (MNIST-style
        /// train-*/t10k-* files), folder:DIR (ImageFolder), csv:FILE (see --target).
        #[arg(long, default_value = "digits")]
        data: String,
        /// Target column of a CSV file.
        #[arg(long, default_value = "target")]
        target: String,
        /// Training epochs.
        #[arg(long, default_value_t = 30)]
        epochs: usize,
        /// Base learning rate (Adam, cosine schedule).
        #[arg(long, default_value_t = 3e-3)]
        lr: f64,
        /// Batch size.
        #[arg(long, default_value_t = 64)]
        batch_size: usize,
        /// Seed for the data split, initialisation and shuffling.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Device: auto, cpu, flex, ndarray, wgpu[:N], cuda[:N] (default: $KILN_DEVICE or auto).
        #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
        device: String,
        /// Run directory: kiln.json, metrics.jsonl, checkpoint/, summary.json.
        #[arg(long, default_value = "runs/latest")]
        out: PathBuf,
        /// Continue from the run directory's last checkpoint.
        #[arg(long)]
        resume: bool,
        /// No progress bar or per-epoch lines.
        #[arg(long)]
        quiet: bool,
    },
    /// Evaluate a trained run on its held-out test split.
    Eval {
        /// Run directory written by `kiln train --out`.
        #[arg(long)]
        checkpoint: PathBuf,
        /// Device (default: $KILN_DEVICE or auto).
        #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
        device: String,
    },
    /// Explain a ProtoPNet's prediction for one test image: writes a PNG (heatmaps, source
    /// patches, contributions), the same reasoning as JSON, and a prototype gallery.
    ///
    /// Example: kiln train --model protopnet --data procedural:6 --out runs/proto &&
    /// kiln explain --checkpoint runs/proto --index 0
    Explain {
        /// Run directory of a `kiln train --model protopnet` run.
        #[arg(long)]
        checkpoint: PathBuf,
        /// Index of the image in the run's held-out test split.
        #[arg(long, default_value_t = 0)]
        index: usize,
        /// Number of prototypes to show.
        #[arg(long, default_value_t = 3)]
        top: usize,
        /// Device (default: $KILN_DEVICE or auto).
        #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
        device: String,
    },
    /// Train a Once-for-All supernet on the embedded digits with progressive shrinking, then
    /// search its subnets for the Pareto front of two or three objectives. Writes pareto.csv,
    /// pareto.png, trace.json (hypervolume per evaluation) and latency.json (the latency table).
    ///
    /// Example: kiln search --supernet ofa --objectives accuracy,latency --evals 50 --out runs/search
    Search {
        /// Supernet (only `ofa`, the small-image Once-for-All supernet, so far).
        #[arg(long, default_value = "ofa")]
        supernet: String,
        /// Two or three of accuracy, macs, params, latency.
        #[arg(long, default_value = "accuracy,macs")]
        objectives: String,
        /// Real evaluations (each: BN recalibration + validation pass, or a latency measurement).
        #[arg(long, default_value_t = 50)]
        evals: usize,
        /// Search strategy.
        #[arg(long, value_enum, default_value = "linas")]
        method: kiln_cli::search::SearchMethod,
        /// Supernet training epochs over all progressive-shrinking stages.
        #[arg(long, default_value_t = 18)]
        epochs: usize,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Device (default: $KILN_DEVICE or auto).
        #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
        device: String,
        /// Output directory.
        #[arg(long, default_value = "runs/search")]
        out: PathBuf,
    },
    /// 3-D geometry: reconstruct shapes with a trained BSP-Net.
    Geom {
        #[command(subcommand)]
        command: GeomCommand,
    },
    /// Classify a CSV table with TabPFN (no training: the shipped prior-fitted network conditions
    /// on the training rows). Prints one prediction per test row, or writes them with --out.
    ///
    /// Example: kiln tabular --train train.csv --test test.csv --target label --out predictions.csv
    Tabular {
        /// Training rows (numeric columns, one of them the target).
        #[arg(long)]
        train: PathBuf,
        /// Rows to classify (the same feature columns; the target column is optional and, when
        /// present, the accuracy is reported).
        #[arg(long)]
        test: PathBuf,
        /// Name of the target column.
        #[arg(long, default_value = "target")]
        target: String,
        /// Write `<target>,p_<class>...` per test row here instead of printing the labels.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Weights to use instead of the shipped checkpoint (burnpack, the shipped architecture).
        #[arg(long)]
        weights: Option<PathBuf>,
        /// Ensemble members (class shift × feature shift × power transform).
        #[arg(long, default_value_t = 8)]
        members: usize,
        /// Device (default: $KILN_DEVICE or auto).
        #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
        device: String,
    },
    /// List the backends compiled into this build and the devices present.
    Devices,
}

#[derive(Subcommand, Debug)]
enum GeomCommand {
    /// Reconstruct a closed mesh (OFF, OBJ or PLY) as a union of convex polytopes with a trained
    /// 3-D BSP-Net; the output format follows the extension of --out (obj, ply, off).
    ///
    /// Example: kiln geom reconstruct --input shape.off --out mesh.obj --render mesh.png
    Reconstruct {
        /// The shape to reconstruct.
        #[arg(long)]
        input: PathBuf,
        /// Checkpoint directory (config.json + model.bpk); `cargo xtask reproduce geom` trains one
        /// into runs/geom-bspnet3d.
        #[arg(long, default_value = "runs/geom-bspnet3d")]
        checkpoint: PathBuf,
        /// Output mesh.
        #[arg(long)]
        out: PathBuf,
        /// Also render the result to this PNG (orthographic, shaded).
        #[arg(long)]
        render: Option<PathBuf>,
        /// Device (default: $KILN_DEVICE or auto).
        #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
        device: String,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn device(text: &str) -> kiln_cli::Result<burn::prelude::Device> {
    let spec: DeviceSpec = text.parse()?;
    Ok(select(spec)?)
}

fn run(cli: Cli) -> kiln_cli::Result<()> {
    match cli.command {
        Command::Train { model, data, target, epochs, lr, batch_size, seed, device: d, out, resume, quiet } => {
            let device = device(&d)?;
            let options = TrainOptions { model, data, target, epochs, lr, batch_size, seed };
            eprintln!("training {model:?} on {} ({device:?}), run directory {}", options.data, out.display());
            let summary = train(&options, &device, &out, resume, !quiet)?;
            if let Some(acc) = summary.report.final_valid_accuracy() {
                println!("validation accuracy: {:.2}%", acc * 100.0);
            }
            print_eval(&summary.test);
        }
        Command::Eval { checkpoint, device: d } => {
            let device = device(&d)?;
            print_eval(&eval(&checkpoint, &device)?);
        }
        Command::Explain { checkpoint, index, top, device: d } => {
            let device = device(&d)?;
            let out = kiln_cli::explain::explain(&checkpoint, &device, index, top)?;
            println!("true class {}", out.label);
            print!("{}", out.explanation.to_text());
            println!("wrote {}, {} and {}", out.png.display(), out.json.display(), out.gallery.display());
        }
        Command::Search { supernet, objectives, evals, method, epochs, seed, device: d, out } => {
            if supernet != "ofa" {
                return Err(kiln_cli::CliError::Usage(format!("--supernet {supernet}: only `ofa` is available")));
            }
            let objectives = kiln_cli::search::parse_objectives(&objectives)?;
            let device = device(&d)?;
            let options = kiln_cli::search::SearchOptions { objectives, evals, method, epochs, seed, out: out.clone() };
            let trace = kiln_cli::search::search(&options, &device, true)?;
            println!("{} real evaluations, final hypervolume {:.4e}", trace.len(), trace.final_hypervolume());
            print!("{}", kiln_nas::search::pareto_csv(&trace));
            println!("wrote {}/pareto.csv, trace.json, latency.json", out.display());
        }
        Command::Geom { command: GeomCommand::Reconstruct { input, checkpoint, out, render, device: d } } => {
            let device = device(&d)?;
            let r = kiln_geom::bspnet::reconstruct::reconstruct_file(&input, &checkpoint, &out, &device)?;
            println!(
                "wrote {}: {} convexes, {} triangles, extraction {:.3} s",
                r.output.display(),
                r.num_convexes,
                r.num_triangles,
                r.extraction_seconds
            );
            if let Some(png) = render {
                // Rendered in the unit cube, whatever the input's frame.
                let mut mesh = kiln_geom::io::read_mesh(&out)?;
                kiln_geom::ops::normalize::normalize_unit_cube(&mut mesh.vertices);
                let image = kiln_geom::render::render_mesh(&mesh, &kiln_geom::render::RenderOptions::default());
                kiln_geom::render::save_png(&image, &png)?;
                println!("wrote {}", png.display());
            }
        }
        Command::Tabular { train, test, target, out, weights, members, device: d } => {
            let device = device(&d)?;
            let classifier = match weights {
                Some(path) => kiln_tabular::TabPfnClassifier::from_file(path, &device)?,
                None => kiln_tabular::TabPfnClassifier::new(&device)?,
            };
            let ensemble = kiln_tabular::EnsembleConfig { members: members.max(1), ..Default::default() };
            let mut classifier = classifier.with_ensemble(ensemble);
            let result = kiln_tabular::csv::predict_csv(&mut classifier, &train, &test, &target)?;
            match out {
                Some(path) => {
                    result.write_csv(&path)?;
                    println!("wrote {} predictions to {}", result.predictions.len(), path.display());
                }
                None => result.predictions.iter().for_each(|p| println!("{p}")),
            }
            if let Some(acc) = result.accuracy {
                eprintln!("accuracy on the test file's {target} column: {:.2}%", acc * 100.0);
            }
        }
        Command::Devices => {
            println!("{:<8} {:<9} present", "backend", "compiled");
            for info in available() {
                println!("{:<8} {:<9} {}", info.backend, if info.compiled { "yes" } else { "no" }, info.present);
            }
            println!("auto selects: {:?}", select(DeviceSpec::Auto)?);
        }
    }
    Ok(())
}

fn print_eval(eval: &kiln_core::train::Evaluation) {
    println!("test loss: {:.4}", eval.loss);
    if let Some(c) = &eval.classification {
        println!("test accuracy: {:.2}% ({} / {})", c.accuracy() * 100.0, c.correct, c.total);
        println!("test top-{} accuracy: {:.2}%", c.k, c.topk_accuracy() * 100.0);
        println!("confusion (rows: true class, columns: predicted):");
        for row in &c.confusion {
            println!("  {}", row.iter().map(|v| format!("{v:>4}")).collect::<String>());
        }
    }
}
