//! The NTU RGB+D `.skeleton` text format (Shahroudy et al., CVPR 2016), as written by the
//! dataset's Kinect v2 export:
//!
//! ```text
//! <frame count>
//! per frame:  <body count>
//!   per body: <bodyID> <clipedEdges> <handLeftConfidence> <handLeftState>
//!             <handRightConfidence> <handRightState> <isRestricted> <leanX> <leanY> <trackingState>
//!             <joint count = 25>
//!             per joint: x y z depthX depthY colorX colorY
//!                        orientationW orientationX orientationY orientationZ trackingState
//! ```
//!
//! [`read_ntu_skeleton`] parses a file into an [`NtuSequence`]; [`NtuSequence::body_positions`]
//! takes the camera-space `x y z` of one body per frame and [`resample_frames`] brings them to
//! the model's `T` frames; [`action_from_name`] reads the class from the file name. A malformed
//! file (truncated frame, wrong joint count, a value that is not a finite number, extra lines)
//! is [`SeqError::Skeleton`] with the file and 1-based line.

use std::path::{Path, PathBuf};

use crate::error::{Result, SeqError};

/// Joints of an NTU RGB+D (Kinect v2) body.
pub const NTU_JOINTS: usize = 25;

/// Values on a body header line.
const BODY_FIELDS: usize = 10;
/// Values on a joint line.
const JOINT_FIELDS: usize = 12;

/// One joint of one body in one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NtuJoint {
    /// Camera-space position `x y z` (metres).
    pub position: [f32; 3],
    /// Position in the depth image `depthX depthY`.
    pub depth: [f32; 2],
    /// Position in the colour image `colorX colorY`.
    pub color: [f32; 2],
    /// Orientation quaternion `w x y z`.
    pub orientation: [f32; 4],
    /// Tracking state (0 not tracked, 1 inferred, 2 tracked).
    pub tracking: u8,
}

/// One body in one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct NtuBody {
    /// The body's tracking id, as written (a 64-bit number in the dataset).
    pub id: String,
    /// The nine values after the id on the header line: clipedEdges, handLeftConfidence,
    /// handLeftState, handRightConfidence, handRightState, isRestricted, leanX, leanY,
    /// trackingState.
    pub info: [f32; BODY_FIELDS - 1],
    /// The 25 joints.
    pub joints: Vec<NtuJoint>,
}

/// A parsed `.skeleton` file: its frames, each with the bodies seen in it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NtuSequence {
    /// Bodies of every frame (a frame may have none).
    pub frames: Vec<Vec<NtuBody>>,
}

impl NtuSequence {
    /// Camera-space positions of body `body` (its index within each frame, 0 for the first),
    /// `[frames, 25, 3]` row-major. Frames where that body is absent are zeros, as the
    /// dataset's own loaders do.
    ///
    /// # Errors
    /// [`SeqError::Empty`] when the file has no frame, or no frame has body `body`.
    pub fn body_positions(&self, body: usize) -> Result<Vec<f32>> {
        if !self.frames.iter().any(|f| f.len() > body) {
            return Err(SeqError::Empty { what: format!("frames with body {body} in the skeleton file") });
        }
        let mut out = Vec::with_capacity(self.frames.len() * NTU_JOINTS * 3);
        for frame in &self.frames {
            match frame.get(body) {
                Some(b) => out.extend(b.joints.iter().flat_map(|j| j.position)),
                None => out.extend(std::iter::repeat_n(0.0, NTU_JOINTS * 3)),
            }
        }
        Ok(out)
    }

    /// Body `body`'s positions linearly resampled to `frames` frames, `[frames, 25, 3]`: the
    /// model input of one file.
    ///
    /// # Errors
    /// As [`NtuSequence::body_positions`] and [`resample_frames`].
    pub fn model_input(&self, body: usize, frames: usize) -> Result<Vec<f32>> {
        resample_frames(&self.body_positions(body)?, NTU_JOINTS * 3, frames)
    }
}

/// Linear resampling in time of a `[n, width]` row-major sequence to `[frames, width]`: output
/// frame `i` is the input at time `τ = i·(n − 1)/(frames − 1)`, interpolated between
/// `⌊τ⌋` and `⌈τ⌉` (a single input frame is repeated). Shorter inputs are stretched, longer
/// ones subsampled.
///
/// # Errors
/// [`SeqError::Empty`] for no input frame or `frames == 0`; [`SeqError::Shape`] when the
/// length is not a multiple of `width`.
pub fn resample_frames(values: &[f32], width: usize, frames: usize) -> Result<Vec<f32>> {
    if values.is_empty() || width == 0 || frames == 0 {
        return Err(SeqError::Empty { what: "frames to resample".into() });
    }
    if !values.len().is_multiple_of(width) {
        return Err(SeqError::Shape {
            what: "frames to resample".into(),
            expected: format!("a multiple of {width} values"),
            found: values.len().to_string(),
        });
    }
    let n = values.len() / width;
    let mut out = Vec::with_capacity(frames * width);
    for i in 0..frames {
        let tau = if frames == 1 { 0.0 } else { i as f64 * (n - 1) as f64 / (frames - 1) as f64 };
        // Lossless: 0 ≤ τ ≤ n − 1.
        let lo = (tau.floor() as usize).min(n - 1);
        let hi = (lo + 1).min(n - 1);
        let w = (tau - lo as f64) as f32;
        let (a, b) = (&values[lo * width..(lo + 1) * width], &values[hi * width..(hi + 1) * width]);
        out.extend(a.iter().zip(b).map(|(x, y)| x + w * (y - x)));
    }
    Ok(out)
}

/// The 0-based action class of an NTU RGB+D file from its name `SsssCcccPpppRrrrAaaa.skeleton`
/// (`A001` is class 0); `None` when the name has no `A` followed by a positive number at the
/// end of its stem.
pub fn action_from_name(path: impl AsRef<Path>) -> Option<usize> {
    let stem = path.as_ref().file_stem()?.to_str()?;
    let digits = &stem[stem.rfind('A')? + 1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<usize>().ok()?.checked_sub(1)
}

/// Reads and parses a `.skeleton` file.
///
/// # Errors
/// [`SeqError::Io`] when the file cannot be read; [`SeqError::Skeleton`] (with the line) when
/// it is malformed.
pub fn read_ntu_skeleton(path: impl AsRef<Path>) -> Result<NtuSequence> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| SeqError::Io { path: path.to_path_buf(), source })?;
    parse_ntu_skeleton(&String::from_utf8_lossy(&bytes), path)
}

/// Parses the text of a `.skeleton` file; `path` only names it in errors.
///
/// # Errors
/// [`SeqError::Skeleton`] with the 1-based line of the problem.
pub fn parse_ntu_skeleton(text: &str, path: impl AsRef<Path>) -> Result<NtuSequence> {
    let mut lines = Lines { path: path.as_ref().to_path_buf(), inner: text.lines().enumerate(), last: 0 };
    let frame_count = lines.count("the frame count")?;
    // No allocation from the count: a damaged count must not reserve memory.
    let mut frames = Vec::new();
    for frame in 0..frame_count {
        let bodies = lines.count("a body count")?;
        let mut list = Vec::new();
        for body in 0..bodies {
            list.push(lines.body(frame, body)?);
        }
        frames.push(list);
    }
    if let Some((line, _)) = lines.next_nonblank() {
        return Err(lines.error(line, format!("extra data after the {frame_count} frames the header announces")));
    }
    Ok(NtuSequence { frames })
}

/// The lines of a file, with their numbers, and the context for errors.
struct Lines<'a> {
    path: PathBuf,
    inner: std::iter::Enumerate<std::str::Lines<'a>>,
    /// Number of the last line read (for truncation errors).
    last: usize,
}

impl<'a> Lines<'a> {
    fn error(&self, line: usize, problem: String) -> SeqError {
        SeqError::Skeleton { path: self.path.clone(), line, problem }
    }

    /// The next non-blank line and its 1-based number.
    fn next_nonblank(&mut self) -> Option<(usize, &'a str)> {
        for (i, text) in self.inner.by_ref() {
            self.last = i + 1;
            let text = text.trim_start_matches('\u{feff}').trim();
            if !text.is_empty() {
                return Some((i + 1, text));
            }
        }
        None
    }

    /// The next line, or a truncation error naming what was expected.
    fn expect(&mut self, what: &str) -> Result<(usize, &'a str)> {
        let last = self.last;
        self.next_nonblank().ok_or_else(|| self.error(last + 1, format!("file ends where {what} was expected")))
    }

    /// A line holding one non-negative integer.
    fn count(&mut self, what: &str) -> Result<usize> {
        let (line, text) = self.expect(what)?;
        text.parse::<usize>().map_err(|_| self.error(line, format!("`{text}` is not {what} (a whole number)")))
    }

    /// A line of exactly `n` finite numbers (the first may be skipped as text).
    fn numbers(&mut self, what: &str, n: usize, skip_first: bool) -> Result<(usize, Option<&'a str>, Vec<f32>)> {
        let (line, text) = self.expect(what)?;
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() != n {
            return Err(self.error(line, format!("{what} has {} values, expected {n}", fields.len())));
        }
        let first = skip_first.then_some(fields[0]);
        let mut values = Vec::with_capacity(n);
        for field in &fields[usize::from(skip_first)..] {
            match field.parse::<f32>() {
                Ok(v) if v.is_finite() => values.push(v),
                _ => return Err(self.error(line, format!("`{field}` in {what} is not a finite number"))),
            }
        }
        Ok((line, first, values))
    }

    fn body(&mut self, frame: usize, body: usize) -> Result<NtuBody> {
        let what = format!("the header of body {body} in frame {frame}");
        let (line, id, info) = self.numbers(&what, BODY_FIELDS, true)?;
        let id = id.unwrap_or_default();
        if id.parse::<u64>().is_err() {
            return Err(self.error(line, format!("`{id}` is not a body id (a whole number)")));
        }
        let mut header = [0.0; BODY_FIELDS - 1];
        header.copy_from_slice(&info);
        let (line, count_text) = self.expect("a joint count")?;
        match count_text.parse::<usize>() {
            Ok(NTU_JOINTS) => {}
            _ => {
                return Err(self.error(line, format!("joint count `{count_text}`, expected {NTU_JOINTS} (Kinect v2)")));
            }
        }
        let mut joints = Vec::with_capacity(NTU_JOINTS);
        for j in 0..NTU_JOINTS {
            let what = format!("joint {j} of body {body} in frame {frame}");
            let (line, _, v) = self.numbers(&what, JOINT_FIELDS, false)?;
            let state = v[11];
            if !(state == 0.0 || state == 1.0 || state == 2.0) {
                return Err(self.error(line, format!("tracking state `{state}` of {what} is not 0, 1 or 2")));
            }
            joints.push(NtuJoint {
                position: [v[0], v[1], v[2]],
                depth: [v[3], v[4]],
                color: [v[5], v[6]],
                orientation: [v[7], v[8], v[9], v[10]],
                // Lossless: checked to be 0, 1 or 2.
                tracking: state as u8,
            });
        }
        Ok(NtuBody { id: id.to_string(), info: header, joints })
    }
}
