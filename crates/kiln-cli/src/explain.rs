//! `kiln explain`: "this looks like that" for one test image of a trained ProtoPNet run.

use std::path::{Path, PathBuf};

use burn::prelude::Device;
use kiln_core::train::checkpoint;
use kiln_data::ImageBatcher;
use kiln_proto::ProtoPNetConfig;
use kiln_proto::explain::{Explanation, prototype_gallery};
use kiln_proto::protopnet::{PushReport, PushSet};
use kiln_proto::render::save_png;

use crate::error::{CliError, Result};
use crate::run::{ImageSplits, ModelKind, image_splits, load_meta, write_json};

/// What `kiln explain` wrote.
#[derive(Debug, Clone)]
pub struct ExplainOutput {
    /// The explanation.
    pub explanation: Explanation,
    /// True class of the image.
    pub label: usize,
    /// The explanation PNG.
    pub png: PathBuf,
    /// The explanation JSON.
    pub json: PathBuf,
    /// The prototype gallery PNG.
    pub gallery: PathBuf,
}

/// The newest push report of a run (`push/phase-NN.json`).
fn latest_push(run_dir: &Path) -> Result<Option<PushReport>> {
    let dir = run_dir.join("push");
    let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(None) };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let Some(path) = files.pop() else { return Ok(None) };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::Metadata { path: path.clone(), message: e.to_string() })?;
    serde_json::from_str(&text).map(Some).map_err(|e| CliError::Metadata { path, message: e.to_string() })
}

/// Explains test image `index` of a ProtoPNet run with its `top_k` strongest prototypes,
/// writing `explain/test-<index>.{png,json}` and `gallery.png` into the run directory.
pub fn explain(run_dir: &Path, device: &Device, index: usize, top_k: usize) -> Result<ExplainOutput> {
    let meta = load_meta(run_dir)?;
    if meta.options.model != ModelKind::Protopnet {
        return Err(CliError::Usage(format!(
            "{} holds a {:?} run; `kiln explain` needs a ProtoPNet run (`kiln train --model protopnet`)",
            run_dir.display(),
            meta.options.model
        )));
    }
    let Some(ImageSplits { train, test, norm, .. }) = image_splits(&meta)? else {
        return Err(CliError::Usage("ProtoPNet runs are on images".into()));
    };
    let example = test
        .get(index)
        .ok_or_else(|| CliError::Usage(format!("--index {index}: the test split has {} images", test.len())))?;
    let weights = checkpoint::latest(run_dir)?.unwrap_or_else(|| run_dir.to_path_buf());
    let [c, _, _] = meta.input_shape;
    let model = checkpoint::load_weights(&weights, ProtoPNetConfig::small(meta.classes.len(), c).init(device))?;
    let batcher = ImageBatcher::new(norm);
    let push = latest_push(run_dir)?;
    let push_set = PushSet::new(train, batcher.clone(), 128);
    let explanation = model.explain(&example.image, &batcher, device, top_k, push.as_ref());
    let out_dir = run_dir.join("explain");
    let png = out_dir.join(format!("test-{index}.png"));
    let json = out_dir.join(format!("test-{index}.json"));
    let render_err = |e: kiln_proto::render::RenderError| CliError::Usage(e.to_string());
    save_png(&explanation.render(&example.image, Some(&push_set)), &png).map_err(render_err)?;
    write_json(&json, &explanation)?;
    let gallery = run_dir.join("gallery.png");
    if let Some(report) = &push {
        let per_class = (report.sources.len() / meta.classes.len().max(1)).max(1);
        save_png(&prototype_gallery(report, &push_set, per_class), &gallery).map_err(render_err)?;
    }
    Ok(ExplainOutput { explanation, label: example.label, png, json, gallery })
}
