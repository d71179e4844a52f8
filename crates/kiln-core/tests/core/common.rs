//! A tiny synthetic classification task for engine tests.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::nn::{Mlp, MlpConfig};
use kiln_core::seed::{epoch_order, rng};
use kiln_core::train::{BatchSource, VectorBatch};
use rand::Rng;

/// Three Gaussian blobs in 2-D, labels 0..3.
pub struct Blobs {
    pub x: Vec<[f32; 2]>,
    pub y: Vec<i64>,
    pub batch_size: usize,
    pub shuffle: bool,
}

impl Blobs {
    pub fn new(n: usize, seed: u64, shuffle: bool) -> Self {
        let centers = [[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]];
        let mut r = rng(seed, 0);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for i in 0..n {
            let c = i % 3;
            x.push([centers[c][0] + r.random_range(-0.8..0.8f32), centers[c][1] + r.random_range(-0.8..0.8f32)]);
            y.push(c as i64);
        }
        Self { x, y, batch_size: 16, shuffle }
    }
}

impl BatchSource<VectorBatch> for Blobs {
    fn num_batches(&self) -> usize {
        self.x.len().div_ceil(self.batch_size)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<VectorBatch> {
        let order = epoch_order(self.x.len(), self.shuffle.then_some(1), epoch);
        let idx = &order[index * self.batch_size..((index + 1) * self.batch_size).min(self.x.len())];
        let feats: Vec<f32> = idx.iter().flat_map(|&i| self.x[i]).collect();
        let targets: Vec<i64> = idx.iter().map(|&i| self.y[i]).collect();
        Ok(VectorBatch {
            features: Tensor::from_data(TensorData::new(feats, [idx.len(), 2]), device),
            targets: Tensor::from_data(TensorData::new(targets, [idx.len()]), device),
        })
    }
}

/// Blobs whose batch `fail_at` of every epoch cannot be built.
pub struct FailingBlobs {
    pub inner: Blobs,
    pub fail_at: usize,
}

impl BatchSource<VectorBatch> for FailingBlobs {
    fn num_batches(&self) -> usize {
        self.inner.num_batches()
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<VectorBatch> {
        if index == self.fail_at {
            return Err(kiln_core::CoreError::InvalidConfig("feature width 3, expected 2".into()));
        }
        self.inner.batch(epoch, index, device)
    }
}

pub fn mlp(device: &Device, seed: u64) -> Mlp {
    device.seed(seed);
    MlpConfig::new(2, 3).with_hidden(vec![16]).init(device)
}

pub fn params(model: &Mlp) -> Vec<Vec<f32>> {
    let mut out: Vec<Vec<f32>> =
        model.hidden.iter().map(|l| l.weight.val().into_data().convert::<f32>().try_to_vec::<f32>().unwrap()).collect();
    out.push(model.head.weight.val().into_data().convert::<f32>().try_to_vec::<f32>().unwrap());
    out
}

pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-core-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
