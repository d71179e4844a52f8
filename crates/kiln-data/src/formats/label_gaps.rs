//! Gaps in integer class labels (IDX label files): classes that occur only in the test set and
//! labels far above the rest, which would otherwise silently widen the model to `max label + 1`
//! classes, most of them empty.

use std::collections::BTreeMap;

/// A label jump counts as "far" only when it skips more than this many classes (and more than
/// doubles the label below it).
const FAR_GAP: usize = 8;

/// At most this many labels are listed in a warning.
const LISTED: usize = 10;

/// What is odd about the labels of a training and a test set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelGaps {
    /// `max label + 1` over both sets: the classes a model gets.
    pub num_classes: usize,
    /// Labels of the test set that never occur in training, with their test counts.
    pub test_only: Vec<(usize, usize)>,
    /// Labels far above the others (after a jump of more than 8 classes that more than doubles
    /// the label below), with their counts in both sets.
    pub far_above: Vec<(usize, usize)>,
    /// The largest label below the far ones.
    pub rest_max: Option<usize>,
    /// Classes `0..num_classes` without a training example.
    pub empty: usize,
}

impl LabelGaps {
    /// Examines the labels of a training and a test set.
    pub fn find(train: &[usize], test: &[usize]) -> Self {
        let mut counts: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        train.iter().for_each(|&l| counts.entry(l).or_default().0 += 1);
        test.iter().for_each(|&l| counts.entry(l).or_default().1 += 1);
        let num_classes = counts.keys().next_back().map_or(0, |&max| max.saturating_add(1));
        let test_only = counts.iter().filter(|(_, c)| c.0 == 0).map(|(&l, c)| (l, c.1)).collect();
        let labels: Vec<usize> = counts.keys().copied().collect();
        let jump = labels.windows(2).position(|w| w[1] - w[0] > FAR_GAP && w[1] > 2 * (w[0] + 1));
        let (far_above, rest_max) = match jump {
            Some(j) => {
                let total = |ls: &[usize]| ls.iter().map(|l| counts[l].0 + counts[l].1).sum::<usize>();
                let (rest, far) = labels.split_at(j + 1);
                if total(far) < total(rest) {
                    (far.iter().map(|l| (*l, counts[l].0 + counts[l].1)).collect(), rest.last().copied())
                } else {
                    (Vec::new(), None)
                }
            }
            None => (Vec::new(), None),
        };
        let trained = counts.values().filter(|c| c.0 > 0).count();
        Self { num_classes, test_only, far_above, rest_max, empty: num_classes - trained }
    }

    /// One line per problem found (none when the labels are dense and shared by both sets).
    pub fn warnings(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.test_only.is_empty() {
            let records: usize = self.test_only.iter().map(|p| p.1).sum();
            lines.push(format!(
                "label{} {} occur{} in the test set ({records} records) but never in training; the model cannot \
                 predict {}",
                plural(self.test_only.len()),
                list(&self.test_only),
                if self.test_only.len() == 1 { "s" } else { "" },
                if self.test_only.len() == 1 { "it" } else { "them" },
            ));
        }
        if let (false, Some(rest_max)) = (self.far_above.is_empty(), self.rest_max) {
            let records: usize = self.far_above.iter().map(|p| p.1).sum();
            lines.push(format!(
                "label{} {} ({records} records) far above the other labels (at most {rest_max}): corrupted \
                 labels? the model gets {} outputs, {} of them for classes without a training example",
                plural(self.far_above.len()),
                list(&self.far_above),
                self.num_classes,
                self.empty,
            ));
        } else if self.empty > 0 {
            lines.push(format!("{} of {} classes have no training example", self.empty, self.num_classes));
        }
        lines
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The labels of `pairs`, at most [`LISTED`] of them.
fn list(pairs: &[(usize, usize)]) -> String {
    let mut text: Vec<String> = pairs.iter().take(LISTED).map(|p| p.0.to_string()).collect();
    if pairs.len() > LISTED {
        text.push(format!("... ({} in all)", pairs.len()));
    }
    text.join(", ")
}
