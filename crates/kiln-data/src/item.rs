//! The items datasets yield: images, labelled images, tables.

/// A dense image, channels-first (CHW), pixel values in `[0, 1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Number of channels (1 for grey, 3 for RGB).
    pub channels: usize,
    /// Height in pixels.
    pub height: usize,
    /// Width in pixels.
    pub width: usize,
    /// `channels * height * width` values, channel-major then row-major.
    pub pixels: Vec<f32>,
}

impl Image {
    /// A black image of the given shape.
    pub fn zeros(channels: usize, height: usize, width: usize) -> Self {
        Self { channels, height, width, pixels: vec![0.0; channels * height * width] }
    }

    /// The shape as `[channels, height, width]`.
    pub fn shape(&self) -> [usize; 3] {
        [self.channels, self.height, self.width]
    }

    /// Value at channel `c`, row `y`, column `x`.
    pub fn at(&self, c: usize, y: usize, x: usize) -> f32 {
        self.pixels[(c * self.height + y) * self.width + x]
    }

    /// Mutable value at channel `c`, row `y`, column `x`.
    pub fn at_mut(&mut self, c: usize, y: usize, x: usize) -> &mut f32 {
        &mut self.pixels[(c * self.height + y) * self.width + x]
    }
}

/// An image with its class label.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageExample {
    /// The image.
    pub image: Image,
    /// Class index in `0..num_classes`.
    pub label: usize,
}

/// A row of numeric features with its class label.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorExample {
    /// Feature values.
    pub features: Vec<f32>,
    /// Class index in `0..num_classes`.
    pub label: usize,
}
