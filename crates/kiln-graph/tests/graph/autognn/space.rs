//! The search space's encoding.

use kiln_graph::autognn::{ActionClass, AutoGnnSpace, GENES_PER_LAYER};
use kiln_nas::search::SearchError;

#[test]
fn two_layers_give_ten_genes_and_the_last_width_is_the_classes() {
    let space = AutoGnnSpace::paper();
    let flat = space.search_space().unwrap();
    assert_eq!(flat.len(), 10);
    assert_eq!(flat.choices(), &[7, 6, 7, 4, 8, 1, 6, 7, 4, 8]);
    let arch = space.decode(&[2, 1, 2, 3, 4, 0, 5, 6, 0, 7], 3).unwrap();
    assert_eq!(arch.layers[0].hidden, 16);
    assert_eq!(arch.layers[0].heads, 2);
    assert_eq!(arch.layers[1].hidden, 3);
    assert_eq!(arch.layers[1].heads, 16);
    assert_eq!(ActionClass::of_gene(7), (1, ActionClass::Attention));
    assert_eq!(ActionClass::Activation.gene(1), 2 * GENES_PER_LAYER - 1);
}

#[test]
fn an_empty_space_is_a_typed_search_error() {
    let empty = AutoGnnSpace { layers: 0, ..AutoGnnSpace::small() };
    assert_eq!(empty.search_space(), Err(SearchError::EmptySpace));
    let no_attention = AutoGnnSpace { attention: Vec::new(), ..AutoGnnSpace::small() };
    assert_eq!(no_attention.search_space(), Err(SearchError::ZeroChoices { gene: 2 }));
    assert!(matches!(AutoGnnSpace::small().decode(&[0; 3], 2), Err(SearchError::EncodingLength { .. })));
}
