//! The fixed embedding `f_θ` of federated reconnaissance and a client's local prototypes.

use std::collections::BTreeMap;

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor};
use kiln_core::nn::Mlp;
use kiln_core::train::VectorBatch;
use kiln_data::Batcher;

use crate::core::PrototypeEntry;
use crate::error::{FedError, Result};

/// A model that embeds a batch: `[batch, dim]` embeddings and the batch's `[batch]` labels.
pub trait Embed: Module {
    /// What it embeds.
    type Batch;

    /// `(f_θ(x), y)` for a batch.
    fn embed_batch(&self, batch: Self::Batch) -> (Tensor<2>, Tensor<1, Int>);
}

impl Embed for Mlp {
    type Batch = VectorBatch;

    /// The last hidden layer (after ReLU), `[batch, hidden.last]`.
    fn embed_batch(&self, batch: VectorBatch) -> (Tensor<2>, Tensor<1, Int>) {
        (self.embed(batch.features), batch.targets)
    }
}

/// Rows of a `[n, d]` tensor and the labels, on the host.
pub(crate) fn to_host(embeddings: Tensor<2>, targets: Tensor<1, Int>) -> Result<(Vec<Vec<f32>>, Vec<usize>)> {
    let [n, d] = embeddings.dims();
    let values = kiln_core::tensor::try_to_vec(embeddings)?;
    let labels = targets
        .into_data()
        .convert::<i64>()
        .try_into_vec::<i64>()
        .map_err(|e| FedError::Core(kiln_core::CoreError::TensorRead(format!("{e:?}"))))?;
    if values.len() != n * d || labels.len() != n {
        return Err(FedError::Core(kiln_core::CoreError::TensorRead(format!(
            "{} values and {} labels for {n} rows of width {d}",
            values.len(),
            labels.len()
        ))));
    }
    let rows = values.chunks(d.max(1)).take(n).map(<[f32]>::to_vec).collect();
    Ok((rows, labels.into_iter().map(|l| l.max(0) as usize).collect()))
}

/// A client's prototypes: for each class `c` in `items`, `(c, n_c, mean f_θ(x))`, embedded in
/// batches of `batch_size` on `device`. Means are accumulated in `f64`.
///
/// # Errors
/// When an embedding cannot be read back from the device.
pub fn local_prototypes<M: Embed, I>(
    model: &M,
    items: &[I],
    batcher: &dyn Batcher<I, M::Batch>,
    batch_size: usize,
    device: &Device,
) -> Result<Vec<PrototypeEntry>> {
    let mut sums: BTreeMap<usize, (usize, Vec<f64>)> = BTreeMap::new();
    for chunk in items.chunks(batch_size.max(1)) {
        let (embeddings, targets) = model.embed_batch(batcher.batch(chunk, device, None));
        let (rows, labels) = to_host(embeddings, targets)?;
        for (row, label) in rows.into_iter().zip(labels) {
            let (count, sum) = sums.entry(label).or_insert_with(|| (0, vec![0.0; row.len()]));
            *count += 1;
            for (s, v) in sum.iter_mut().zip(row) {
                *s += f64::from(v);
            }
        }
    }
    Ok(sums
        .into_iter()
        .map(|(label, (count, sum))| PrototypeEntry {
            label,
            count,
            vector: sum.into_iter().map(|s| (s / count as f64) as f32).collect(),
        })
        .collect())
}
