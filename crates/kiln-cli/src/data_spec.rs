//! `--data` values: `digits | procedural[:CLASSES[:cue=CUE][:size=PX]] | idx:DIR | folder:DIR |
//! csv:FILE`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use kiln_data::formats::{
    LabelGaps,
    csv::read_csv_with,
    idx::load_idx_dir,
    image_folder::{ImageFolderOptions, load_image_folder},
};
use kiln_data::procedural::{ClassCue, PartImage, ProceduralConfig, generate};
use kiln_data::{ImageExample, Splits, VectorExample, digits, split};

use crate::error::{CliError, Result};
use crate::options::ClassifyOptions;

/// Where the data comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSpec {
    /// The embedded 8×8 digits.
    Digits,
    /// Procedural part-annotated images.
    Procedural(ProceduralSpec),
    /// A directory with MNIST-style IDX files (`train-*` and `t10k-*`).
    Idx(PathBuf),
    /// An ImageFolder directory: `root/<class>/<image>`.
    Folder(PathBuf),
    /// A CSV file with a header row.
    Csv(PathBuf),
}

impl FromStr for DataSpec {
    type Err = CliError;

    fn from_str(s: &str) -> Result<Self> {
        let (kind, rest) = s.split_once(':').unwrap_or((s, ""));
        let path = || {
            if rest.is_empty() {
                Err(CliError::Usage(format!("`{kind}:` needs a path, e.g. `{kind}:data/`")))
            } else {
                Ok(PathBuf::from(rest))
            }
        };
        match kind {
            "digits" => Ok(Self::Digits),
            "procedural" => ProceduralSpec::parse(rest).map(Self::Procedural),
            "idx" => Ok(Self::Idx(path()?)),
            "folder" => Ok(Self::Folder(path()?)),
            "csv" => Ok(Self::Csv(path()?)),
            _ => Err(CliError::Usage(format!(
                "unknown data `{s}`: expected digits, procedural[:CLASSES[:cue=CUE][:size=PX]], idx:DIR, folder:DIR or csv:FILE"
            ))),
        }
    }
}

impl fmt::Display for DataSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Digits => write!(f, "digits"),
            Self::Procedural(spec) => write!(f, "{spec}"),
            Self::Idx(p) => write!(f, "idx:{}", p.display()),
            Self::Folder(p) => write!(f, "folder:{}", p.display()),
            Self::Csv(p) => write!(f, "csv:{}", p.display()),
        }
    }
}

/// Loaded data, split three ways.
pub enum Loaded {
    /// Images.
    Images {
        /// Train, validation and test images.
        splits: Splits<ImageExample>,
        /// Class names.
        classes: Vec<String>,
    },
    /// Feature vectors (NaN where a CSV value is missing).
    Vectors {
        /// Train, validation and test rows.
        splits: Splits<VectorExample>,
        /// Class names.
        classes: Vec<String>,
        /// Names of the features (`column=category` for one-hot encoded categories).
        features: Vec<String>,
    },
}

/// `procedural[:CLASSES[:cue=CUE][:size=PX]]`: the creatures' classes, which parts define them
/// and their side. Defaults: 10 classes, head and wing, 32 px.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProceduralSpec {
    /// Number of classes.
    pub classes: usize,
    /// Which parts define the class (`cue=head-and-wing | wing-colour | head-shape`).
    pub cue: ClassCue,
    /// Image side in pixels (`size=PX`).
    pub size: usize,
}

impl Default for ProceduralSpec {
    fn default() -> Self {
        Self { classes: 10, cue: ClassCue::HeadAndWing, size: 32 }
    }
}

/// The `cue=` names, in [`ClassCue`]'s order.
const CUES: [(&str, ClassCue); 3] = [
    ("head-and-wing", ClassCue::HeadAndWing),
    ("wing-colour", ClassCue::WingColourOnly),
    ("head-shape", ClassCue::HeadShapeOnly),
];

impl ProceduralSpec {
    /// Parses what follows `procedural:` (empty: the defaults).
    ///
    /// # Errors
    /// [`CliError::Usage`] naming the field that is not a number of classes, a `cue=` name or a
    /// `size=` in pixels.
    pub fn parse(rest: &str) -> Result<Self> {
        let mut spec = Self::default();
        if rest.is_empty() {
            return Ok(spec);
        }
        let mut fields = rest.split(':');
        let classes = fields.next().unwrap_or_default();
        spec.classes = classes
            .parse()
            .map_err(|_| CliError::Usage(format!("`procedural:{rest}`: `{classes}` is not a number of classes")))?;
        for field in fields {
            match field.split_once('=') {
                Some(("cue", name)) => {
                    spec.cue = CUES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c).ok_or_else(|| {
                        let known: Vec<&str> = CUES.iter().map(|(n, _)| *n).collect();
                        CliError::Usage(format!(
                            "`procedural:{rest}`: unknown cue `{name}`; known: {}",
                            known.join(", ")
                        ))
                    })?;
                }
                Some(("size", px)) => {
                    spec.size = px.parse().map_err(|_| {
                        CliError::Usage(format!("`procedural:{rest}`: `size={px}` is not a side in pixels"))
                    })?;
                }
                _ => {
                    return Err(CliError::Usage(format!(
                        "`procedural:{rest}`: unknown field `{field}`; expected cue=CUE or size=PX"
                    )));
                }
            }
        }
        Ok(spec)
    }

    /// The generator's configuration: `200 × classes` creatures seeded by `seed`.
    pub fn config(&self, seed: u64) -> ProceduralConfig {
        ProceduralConfig::new(self.classes)
            .with_class_cue(self.cue)
            .with_image_size(self.size)
            .with_num_images(200 * self.classes)
            .with_seed(seed)
    }
}

impl fmt::Display for ProceduralSpec {
    /// `procedural:CLASSES`, then only the fields that differ from the defaults (so the runs
    /// recorded before `cue=` and `size=` existed read back unchanged).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "procedural:{}", self.classes)?;
        if let Some((name, _)) = CUES.iter().find(|(_, c)| *c == self.cue).filter(|(_, c)| *c != ClassCue::HeadAndWing)
        {
            write!(f, ":cue={name}")?;
        }
        if self.size != Self::default().size {
            write!(f, ":size={}", self.size)?;
        }
        Ok(())
    }
}

/// The creatures of `spec` with their part annotations, split as [`load`] splits them:
/// `200 × classes` creatures, seeded and split by `seed`.
///
/// # Errors
/// [`CliError::Data`] for a number of classes the cue does not support or a side too small.
pub fn procedural_splits(spec: &ProceduralSpec, seed: u64) -> Result<Splits<PartImage>> {
    Ok(split(generate(&spec.config(seed))?, 0.1, 0.2, seed))
}

/// Loads `spec`; `csv` names the CSV target column and delimiter. Splits are seeded: 10%
/// validation, 20% test (IDX keeps its own `t10k` test set; gaps in its labels are warned about
/// on stderr). A CSV's categorical features are one-hot encoded; missing values stay NaN.
pub fn load(spec: &DataSpec, csv: &ClassifyOptions, seed: u64) -> Result<Loaded> {
    let classes_of = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
    Ok(match spec {
        DataSpec::Digits => Loaded::Images { splits: split(digits()?, 0.1, 0.2, seed), classes: classes_of(10) },
        DataSpec::Procedural(spec) => {
            let parts = procedural_splits(spec, seed)?;
            let examples = |set: &[PartImage]| set.iter().map(PartImage::to_example).collect();
            let splits =
                Splits { train: examples(&parts.train), valid: examples(&parts.valid), test: examples(&parts.test) };
            Loaded::Images { splits, classes: classes_of(spec.classes) }
        }
        DataSpec::Idx(dir) => {
            let train = load_idx_dir(dir, "train")?;
            let test = load_idx_dir(dir, "t10k")?;
            let labels = |set: &[ImageExample]| set.iter().map(|e| e.label).collect::<Vec<_>>();
            let gaps = LabelGaps::find(&labels(&train), &labels(&test));
            for warning in gaps.warnings() {
                eprintln!("warning: {}: {warning}", dir.display());
            }
            let num_classes = gaps.num_classes;
            let mut splits = split(train, 1.0 / 12.0, 0.0, seed);
            splits.test = test;
            Loaded::Images { splits, classes: classes_of(num_classes) }
        }
        DataSpec::Folder(dir) => {
            let (images, classes) = load_image_folder(dir, &ImageFolderOptions::default())?;
            Loaded::Images { splits: split(images, 0.1, 0.2, seed), classes }
        }
        DataSpec::Csv(path) => {
            let table = read_csv_with(path, &csv.target, &csv.csv()?)?;
            let (rows, classes) = table.to_classification()?;
            let features = table.encoded_names(kiln_data::formats::csv::Encoding::OneHot);
            Loaded::Vectors { splits: split(rows, 0.1, 0.2, seed), classes, features }
        }
    })
}
