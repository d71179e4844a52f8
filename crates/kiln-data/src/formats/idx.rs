//! IDX files, the format of MNIST and Fashion-MNIST, read from files the user already has.
//!
//! An IDX file is a 4-byte magic number (`0x00 0x00 <type> <number of dimensions>`), one
//! big-endian `u32` per dimension, then the values in row-major order. Only unsigned-byte files are
//! read here: images (`0x00000803`, dimensions `[count, rows, columns]`) and labels
//! (`0x00000801`, dimensions `[count]`). Files may be gzipped; compression is detected from the
//! gzip magic bytes `1f 8b`, not from the file name.
//!
//! The header is checked before the payload is read: the data it describes must be addressable
//! and, for a plain file, no larger than what the file holds (its size on disk); a gzipped
//! payload is read incrementally, so it can never grow beyond what the file decompresses to. A
//! corrupt header promising terabytes of data fails cleanly instead of allocating them.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::error::{DataError, Result};
use crate::item::{Image, ImageExample};

/// IDX type code for unsigned bytes.
const TYPE_U8: u8 = 0x08;

/// What a caller expects an IDX file to be.
struct Expected {
    /// Number of dimensions in the header.
    ndims: u8,
    /// Human-readable description for [`DataError::BadMagic`].
    description: &'static str,
}

/// Images: `u8` values, dimensions `[count, rows, columns]`.
const IMAGES: Expected = Expected { ndims: 3, description: "images (magic 0x00000803: u8, 3 dimensions)" };

/// Labels: `u8` values, dimensions `[count]`.
const LABELS: Expected = Expected { ndims: 1, description: "labels (magic 0x00000801: u8, 1 dimension)" };

/// Reads an IDX images file (`u8`, 3 dimensions) into one-channel images with pixels scaled to
/// `[0, 1]` (value / 255).
///
/// # Errors
/// [`DataError::Io`], [`DataError::CorruptGzip`], [`DataError::BadMagic`],
/// [`DataError::BadIdxHeader`] (zero-sized or impossibly large images), [`DataError::Truncated`]
/// or [`DataError::TrailingData`].
pub fn read_idx_images(path: impl AsRef<Path>) -> Result<Vec<Image>> {
    let path = path.as_ref();
    let (dims, payload) = read_idx(path, &IMAGES)?;
    let (rows, cols) = (dims[1] as usize, dims[2] as usize);
    let pixels_per_image = rows * cols; // cannot overflow: checked against the payload length
    Ok(payload
        .chunks_exact(pixels_per_image)
        .map(|chunk| Image {
            channels: 1,
            height: rows,
            width: cols,
            pixels: chunk.iter().map(|&b| f32::from(b) / 255.0).collect(),
        })
        .collect())
}

/// Reads an IDX labels file (`u8`, 1 dimension).
///
/// # Errors
/// [`DataError::Io`], [`DataError::CorruptGzip`], [`DataError::BadMagic`],
/// [`DataError::Truncated`] or [`DataError::TrailingData`].
pub fn read_idx_labels(path: impl AsRef<Path>) -> Result<Vec<u8>> {
    let (_, payload) = read_idx(path.as_ref(), &LABELS)?;
    Ok(payload)
}

/// Reads an images file and its labels file and pairs them up.
///
/// # Errors
/// Any error of [`read_idx_images`] or [`read_idx_labels`], or
/// [`DataError::LabelCountMismatch`] if the two files hold different numbers of records.
pub fn load_idx(images_path: impl AsRef<Path>, labels_path: impl AsRef<Path>) -> Result<Vec<ImageExample>> {
    let (images_path, labels_path) = (images_path.as_ref(), labels_path.as_ref());
    let images = read_idx_images(images_path)?;
    let labels = read_idx_labels(labels_path)?;
    if images.len() != labels.len() {
        return Err(DataError::LabelCountMismatch {
            images_path: images_path.to_path_buf(),
            images: images.len(),
            labels_path: labels_path.to_path_buf(),
            labels: labels.len(),
        });
    }
    Ok(images.into_iter().zip(labels).map(|(image, label)| ImageExample { image, label: usize::from(label) }).collect())
}

/// Loads one split of an MNIST-style directory by its standard file names:
/// `{split}-images-idx3-ubyte` and `{split}-labels-idx1-ubyte`, each optionally ending in `.gz`
/// (the plain file is preferred when both exist). `split` is usually `"train"` or `"t10k"`.
///
/// # Errors
/// [`DataError::MissingFile`] if a file is absent, otherwise as [`load_idx`].
pub fn load_idx_dir(dir: impl AsRef<Path>, split: &str) -> Result<Vec<ImageExample>> {
    let dir = dir.as_ref();
    let images = find_file(dir, &format!("{split}-images-idx3-ubyte"))?;
    let labels = find_file(dir, &format!("{split}-labels-idx1-ubyte"))?;
    load_idx(images, labels)
}

/// `dir/name` if it is a file, else `dir/name.gz`, else [`DataError::MissingFile`].
fn find_file(dir: &Path, name: &str) -> Result<PathBuf> {
    let plain = dir.join(name);
    if plain.is_file() {
        return Ok(plain);
    }
    let gz = dir.join(format!("{name}.gz"));
    if gz.is_file() {
        return Ok(gz);
    }
    Err(DataError::MissingFile { dir: dir.to_path_buf(), name: name.to_string() })
}

/// Reads and validates an IDX file: returns its dimensions and its payload, whose length is
/// exactly the product of the dimensions.
fn read_idx(path: &Path, expected: &Expected) -> Result<(Vec<u32>, Vec<u8>)> {
    let (mut reader, is_gzip, file_len) = open_maybe_gzipped(path)?;
    let io_err = |source| {
        if is_gzip { DataError::CorruptGzip { path: path.to_path_buf(), source } } else { DataError::io(path, source) }
    };

    let magic = read_at_most(&mut reader, 4).map_err(io_err)?;
    let Ok(magic) = <[u8; 4]>::try_from(magic.as_slice()) else {
        return Err(truncated(path, 4, magic.len()));
    };
    if magic != [0, 0, TYPE_U8, expected.ndims] {
        return Err(DataError::BadMagic {
            path: path.to_path_buf(),
            expected: expected.description,
            found: describe_magic(magic),
        });
    }

    let header_len = 4 + 4 * u64::from(expected.ndims);
    let dim_bytes = read_at_most(&mut reader, header_len - 4).map_err(io_err)?;
    if (dim_bytes.len() as u64) < header_len - 4 {
        return Err(truncated(path, header_len, 4 + dim_bytes.len()));
    }
    let dims: Vec<u32> = dim_bytes.chunks_exact(4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).collect();
    let bad_header = |reason| DataError::BadIdxHeader { path: path.to_path_buf(), dims: dims.clone(), reason };
    if dims.iter().skip(1).any(|&d| d == 0) {
        return Err(bad_header("records have zero size"));
    }
    // Both one record and the whole payload must be addressable (32-bit targets included).
    let fits = |n: &u64| usize::try_from(*n).is_ok() && *n <= u64::MAX - header_len;
    let payload_len = dims
        .iter()
        .skip(1)
        .try_fold(1u64, |acc, &d| acc.checked_mul(u64::from(d)))
        .filter(fits)
        .and_then(|record_len| record_len.checked_mul(u64::from(dims[0])))
        .filter(fits)
        .ok_or_else(|| bad_header("the data they describe is too large to address"))?;
    let total = header_len + payload_len;
    if !is_gzip && file_len < total {
        return Err(DataError::Truncated { path: path.to_path_buf(), expected: total, found: file_len });
    }

    let payload = read_at_most(&mut reader, payload_len).map_err(io_err)?;
    if (payload.len() as u64) < payload_len {
        return Err(truncated(path, total, header_len as usize + payload.len()));
    }
    let extra = io::copy(&mut reader, &mut io::sink()).map_err(io_err)?;
    if extra > 0 {
        return Err(DataError::TrailingData {
            path: path.to_path_buf(),
            expected: total,
            found: total.saturating_add(extra),
        });
    }
    Ok((dims, payload))
}

/// A [`DataError::Truncated`] for `path`.
fn truncated(path: &Path, expected: u64, found: usize) -> DataError {
    DataError::Truncated { path: path.to_path_buf(), expected, found: found as u64 }
}

/// Opens `path`, transparently decompressing it if it starts with the gzip magic `1f 8b`; also
/// says whether it was gzipped, and the file's size on disk.
fn open_maybe_gzipped(path: &Path) -> Result<(Box<dyn Read>, bool, u64)> {
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    let file_len = file.metadata().map_err(|e| DataError::io(path, e))?.len();
    let mut file = BufReader::new(file);
    let prefix = read_at_most(&mut file, 2).map_err(|e| DataError::io(path, e))?;
    let is_gzip = prefix == [0x1f, 0x8b];
    let stream = Cursor::new(prefix).chain(file);
    let reader: Box<dyn Read> = if is_gzip { Box::new(MultiGzDecoder::new(stream)) } else { Box::new(stream) };
    Ok((reader, is_gzip, file_len))
}

/// Reads up to `limit` bytes, stopping early at the end of the data. The buffer grows with the
/// data actually read, so a huge `limit` allocates nothing up front. An unexpected end of a
/// compressed stream counts as the end of the data (the caller reports the truncation).
fn read_at_most(reader: &mut impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    match reader.take(limit).read_to_end(&mut buf) {
        Ok(_) => Ok(buf),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(buf),
        Err(e) => Err(e),
    }
}

/// Describes a magic number for [`DataError::BadMagic`].
fn describe_magic(magic: [u8; 4]) -> String {
    let value = u32::from_be_bytes(magic);
    if magic[0] != 0 || magic[1] != 0 {
        return format!("magic 0x{value:08x} (not an IDX file)");
    }
    let value_type = match magic[2] {
        0x08 => "u8",
        0x09 => "i8",
        0x0B => "i16",
        0x0C => "i32",
        0x0D => "f32",
        0x0E => "f64",
        _ => "unknown value type",
    };
    let plural = if magic[3] == 1 { "" } else { "s" };
    format!("magic 0x{value:08x} ({value_type}, {} dimension{plural})", magic[3])
}
