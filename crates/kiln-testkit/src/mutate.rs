//! Damaged versions of a valid file, for reader property tests.

use proptest::prelude::{Strategy, any};

/// Numbers spliced over a number of the text: beyond every integer type, a count no file of the
/// test's size can hold, a negative count, `u64::MAX`.
const HUGE: [&str; 4] = ["99999999999999999999", "1000000000000", "-1", "18446744073709551615"];

/// Values put in place of a number: not finite, or finite only in `f64`.
const NON_FINITE: [&str; 5] = ["nan", "inf", "1e40", "-inf", "NaN"];

/// Big-endian words written over a header word of a binary file (IDX, binary PLY counts).
const HUGE_WORDS: [[u8; 4]; 5] = [
    [0xFF, 0xFF, 0xFF, 0xFF],
    [0x7F, 0xFF, 0xFF, 0xFF],
    [0x40, 0x00, 0x00, 0x00],
    [0x80, 0x00, 0x00, 0x00],
    [0x00, 0x00, 0x00, 0x00],
];

/// The UTF-8 byte-order mark.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// How many mutations at most are applied to one file.
const MAX_STEPS: usize = 4;

/// One kind of damage.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Truncate,
    FlipBytes,
    SpliceHuge,
    NonFinite,
    DuplicateLine,
    Bom,
    Crlf,
    DeleteLine,
    InsertBytes,
    HugeHeaderWord,
}

const KINDS: [Kind; 10] = [
    Kind::Truncate,
    Kind::FlipBytes,
    Kind::SpliceHuge,
    Kind::NonFinite,
    Kind::DuplicateLine,
    Kind::Bom,
    Kind::Crlf,
    Kind::DeleteLine,
    Kind::InsertBytes,
    Kind::HugeHeaderWord,
];

/// SplitMix64: the random choices inside one mutation, from that mutation's parameter.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n`, 0 when `n` is 0.
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            // Lossless: `n` fits in u64 and the remainder is below `n`.
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A strategy of damaged copies of `valid`: one to four of truncation at a random point, flipped
/// bytes, a huge number (`99999999999999999999`, `1000000000000`, `-1`,
/// `18446744073709551615`) spliced over a number of the text, `nan`/`inf`/`1e40` in place of a
/// number, a duplicated line, a UTF-8 BOM prepended, LF converted to CRLF, a deleted line,
/// inserted random bytes, or a huge big-endian word over a header word of a binary file.
/// Shrinks towards fewer mutations.
pub fn mutated(valid: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((0..KINDS.len(), any::<u64>()), 1..=MAX_STEPS)
        .prop_map(move |steps| apply(&valid, &steps))
}

/// The mutations of [`mutated`], chosen by `seed` instead of a proptest runner (for plain
/// loops); the same seed always gives the same bytes.
pub fn mutate_with(valid: &[u8], seed: u64) -> Vec<u8> {
    let mut mix = Mix(seed);
    let count = 1 + mix.below(MAX_STEPS);
    let steps: Vec<(usize, u64)> = (0..count).map(|_| (mix.below(KINDS.len()), mix.next())).collect();
    apply(valid, &steps)
}

/// Applies each `(kind index, parameter)` step in turn to a copy of `valid`.
fn apply(valid: &[u8], steps: &[(usize, u64)]) -> Vec<u8> {
    let mut data = valid.to_vec();
    for &(kind, param) in steps {
        apply_one(&mut data, KINDS[kind % KINDS.len()], &mut Mix(param));
    }
    data
}

fn apply_one(data: &mut Vec<u8>, kind: Kind, mix: &mut Mix) {
    match kind {
        Kind::Truncate => {
            let keep = mix.below(data.len());
            data.truncate(keep);
        }
        Kind::FlipBytes => {
            for _ in 0..1 + mix.below(4) {
                if data.is_empty() {
                    break;
                }
                let at = mix.below(data.len());
                // 1..=255, so the byte always changes.
                data[at] ^= 1 + mix.below(255) as u8;
            }
        }
        Kind::SpliceHuge => splice_over_number(data, mix.pick(&HUGE).as_bytes(), mix),
        Kind::NonFinite => splice_over_number(data, mix.pick(&NON_FINITE).as_bytes(), mix),
        Kind::DuplicateLine => {
            let lines = line_spans(data);
            let (start, end) = *mix.pick(&lines);
            let mut copy = data[start..end].to_vec();
            if copy.last() != Some(&b'\n') {
                copy.insert(0, b'\n');
            }
            data.splice(end..end, copy);
        }
        Kind::Bom => {
            data.splice(0..0, BOM);
        }
        Kind::Crlf => *data = to_crlf(data),
        Kind::DeleteLine => {
            let lines = line_spans(data);
            let (start, end) = *mix.pick(&lines);
            data.drain(start..end);
        }
        Kind::InsertBytes => {
            let at = mix.below(data.len() + 1);
            let bytes: Vec<u8> = (0..1 + mix.below(8)).map(|_| mix.next() as u8).collect();
            data.splice(at..at, bytes);
        }
        Kind::HugeHeaderWord => {
            let words = data.len().min(64) / 4;
            if words == 0 {
                return;
            }
            let at = 4 * mix.below(words);
            let word: &[u8; 4] = mix.pick(&HUGE_WORDS);
            data[at..at + 4].copy_from_slice(word);
        }
    }
}

/// Replaces a number of the text chosen by `mix` with `with`, or inserts `with` at a random
/// point when the text has no number.
fn splice_over_number(data: &mut Vec<u8>, with: &[u8], mix: &mut Mix) {
    let numbers = number_spans(data);
    let range = if numbers.is_empty() {
        let at = mix.below(data.len() + 1);
        at..at
    } else {
        let (start, end) = *mix.pick(&numbers);
        start..end
    };
    data.splice(range, with.iter().copied());
}

/// The byte ranges of the numbers in `data`: an optional `-`, then digits and dots.
fn number_spans(data: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if data[i].is_ascii_digit() {
            let start = if i > 0 && data[i - 1] == b'-' { i - 1 } else { i };
            let mut end = i;
            while end < data.len() && (data[end].is_ascii_digit() || data[end] == b'.') {
                end += 1;
            }
            spans.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

/// The byte ranges of the lines of `data`, each with its `\n` when it has one; one empty span
/// for empty data.
fn line_spans(data: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, &byte) in data.iter().enumerate() {
        if byte == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < data.len() || spans.is_empty() {
        spans.push((start, data.len()));
    }
    spans
}

/// `data` with every LF not already preceded by CR turned into CRLF.
fn to_crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 8);
    for (i, &byte) in data.iter().enumerate() {
        if byte == b'\n' && (i == 0 || data[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(byte);
    }
    out
}
