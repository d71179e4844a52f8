//! Which parts of a creature carry its class ([`ClassCue`]), and the head shape and wing colour
//! of one image.
//!
//! With [`ClassCue::HeadAndWing`] (the default) the class is the combination of head shape and
//! wing colour. With [`ClassCue::WingColourOnly`] class `l` has wing colour `l` and a head shape
//! drawn uniformly at random for every image; with [`ClassCue::HeadShapeOnly`] class `l` has head
//! shape `l` and a random wing colour. The random draws come from a stream of their own (seeded
//! from the image's seed), so everything else in an image (background, position, scale, body,
//! tail, noise) is the same under every cue.
//!
//! These give a ground truth for Nauta et al.'s characteristics: with wing colour only, a hue
//! shift must matter most; with head shape only, the shape warp.

use rand::Rng;
use rand::rngs::StdRng;

use super::scene::{HEAD_SHAPES, HeadShape, WING_COLOURS, WingColour, class_parts};

/// Which parts define the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClassCue {
    /// Head shape and wing colour together (4 × 6 = 24 classes at most).
    #[default]
    HeadAndWing,
    /// The wing colour alone (6 classes at most); the head shape is random.
    WingColourOnly,
    /// The head shape alone (4 classes at most); the wing colour is random.
    HeadShapeOnly,
}

/// The class-relevant parts of one image.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClassParts {
    /// The head's shape.
    pub(super) shape: HeadShape,
    /// The wing's colour.
    pub(super) wing: WingColour,
    /// Whether the wing defines the class.
    pub(super) wing_defines: bool,
    /// Whether the head defines the class.
    pub(super) head_defines: bool,
}

impl ClassCue {
    /// The most classes the cue can tell apart.
    pub fn max_classes(self) -> usize {
        match self {
            Self::HeadAndWing => HEAD_SHAPES.len() * WING_COLOURS.len(),
            Self::WingColourOnly => WING_COLOURS.len(),
            Self::HeadShapeOnly => HEAD_SHAPES.len(),
        }
    }

    /// A description of class `label` (below [`ClassCue::max_classes`]), e.g.
    /// `"red wing, any head"`.
    pub(super) fn describe(self, label: usize) -> String {
        match self {
            Self::HeadAndWing => {
                let (shape, wing) = class_parts(label);
                format!("{} head, {} wing", shape.name(), wing.name)
            }
            Self::WingColourOnly => format!("{} wing, any head", WING_COLOURS[label % WING_COLOURS.len()].name),
            Self::HeadShapeOnly => format!("{} head, any wing", HEAD_SHAPES[label % HEAD_SHAPES.len()].name()),
        }
    }

    /// The head shape and wing colour of an image of class `label`; `rng` draws the part that
    /// does not define the class (and is untouched under [`ClassCue::HeadAndWing`]).
    pub(super) fn parts(self, label: usize, rng: &mut StdRng) -> ClassParts {
        match self {
            Self::HeadAndWing => {
                let (shape, wing) = class_parts(label);
                ClassParts { shape, wing, wing_defines: true, head_defines: true }
            }
            Self::WingColourOnly => ClassParts {
                shape: HEAD_SHAPES[rng.random_range(0..HEAD_SHAPES.len())],
                wing: WING_COLOURS[label % WING_COLOURS.len()],
                wing_defines: true,
                head_defines: false,
            },
            Self::HeadShapeOnly => ClassParts {
                shape: HEAD_SHAPES[label % HEAD_SHAPES.len()],
                wing: WING_COLOURS[rng.random_range(0..WING_COLOURS.len())],
                wing_defines: false,
                head_defines: true,
            },
        }
    }
}
