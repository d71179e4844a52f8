//! The commands that are not training runs of the registry: `geom`, `tabular`, `devices`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use kiln_core::device::{DeviceSpec, available, select};

use super::device;
use crate::error::Result;

/// `kiln geom` commands.
#[derive(Subcommand, Debug)]
pub enum GeomCommand {
    /// Reconstruct a closed mesh (OFF, OBJ or PLY) as a union of convex polytopes with a trained
    /// 3-D BSP-Net (the one shipped in kiln-geom unless --checkpoint is given); the output format
    /// follows the extension of --out (obj, ply, off).
    ///
    /// Example: kiln geom reconstruct --input shape.off --out mesh.obj --render mesh.png
    Reconstruct {
        /// The shape to reconstruct.
        #[arg(long)]
        input: PathBuf,
        /// Checkpoint directory (config.json + model.bpk), e.g. runs/geom-bspnet3d, which
        /// `cargo xtask reproduce geom` trains; without it, the model shipped in kiln-geom.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
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
    /// Rasterise a LiDAR scan (KITTI `x y z intensity` .bin; nuScenes layout for *.pcd.bin) to
    /// a bird's-eye-view PNG: 0.2 m cells over ±51.2 m, shaded by the highest point per cell.
    ///
    /// Example: kiln geom bev --input 000000.bin --out bev.png
    Bev {
        /// The scan.
        #[arg(long)]
        input: PathBuf,
        /// The PNG to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Train an APEN part segmenter (the checkpoint `kiln geom segment` reads) on PLY clouds
    /// with a per-vertex `label`, or on the procedural part clouds.
    ///
    /// Example: kiln geom train-apen --data clouds/ --parts 3 --out runs/apen
    TrainApen(super::geom_apen::TrainApenArgs),
    /// Segment a point cloud (PLY) into parts with a trained APEN and write it back as PLY with
    /// a per-vertex `label` property (the part index); prints the points per part.
    ///
    /// Example: kiln geom segment --input cloud.ply --checkpoint runs/apen --out labelled.ply
    Segment {
        /// The cloud (PLY with `x y z`; other properties are kept).
        #[arg(long)]
        input: PathBuf,
        /// APEN checkpoint directory (apen.json + model.bpk, as `Apen::save` writes it).
        #[arg(long)]
        checkpoint: PathBuf,
        /// The labelled PLY to write.
        #[arg(long)]
        out: PathBuf,
        /// Device (default: $KILN_DEVICE or auto).
        #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
        device: String,
    },
}

/// `kiln tabular`.
#[derive(Args, Debug)]
pub struct TabularArgs {
    /// Training rows (a header row; numeric or text columns, one of them the target; empty,
    /// NA or nan fields are missing values).
    #[arg(long)]
    pub train: PathBuf,
    /// Rows to classify (the same feature columns; the target column is optional and, when
    /// present, the accuracy is reported).
    #[arg(long)]
    pub test: PathBuf,
    /// Name of the target column (numbers: integer class values; text: class names).
    #[arg(long, default_value = "target")]
    pub target: String,
    /// Field separator of both files: `,` (default), `;`, `tab`, or another ASCII character.
    #[arg(long, default_value = ",", value_parser = super::train_args::parse_delimiter)]
    pub delimiter: char,
    /// Write `<target>,p_<class>...` per test row here instead of printing the class names.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Weights to use instead of the shipped checkpoint (burnpack, the shipped architecture).
    #[arg(long)]
    pub weights: Option<PathBuf>,
    /// Ensemble members (class shift × feature shift × power transform).
    #[arg(long, default_value_t = 8)]
    pub members: usize,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

/// Runs `kiln geom`.
pub fn geom(command: GeomCommand) -> Result<()> {
    let (input, checkpoint, out, render, d) = match command {
        GeomCommand::Reconstruct { input, checkpoint, out, render, device } => (input, checkpoint, out, render, device),
        GeomCommand::Bev { input, out } => {
            let bev = kiln_geom::lidar::bev_png_from_bin(&input, &out)?;
            let occupied = bev.count.iter().filter(|&&c| c > 0).count();
            println!("wrote {} ({}×{} cells, {occupied} occupied)", out.display(), bev.nx, bev.ny);
            return Ok(());
        }
        GeomCommand::Segment { input, checkpoint, out, device: d } => return segment(&input, &checkpoint, &out, &d),
        GeomCommand::TrainApen(args) => return super::geom_apen::train_apen(args),
    };
    let device = device(&d)?;
    let r = kiln_geom::bspnet::reconstruct::reconstruct_file(&input, checkpoint.as_deref(), &out, &device)?;
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
    Ok(())
}

/// Runs `kiln geom segment`: reads the cloud (checked before the model is loaded), segments
/// it, writes it with labels (binary PLY) and prints the points per part.
fn segment(input: &Path, checkpoint: &Path, out: &Path, d: &str) -> Result<()> {
    let cloud = kiln_geom::io::ply::read_cloud(input)?;
    let device = device(d)?;
    let (model, config) = kiln_geom::apen::Apen::load(checkpoint, &device)?;
    let labels = kiln_geom::apen::segment_cloud(&model, &config, &cloud, &device)?;
    let mut counts = vec![0usize; config.parts];
    for &k in &labels {
        if let Some(c) = counts.get_mut(k as usize) {
            *c += 1;
        }
    }
    let cloud = cloud.with_labels(labels)?;
    kiln_geom::io::ply::write_cloud(out, &cloud, kiln_geom::io::ply::Encoding::BinaryLittleEndian)?;
    println!("wrote {}: {} points in {} parts", out.display(), cloud.len(), config.parts);
    for (k, c) in counts.iter().enumerate() {
        println!("part {k}: {c} points");
    }
    Ok(())
}

/// Runs `kiln tabular`.
pub fn tabular(args: TabularArgs) -> Result<()> {
    let TabularArgs { train, test, target, delimiter, out, weights, members, device: d } = args;
    let csv = kiln_data::formats::CsvOptions::with_delimiter(delimiter.encode_utf8(&mut [0; 4]))?;
    let device = device(&d)?;
    let classifier = match weights {
        Some(path) => kiln_tabular::TabPfnClassifier::from_file(path, &device)?,
        None => kiln_tabular::TabPfnClassifier::new(&device)?,
    };
    let ensemble = kiln_tabular::EnsembleConfig { members: members.max(1), ..Default::default() };
    let mut classifier = classifier.with_ensemble(ensemble);
    let result = kiln_tabular::csv::predict_csv_with(&mut classifier, &train, &test, &target, &csv)?;
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
    Ok(())
}

/// Runs `kiln devices`.
pub fn devices() -> Result<()> {
    println!("{:<8} {:<9} present", "backend", "compiled");
    for info in available() {
        println!("{:<8} {:<9} {}", info.backend, if info.compiled { "yes" } else { "no" }, info.present);
    }
    println!("auto selects: {:?}", select(DeviceSpec::Auto)?);
    Ok(())
}
