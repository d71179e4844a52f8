//! Reconstruction of a shape file with a trained 3-D BSP-Net (what `kiln geom reconstruct`
//! calls): read the mesh, centre and scale it into the model's frame (`[-0.45, 0.45]³`),
//! voxelise it (winding number), extract the polytopes and write their union, mapped back to the
//! input's frame, as OBJ/PLY/OFF.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::CoreError;
use nalgebra::Point3;

use super::config::BspNetConfig;
use super::extract::extract_3d;
use super::model::BspNet;
use crate::aabb::Aabb;
use crate::error::{GeomError, Result};
use crate::io::{read_mesh, write_mesh};
use crate::ops::normalize::{Normalization, cube_fit};
use crate::ops::voxel::VoxelGrid;

/// Longest side of a shape's bounding box in the 3-D model's frame: shapes are centred and
/// scaled into `[-0.45, 0.45]³`, where the procedural training shapes lie, inside the encoder's
/// grid over `[-½, ½]³`.
pub const FRAME_SIDE: f32 = 0.9;

/// The map into the 3-D model's frame of a shape with these vertices (centred, longest side
/// [`FRAME_SIDE`]).
pub fn model_frame(vertices: &[Point3<f32>]) -> Normalization {
    cube_fit(vertices, FRAME_SIDE)
}

/// File names inside a BSP-Net checkpoint directory.
pub const CONFIG_FILE: &str = "config.json";
/// The weights file.
pub const WEIGHTS_FILE: &str = "model.bpk";

/// Saves a model and its configuration to `dir` (`config.json`, `model.bpk`).
pub fn save_checkpoint(model: &BspNet, config: &BspNetConfig, dir: impl AsRef<Path>) -> Result<()> {
    let dir = dir.as_ref();
    std::fs::create_dir_all(dir).map_err(|e| GeomError::io(dir, e))?;
    let cfg = dir.join(CONFIG_FILE);
    let json = serde_json::to_string_pretty(config).map_err(|e| GeomError::Invalid(e.to_string()))?;
    std::fs::write(&cfg, json).map_err(|e| GeomError::io(&cfg, e))?;
    let weights = dir.join(WEIGHTS_FILE);
    model
        .clone()
        .save_file(&weights)
        .map_err(|e| GeomError::Core(CoreError::Checkpoint { path: weights.clone(), message: format!("{e:?}") }))
}

/// Loads a model saved by [`save_checkpoint`]; a directory without `config.json` or
/// `model.bpk` is [`GeomError::MissingCheckpoint`], which says how to make one.
pub fn load_checkpoint(dir: impl AsRef<Path>, device: &Device) -> Result<(BspNet, BspNetConfig)> {
    let dir = dir.as_ref();
    let (cfg, weights) = (dir.join(CONFIG_FILE), dir.join(WEIGHTS_FILE));
    if !cfg.is_file() || !weights.is_file() {
        return Err(GeomError::MissingCheckpoint { dir: dir.to_path_buf() });
    }
    let text = std::fs::read_to_string(&cfg).map_err(|e| GeomError::io(&cfg, e))?;
    let config: BspNetConfig = serde_json::from_str(&text)
        .map_err(|e| GeomError::Core(CoreError::Checkpoint { path: cfg.clone(), message: e.to_string() }))?;
    let model = kiln_core::train::checkpoint::load_weights(&weights, config.init(device))?;
    Ok((model, config))
}

/// What a reconstruction produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Reconstruction {
    /// The mesh file written.
    pub output: PathBuf,
    /// Convexes in the result (after redundancy culling).
    pub num_convexes: usize,
    /// Triangles in the result.
    pub num_triangles: usize,
    /// Seconds spent extracting the mesh (after the encoder).
    pub extraction_seconds: f64,
}

/// Reconstructs the closed mesh in `input` with the 3-D model saved in `checkpoint` (the model
/// shipped in kiln-geom when `None`) and writes the union of polytopes to `output` (format from
/// its extension). The input is read and checked before the model is loaded; a mesh without
/// faces is [`GeomError::NoFaces`].
pub fn reconstruct_file(
    input: impl AsRef<Path>,
    checkpoint: Option<&Path>,
    output: impl AsRef<Path>,
    device: &Device,
) -> Result<Reconstruction> {
    let input = input.as_ref();
    let mut mesh = read_mesh(input)?;
    if mesh.faces.is_empty() {
        return Err(GeomError::NoFaces { path: input.to_path_buf() });
    }
    let (model, config) = match checkpoint {
        Some(dir) => load_checkpoint(dir, device)?,
        None => super::shipped::load(device)?,
    };
    if config.dims != 3 {
        return Err(GeomError::Invalid("reconstruct needs a 3-D BSP-Net checkpoint".into()));
    }
    let frame = model_frame(&mesh.vertices);
    mesh.vertices.iter_mut().for_each(|p| *p = frame.apply(p));
    let voxels = VoxelGrid::from_mesh(config.input_size, Aabb::cube(0.5), &mesh);
    let r = config.input_size;
    let tensor = voxels.to_tensor(device).reshape([1, 1, r, r, r]);
    let start = Instant::now();
    let shape = extract_3d(&model, tensor, r, device).into_iter().next().unwrap_or_default();
    let mut out = shape.mesh();
    let extraction_seconds = start.elapsed().as_secs_f64();
    out.vertices.iter_mut().for_each(|p| *p = frame.invert(p));
    write_mesh(output.as_ref(), &out)?;
    Ok(Reconstruction {
        output: output.as_ref().to_path_buf(),
        num_convexes: shape.num_convexes(),
        num_triangles: out.faces.len(),
        extraction_seconds,
    })
}
