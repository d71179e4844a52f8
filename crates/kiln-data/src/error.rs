//! The one error type of this crate: every variant names the file, the record and what is wrong.

use std::path::PathBuf;

/// Result alias used throughout `kiln-data`.
pub type Result<T> = std::result::Result<T, DataError>;

/// Everything that can go wrong while reading or generating a dataset.
///
/// Variants carry the offending file (when there is one), the record inside it (index, line
/// number, column) and a description, so the `Display` text is enough to fix the input.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The operating system refused to open or read a file or directory.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file or directory being read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },

    /// An IDX file does not start with the magic number expected for its role.
    #[error("{}: expected an IDX {expected} file, found {found}", .path.display())]
    BadMagic {
        /// The IDX file.
        path: PathBuf,
        /// What was expected, e.g. `"images (magic 0x00000803: u8, 3 dimensions)"`.
        expected: &'static str,
        /// What the header actually holds, e.g. `"magic 0x00000801 (u8, 1 dimension)"`.
        found: String,
    },

    /// An IDX file (after decompression) is shorter than its header promises.
    #[error(
        "{}: truncated IDX file: expected {expected} bytes (after decompression), found {found}",
        .path.display()
    )]
    Truncated {
        /// The IDX file.
        path: PathBuf,
        /// Bytes the header says the file holds (header included).
        expected: u64,
        /// Bytes actually present.
        found: u64,
    },

    /// An IDX file (after decompression) holds more bytes than its header describes.
    #[error(
        "{}: IDX file has trailing data: expected {expected} bytes (after decompression), found {found}",
        .path.display()
    )]
    TrailingData {
        /// The IDX file.
        path: PathBuf,
        /// Bytes the header says the file holds (header included).
        expected: u64,
        /// Bytes actually present.
        found: u64,
    },

    /// A gzipped file's compressed data is corrupt or cut short.
    #[error("{}: gzip data is corrupt or truncated: {source}", .path.display())]
    CorruptGzip {
        /// The gzipped file.
        path: PathBuf,
        /// What the decompressor reported.
        source: std::io::Error,
    },

    /// An IDX header has a valid magic number but unusable dimensions.
    #[error("{}: bad IDX header: dimensions {dims:?}: {reason}", .path.display())]
    BadIdxHeader {
        /// The IDX file.
        path: PathBuf,
        /// The dimensions read from the header.
        dims: Vec<u32>,
        /// Why they cannot be used.
        reason: &'static str,
    },

    /// A directory holds neither the plain nor the gzipped form of an expected file.
    #[error("{}: found neither {name} nor {name}.gz", .dir.display())]
    MissingFile {
        /// The directory searched.
        dir: PathBuf,
        /// The plain file name looked for.
        name: String,
    },

    /// An images file and its labels file hold different numbers of records.
    #[error(
        "{} holds {images} images but {} holds {labels} labels",
        .images_path.display(),
        .labels_path.display()
    )]
    LabelCountMismatch {
        /// The images file.
        images_path: PathBuf,
        /// Number of images in it.
        images: usize,
        /// The labels file.
        labels_path: PathBuf,
        /// Number of labels in it.
        labels: usize,
    },

    /// An image file could not be decoded (corrupt, truncated or not really an image).
    #[error("cannot decode image {}: {message}", .path.display())]
    UnreadableImage {
        /// The image file.
        path: PathBuf,
        /// What the decoder reported.
        message: String,
    },

    /// An image's size differs from the first image's, and no common size was requested.
    #[error(
        "{} is {}x{} (height x width) but {} is {}x{}; request a common size to resize all images",
        .path.display(), .found.0, .found.1, .first.display(), .expected.0, .expected.1
    )]
    ImageSizeMismatch {
        /// The offending image.
        path: PathBuf,
        /// Its `(height, width)`.
        found: (usize, usize),
        /// The first image read, whose size all others must share.
        first: PathBuf,
        /// The first image's `(height, width)`.
        expected: (usize, usize),
    },

    /// A file or folder holds no usable records.
    #[error("{}: no {what}", .path.display())]
    EmptyDataset {
        /// The file or folder.
        path: PathBuf,
        /// What is missing, e.g. `"data rows"` or `"image files (.png, .jpg, .jpeg)"`.
        what: &'static str,
    },

    /// An image-folder root holds no class subdirectories.
    #[error("{}: no class subdirectories (expected root/<class>/<image>)", .path.display())]
    NoClasses {
        /// The root folder.
        path: PathBuf,
    },

    /// A CSV row has a different number of fields than the header.
    #[error(
        "{}:{line}: expected {expected} fields (as in the header), found {found}",
        .path.display()
    )]
    CsvFieldCount {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// Number of header fields.
        expected: usize,
        /// Number of fields on this line.
        found: usize,
    },

    /// A field of a numeric CSV column (one whose values are mostly numbers) is not a finite
    /// number.
    #[error("{}:{line}: column \"{column}\": {value:?} is not a finite number", .path.display())]
    CsvNotANumber {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// Name of the column (from the header).
        column: String,
        /// The offending text.
        value: String,
    },

    /// A CSV line has a double quote that is never closed.
    #[error("{}:{line}: unterminated double-quoted field", .path.display())]
    CsvUnterminatedQuote {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
    },

    /// The requested target column is not in the CSV header.
    #[error("{}: no column named \"{column}\" in the header", .path.display())]
    CsvMissingColumn {
        /// The CSV file.
        path: PathBuf,
        /// The column asked for.
        column: String,
    },

    /// The requested target column appears more than once in the CSV header.
    #[error("{}: column \"{column}\" appears more than once in the header", .path.display())]
    CsvDuplicateColumn {
        /// The CSV file.
        path: PathBuf,
        /// The ambiguous column name.
        column: String,
    },

    /// A numeric classification target is not an integer value (a target column holding text
    /// is read as class names instead).
    #[error(
        "{}:{line}: target column \"{column}\": {value} is not an integer class value",
        .path.display()
    )]
    NonIntegerTarget {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// Name of the target column.
        column: String,
        /// The offending value.
        value: f32,
    },

    /// A CSV row has no value in the target column (empty, `NA`, `nan`, ...).
    #[error("{}:{line}: target column \"{column}\" has no value (a missing label)", .path.display())]
    CsvMissingTarget {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// Name of the target column.
        column: String,
    },

    /// A categorical CSV column of a file read against a reference file (the training file)
    /// holds a category the reference never has, which an ordinal encoding cannot place.
    #[error(
        "{}:{line}: column \"{column}\": category {value:?} does not occur in {}; \
         a category seen only here cannot be encoded (map it to a training category or drop the row)",
        .path.display(), .reference.display()
    )]
    CsvUnknownCategory {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// Name of the column.
        column: String,
        /// The unknown category.
        value: String,
        /// The file whose categories are known (the training file).
        reference: PathBuf,
    },

    /// A categorical CSV column has more distinct values than the encoding allows (an
    /// identifier or free-text column, most likely).
    #[error(
        "{}: column \"{column}\" has {found} distinct text values, more than the {max} a categorical \
         feature may have here (an identifier or free-text column? remove it)",
        .path.display()
    )]
    CsvTooManyCategories {
        /// The CSV file.
        path: PathBuf,
        /// Name of the column.
        column: String,
        /// Distinct values found.
        found: usize,
        /// The limit.
        max: usize,
    },

    /// The CSV parser rejected the file's structure.
    #[error("{}:{line}: malformed CSV: {message}", .path.display())]
    CsvSyntax {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// What the parser reported.
        message: String,
    },

    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),

    /// An image too small for a transform's window (non-local means compares windows of side
    /// `minimum`).
    #[error("a {height}×{width} image is smaller than the {minimum}×{minimum} {window}")]
    ImageTooSmall {
        /// Image height in pixels.
        height: usize,
        /// Image width in pixels.
        width: usize,
        /// The smallest side the transform accepts.
        minimum: usize,
        /// The window, e.g. `"non-local means search window"`.
        window: &'static str,
    },

    /// A required file of a CUB-200-2011 directory is absent.
    #[error("{}: required CUB-200-2011 file is missing ({what})", .path.display())]
    CubMissingFile {
        /// The path where the file was expected.
        path: PathBuf,
        /// What the file holds, e.g. `"image ids and paths"`.
        what: &'static str,
    },

    /// A line of a CUB-200-2011 annotation file has the wrong number of fields.
    #[error("{}:{line}: expected {expected} whitespace-separated fields, found {found}", .path.display())]
    CubFieldCount {
        /// The annotation file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// How many fields the line should hold, e.g. `"5"` or `"at least 2"`.
        expected: &'static str,
        /// Number of fields on this line.
        found: usize,
    },

    /// A field of a CUB-200-2011 annotation file is not a number of the expected kind.
    #[error("{}:{line}: {field}: {value:?} is not {expected}", .path.display())]
    CubNotANumber {
        /// The annotation file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// Which field, e.g. `"image id"` or `"x"`.
        field: &'static str,
        /// The offending text.
        value: String,
        /// What was expected, e.g. `"a non-negative integer"` or `"a finite number"`.
        expected: &'static str,
    },

    /// A CUB-200-2011 annotation line parses but its content is invalid: a class id of 0, a flag
    /// other than 0 or 1, a duplicate id, or an id not declared where it must be.
    #[error("{}:{line}: {reason}", .path.display())]
    CubBadRecord {
        /// The annotation file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// What is wrong with the record.
        reason: String,
    },

    /// An image listed in `images.txt` has no record in another required CUB-200-2011 file.
    #[error(
        "{}: no record for image id {image_id} (listed at {}:{images_line})",
        .path.display(), .images_path.display()
    )]
    CubMissingRecord {
        /// The annotation file that lacks the image.
        path: PathBuf,
        /// The image id it lacks.
        image_id: usize,
        /// The `images.txt` file listing the image.
        images_path: PathBuf,
        /// 1-based line of `images.txt` listing the image.
        images_line: usize,
    },

    /// A CUB-200-2011 bounding box is degenerate or extends outside its image.
    #[error(
        "{}:{line}: bounding box of image id {image_id} (x {}, y {}, width {}, height {}) {reason}",
        .path.display(), .bbox[0], .bbox[1], .bbox[2], .bbox[3]
    )]
    CubBadBoundingBox {
        /// The bounding-box file.
        path: PathBuf,
        /// 1-based line number, as shown by a text editor.
        line: usize,
        /// The image the box belongs to.
        image_id: usize,
        /// The box as `[x, y, width, height]` in source-image pixels.
        bbox: [f32; 4],
        /// What is wrong, e.g. `"has a non-positive width or height"`.
        reason: String,
    },

    /// A COCO annotation file is not valid JSON, or its top level is not a JSON object.
    #[error("{}: malformed COCO JSON: {message}", .path.display())]
    CocoSyntax {
        /// The annotation file.
        path: PathBuf,
        /// What the JSON parser reported (with line and column) or what is wrong.
        message: String,
    },

    /// A record of a COCO annotation file lacks a required key.
    #[error("{}: {record}: missing key \"{key}\"", .path.display())]
    CocoMissingKey {
        /// The annotation file.
        path: PathBuf,
        /// The record, e.g. `"annotation 17"`, `"images[3]"` (by index when its id is unusable)
        /// or `"top level"`.
        record: String,
        /// The missing key.
        key: &'static str,
    },

    /// A value of a COCO record has the wrong type or is out of range.
    #[error("{}: {record}: \"{key}\" must be {expected}, found {found}", .path.display())]
    CocoBadValue {
        /// The annotation file.
        path: PathBuf,
        /// The record, e.g. `"image 4"`.
        record: String,
        /// The key whose value is wrong.
        key: &'static str,
        /// What was expected, e.g. `"a non-negative integer"`.
        expected: &'static str,
        /// The value found, as (possibly shortened) JSON text.
        found: String,
    },

    /// Two COCO records of one kind share an id.
    #[error("{}: {record}: duplicate id (already used by {first})", .path.display())]
    CocoDuplicateId {
        /// The annotation file.
        path: PathBuf,
        /// The second record with the id, e.g. `"category 3"`.
        record: String,
        /// Where the id was first used, e.g. `"categories[0]"`.
        first: String,
    },

    /// A COCO annotation names a category id that no category has.
    #[error("{}: {record}: unknown category id {category_id}", .path.display())]
    CocoUnknownCategory {
        /// The annotation file.
        path: PathBuf,
        /// The annotation, e.g. `"annotation 17"`.
        record: String,
        /// The unknown id.
        category_id: u64,
    },

    /// A COCO annotation names an image id that no image has.
    #[error("{}: {record}: unknown image id {image_id}", .path.display())]
    CocoUnknownImage {
        /// The annotation file.
        path: PathBuf,
        /// The annotation, e.g. `"annotation 17"`.
        record: String,
        /// The unknown id.
        image_id: u64,
    },

    /// A COCO box has a non-positive size or lies outside its image.
    #[error(
        "{}: {record}: bbox [x {}, y {}, width {}, height {}] {reason}",
        .path.display(), .bbox[0], .bbox[1], .bbox[2], .bbox[3]
    )]
    CocoBadBox {
        /// The annotation file.
        path: PathBuf,
        /// The annotation, e.g. `"annotation 17"`.
        record: String,
        /// The box as read, `[x, y, width, height]`.
        bbox: [f64; 4],
        /// What is wrong, e.g. `"has a non-positive width or height"`.
        reason: String,
    },

    /// A COCO segmentation polygon is malformed (odd length, fewer than 3 points, a value that
    /// is not a finite number).
    #[error("{}: {record}: segmentation polygon {polygon}: {reason}", .path.display())]
    CocoBadPolygon {
        /// The annotation file.
        path: PathBuf,
        /// The annotation, e.g. `"annotation 17"`.
        record: String,
        /// 0-based index of the polygon in the annotation's segmentation.
        polygon: usize,
        /// What is wrong.
        reason: String,
    },

    /// A COCO segmentation is run-length encoded (`{"counts", "size"}`), which is not
    /// supported.
    #[error(
        "{}: {record}: RLE segmentation (an object with \"counts\" and \"size\") is not supported; \
         convert it to polygons",
        .path.display()
    )]
    CocoRleSegmentation {
        /// The annotation file.
        path: PathBuf,
        /// The annotation, e.g. `"annotation 17"`.
        record: String,
    },

    /// A COCO image file's size differs from the width and height its record declares.
    #[error(
        "{}: {record} declares {}x{} (height x width) but {} is {}x{}",
        .path.display(), .declared.0, .declared.1, .image_path.display(), .found.0, .found.1
    )]
    CocoImageSize {
        /// The annotation file.
        path: PathBuf,
        /// The image record, e.g. `"image 4"`.
        record: String,
        /// The declared `(height, width)`.
        declared: (usize, usize),
        /// The image file.
        image_path: PathBuf,
        /// Its decoded `(height, width)`.
        found: (usize, usize),
    },
}

impl DataError {
    /// An [`DataError::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
