//! Splitting a dataset over simulated clients: IID, Dirichlet label skew, and McMahan's
//! pathological "two classes per client" shards.
//!
//! Every split returns one list of example indices per client; each index appears exactly once.

use kiln_core::seed::{permutation_from, rng};

use super::dirichlet::symmetric_dirichlet;
use crate::error::{FedError, Result};

/// How many times [`split_dirichlet`] redraws before giving up on `min_size`.
pub const MAX_DIRICHLET_ATTEMPTS: usize = 1000;

fn check_counts(examples: usize, clients: usize) -> Result<()> {
    if clients == 0 {
        return Err(FedError::setting("clients", 0, "must be at least 1"));
    }
    if examples < clients {
        return Err(FedError::TooFewExamples { examples, clients });
    }
    Ok(())
}

/// IID: a seeded permutation of `0..examples` dealt into `clients` shards of equal size (the
/// first `examples mod clients` shards get one more).
///
/// # Errors
/// [`FedError::InvalidSetting`] for 0 clients, [`FedError::TooFewExamples`] when
/// `examples < clients`.
pub fn split_iid(examples: usize, clients: usize, seed: u64) -> Result<Vec<Vec<usize>>> {
    check_counts(examples, clients)?;
    let order = permutation_from(&mut rng(seed, 0), examples);
    let (base, extra) = (examples / clients, examples % clients);
    let mut shards = Vec::with_capacity(clients);
    let mut start = 0;
    for k in 0..clients {
        let len = base + usize::from(k < extra);
        shards.push(order[start..start + len].to_vec());
        start += len;
    }
    Ok(shards)
}

/// Label skew by a symmetric Dirichlet (Hsu, Qi & Brown 2019, "Measuring the effects of
/// non-identical data distribution for federated visual classification"; the NIID-Bench code
/// of Li et al. 2022): for each class `c`, shares `p_c ~ Dir(α·1_K)` over the `K` clients and
/// the class's examples (shuffled) are cut at the cumulative shares,
/// `⌊cumsum(p_c)·n_c⌋`. Small α gives each client few classes; large α (100) is close to IID.
/// The whole split is redrawn until every shard has at least `min_size` examples, at most
/// [`MAX_DIRICHLET_ATTEMPTS`] times.
///
/// NIID-Bench also zeroes the share of clients already above `n/K` examples; that balancing
/// is left out so that the shares follow `Dir(α)` exactly (their mean is `1/K`).
///
/// # Errors
/// [`FedError::InvalidSetting`] for `alpha` ≤ 0 or not finite, or 0 clients;
/// [`FedError::TooFewExamples`] when there are fewer examples than clients or than
/// `clients × min_size`; [`FedError::ShardTooSmall`] naming the smallest client after the last
/// attempt.
pub fn split_dirichlet(
    labels: &[usize],
    clients: usize,
    alpha: f64,
    min_size: usize,
    seed: u64,
) -> Result<Vec<Vec<usize>>> {
    if !(alpha > 0.0 && alpha.is_finite()) {
        return Err(FedError::setting("alpha", alpha, "must be a finite number above 0"));
    }
    check_counts(labels.len(), clients)?;
    if clients.saturating_mul(min_size) > labels.len() {
        return Err(FedError::TooFewExamples { examples: labels.len(), clients: clients * min_size });
    }
    let num_classes = labels.iter().max().map_or(0, |&m| m + 1);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); num_classes];
    for (i, &label) in labels.iter().enumerate() {
        by_class[label].push(i);
    }
    let mut rng = rng(seed, 1);
    let mut smallest = (0, 0);
    for _ in 0..MAX_DIRICHLET_ATTEMPTS {
        let mut shards: Vec<Vec<usize>> = vec![Vec::new(); clients];
        for members in &by_class {
            let n = members.len();
            let order = permutation_from(&mut rng, n);
            let shares = symmetric_dirichlet(&mut rng, alpha, clients);
            let mut cumulative = 0.0;
            let mut start = 0;
            for (k, share) in shares.iter().enumerate() {
                cumulative += share;
                let end = if k + 1 == clients { n } else { ((cumulative * n as f64).floor() as usize).min(n) };
                let end = end.max(start);
                shards[k].extend(order[start..end].iter().map(|&j| members[j]));
                start = end;
            }
        }
        smallest = shards.iter().enumerate().map(|(k, s)| (k, s.len())).min_by_key(|&(_, len)| len).unwrap_or((0, 0));
        if smallest.1 >= min_size {
            return Ok(shards);
        }
    }
    Err(FedError::ShardTooSmall { client: smallest.0, size: smallest.1, min_size, attempts: MAX_DIRICHLET_ATTEMPTS })
}

/// McMahan et al.'s pathological non-IID split: sort the examples by label, cut them into
/// `clients × shards_per_client` shards of equal size, and give each client
/// `shards_per_client` shards drawn at random (the paper: 200 shards of 300 MNIST images, two
/// per client, so most clients see two digits).
///
/// # Errors
/// [`FedError::InvalidSetting`] for 0 clients or 0 shards per client;
/// [`FedError::TooFewExamples`] when there are fewer examples than shards.
pub fn split_by_class(
    labels: &[usize],
    clients: usize,
    shards_per_client: usize,
    seed: u64,
) -> Result<Vec<Vec<usize>>> {
    if shards_per_client == 0 {
        return Err(FedError::setting("shards_per_client", 0, "must be at least 1"));
    }
    check_counts(labels.len(), clients)?;
    let total_shards = clients.saturating_mul(shards_per_client);
    check_counts(labels.len(), total_shards)?;
    let mut mix = rng(seed, 2);
    // Stable sort by label, ties broken by a seeded shuffle so shards differ by seed.
    let mut sorted = permutation_from(&mut mix, labels.len());
    sorted.sort_by_key(|&i| labels[i]);
    let (base, extra) = (labels.len() / total_shards, labels.len() % total_shards);
    let mut pieces = Vec::with_capacity(total_shards);
    let mut start = 0;
    for s in 0..total_shards {
        let len = base + usize::from(s < extra);
        pieces.push(&sorted[start..start + len]);
        start += len;
    }
    let deal = permutation_from(&mut mix, total_shards);
    let mut shards = vec![Vec::new(); clients];
    for (slot, &piece) in deal.iter().enumerate() {
        shards[slot / shards_per_client].extend_from_slice(pieces[piece]);
    }
    Ok(shards)
}
