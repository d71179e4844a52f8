//! `kiln explain`: what a model that can explain itself provides ([`Explainer`]), and what the
//! command writes for it (`explain/test-<index>.{png,json}` and a prototype gallery).

use std::path::{Path, PathBuf};

use burn::prelude::Device;
use kiln_data::{Image, ImageBatcher, ImageExample};
use kiln_proto::explain::{Explanation, PrototypeEvidence, prototype_gallery};
use kiln_proto::render::save_png;
use kiln_proto::{PushReport, PushSet};
use serde::de::DeserializeOwned;

use super::characteristics::Characteristics;
use crate::artifact::{read_json, write_json};
use crate::error::{CliError, Result};

/// Which test image to explain, with how many prototypes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExplainRequest {
    /// Index of the image in the run's held-out test split.
    pub index: usize,
    /// Number of prototypes to show.
    pub top_k: usize,
    /// Also measure the prototypes' characteristics (`--characteristics`).
    pub characteristics: bool,
}

/// A registry entry's explanation of one test image of a run.
pub trait Explain {
    /// Explains test image `request.index` of the run in `run_dir`, writing the files of
    /// [`ExplainOutput`] into the run directory.
    fn explain(&self, run_dir: &Path, device: &Device, request: &ExplainRequest) -> Result<ExplainOutput>;
}

/// What an explainer gets besides the model.
pub struct ExplainInput<'a> {
    /// The run directory (push reports live there).
    pub run_dir: &'a Path,
    /// The image.
    pub image: &'a Image,
    /// The normalisation the model was trained with.
    pub batcher: &'a ImageBatcher,
    /// The device of the model.
    pub device: &'a Device,
    /// Number of prototypes to show.
    pub top_k: usize,
}

/// An explainer's result.
pub struct Explained {
    /// The reasoning.
    pub explanation: Explanation,
    /// Where every prototype came from (its push), for the gallery.
    pub prototypes: Option<PushReport>,
}

/// How a model of type `M` explains its prediction for one image.
pub type Explainer<M> = fn(&M, &ExplainInput<'_>) -> Result<Explained>;

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
    /// The prototype gallery PNG, when the run has a push report.
    pub gallery: Option<PathBuf>,
    /// The prototypes' characteristics and their JSON, with `--characteristics`.
    pub characteristics: Option<(Characteristics, PathBuf)>,
}

/// The newest push report of a run (`push/phase-NN.json`), of the model's report type.
pub fn latest_push<T: DeserializeOwned>(run_dir: &Path) -> Result<Option<T>> {
    let dir = run_dir.join("push");
    let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(None) };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.pop().map(|path| read_json(&path)).transpose()
}

/// The error of a picture that could not be written to `path`.
fn not_written<E: std::fmt::Display>(path: &Path) -> impl FnOnce(E) -> CliError + '_ {
    move |e| CliError::Metadata { path: path.to_path_buf(), message: e.to_string() }
}

/// Writes `explain/test-<index>.{png,json}` and, with push sources, `gallery.png` (one row per
/// class) into `run_dir`; with `characteristics`, also `explain/test-<index>-characteristics.json`,
/// and each prototype's characteristics are drawn beside it in the PNG.
pub fn write_explanation(
    run_dir: &Path,
    (index, example): (usize, &ImageExample),
    explained: Explained,
    push_set: &PushSet,
    num_classes: usize,
    characteristics: Option<Characteristics>,
) -> Result<ExplainOutput> {
    let out_dir = run_dir.join("explain");
    std::fs::create_dir_all(&out_dir).map_err(|e| kiln_core::CoreError::io(&out_dir, e))?;
    let png = out_dir.join(format!("test-{index}.png"));
    let json = out_dir.join(format!("test-{index}.json"));
    let Explained { explanation, prototypes } = explained;
    let note = |e: &PrototypeEvidence| characteristics.as_ref().and_then(|c| c.note(e.prototype));
    let picture = explanation.render_with_notes(&example.image, Some(push_set), note);
    save_png(&picture, &png).map_err(not_written(&png))?;
    write_json(&json, &explanation)?;
    let characteristics = match characteristics {
        Some(c) => {
            let path = out_dir.join(format!("test-{index}-characteristics.json"));
            write_json(&path, &c)?;
            Some((c, path))
        }
        None => None,
    };
    let gallery = match &prototypes {
        Some(report) => {
            let path = run_dir.join("gallery.png");
            let per_class = (report.sources.len() / num_classes.max(1)).max(1);
            save_png(&prototype_gallery(report, push_set, per_class), &path).map_err(not_written(&path))?;
            Some(path)
        }
        None => None,
    };
    Ok(ExplainOutput { explanation, label: example.label, png, json, gallery, characteristics })
}
