//! Damaged copies of a valid HGB directory (`kiln_testkit::mutated`, one file at a time) and of
//! a typed TSV never panic: the readers give a graph or a typed error, and allocate at most a
//! bound proportional to the input's size.

use kiln_graph::GraphError;
use kiln_graph::io::hgb::read_hgb;
use kiln_graph::io::typed_tsv::read_typed_tsv;
use kiln_testkit::{assert_bounded, config, mutated, peak_bytes_during};
use proptest::prelude::*;

use super::hgb::{LABELS, LINKS, NODES, TEST_LABELS, hgb_dir};
use crate::io::write;

fn files() -> [(&'static str, &'static str); 4] {
    [("node.dat", NODES), ("link.dat", LINKS), ("label.dat", LABELS), ("label.dat.test", TEST_LABELS)]
}

fn reader_error(err: &GraphError) -> bool {
    !matches!(err, GraphError::NodeOutOfRange { .. } | GraphError::LengthMismatch { .. } | GraphError::Invalid(_))
        && !err.to_string().is_empty()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hgb_survives_damage(
        (which, bytes) in (0..4usize).prop_flat_map(|w| (Just(w), mutated(files()[w].1.as_bytes().to_vec())))
    ) {
        let d = hgb_dir("props", &files());
        write(&d, files()[which].0, &bytes);
        let total: usize = files().iter().map(|f| f.1.len()).sum::<usize>() + bytes.len();
        let (result, peak) = peak_bytes_during(|| read_hgb(&d));
        assert_bounded(peak, total, 64, 4 << 10);
        if let Err(err) = result {
            prop_assert!(reader_error(&err), "not a reader error: {err:?}");
        }
    }

    #[test]
    fn typed_tsv_survives_damage(bytes in mutated(b"a\tx\tr\tb\ty\na\tz\tr\tb\ty\nb\ty\ts\tc\tw\n".to_vec())) {
        let d = crate::io::dir("props-typed-tsv");
        let path = write(&d, "t.tsv", &bytes);
        let (result, peak) = peak_bytes_during(|| read_typed_tsv(&path, None));
        assert_bounded(peak, bytes.len(), 64, 4 << 10);
        if let Err(err) = result {
            prop_assert!(reader_error(&err), "not a reader error: {err:?}");
        }
    }
}
