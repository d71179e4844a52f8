//! Readers for the dataset formats users bring: IDX (MNIST-style), numeric CSV tables,
//! ImageFolder trees and the CUB-200-2011 layout (with bounding boxes and part locations). Each
//! reader returns a typed [`DataError`](crate::DataError) naming the file and the record at fault.

pub mod csv;
pub mod cub;
pub mod idx;
pub mod image_folder;

pub use csv::{Table, read_csv};
pub use cub::{CubItem, CubOptions, CubPart, CubSplit, load_cub};
pub use idx::{load_idx, load_idx_dir, read_idx_images, read_idx_labels};
pub use image_folder::{ImageFolderOptions, load_image_folder};
