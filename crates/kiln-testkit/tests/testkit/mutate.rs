use std::collections::HashSet;

use kiln_testkit::{mutate_with, mutated};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

const VALID: &[u8] = b"count 3\n1.5,2,label\n30,4.25,other\n7,8,label\n";

fn has_bom(data: &[u8]) -> bool {
    data.starts_with(&[0xEF, 0xBB, 0xBF])
}

fn check_variety(outputs: &[Vec<u8>]) {
    let distinct: HashSet<&Vec<u8>> = outputs.iter().collect();
    assert!(distinct.len() >= 5, "only {} distinct outputs", distinct.len());
    assert!(outputs.iter().any(|o| o.len() < VALID.len()), "none shorter");
    assert!(outputs.iter().any(|o| has_bom(o)), "none with a BOM");
    assert!(outputs.iter().all(|o| o != VALID), "a mutation left the file unchanged");
}

#[test]
fn mutate_with_varies_and_is_deterministic() {
    let outputs: Vec<Vec<u8>> = (0..64).map(|seed| mutate_with(VALID, seed)).collect();
    check_variety(&outputs);
    assert_eq!(mutate_with(VALID, 11), mutate_with(VALID, 11));
}

#[test]
fn mutated_strategy_varies() {
    let strategy = mutated(VALID.to_vec());
    let mut runner = TestRunner::deterministic();
    let outputs: Vec<Vec<u8>> = (0..64)
        .map(|_| match strategy.new_tree(&mut runner) {
            Ok(tree) => tree.current(),
            Err(reason) => panic!("no value: {reason}"),
        })
        .collect();
    check_variety(&outputs);
}

#[test]
fn mutations_survive_empty_input() {
    for seed in 0..64 {
        let _ = mutate_with(&[], seed);
    }
}
