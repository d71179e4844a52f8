//! Readers for the dataset formats users bring: IDX (MNIST-style), CSV tables (numeric and
//! categorical columns, missing values, text class labels), ImageFolder trees and the
//! CUB-200-2011 layout (with bounding boxes and part locations). Each reader returns a typed
//! [`DataError`](crate::DataError) naming the file and the record at fault, and allocates in
//! proportion to the file it reads, never to what a header claims.

pub mod coco;
pub mod csv;
pub mod cub;
pub mod decode;
pub mod idx;
pub mod image_folder;
pub mod label_gaps;

pub use coco::{CocoAnnotation, CocoCategory, CocoDataset, CocoImage, read_coco, write_coco, write_coco_set};
pub use csv::{CsvOptions, Frame, Table, read_csv, read_csv_with};
pub use cub::{CubItem, CubOptions, CubPart, CubSplit, load_cub};
pub use idx::{load_idx, load_idx_dir, read_idx_images, read_idx_labels};
pub use image_folder::{ImageFolderOptions, load_image_folder};
pub use label_gaps::LabelGaps;
