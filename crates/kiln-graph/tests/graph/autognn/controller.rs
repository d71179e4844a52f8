//! The controller: one-step children, and REINFORCE moving the policy towards rewarded steps.

use burn::module::Module;
use burn::prelude::Device;
use kiln_graph::autognn::{AutoGnnConfig, AutoGnnSpace, Controller};

#[test]
fn every_child_differs_from_its_parent_in_exactly_one_action_class() {
    let space = AutoGnnSpace::paper().search_space().unwrap();
    let config = AutoGnnConfig::small().with_embedding(8).with_controller_hidden(16);
    let mut controller = Controller::new(space.clone(), &config, &Device::flex());
    let mut rng = kiln_core::seed::rng(3, 1);
    let mut genes = std::collections::BTreeSet::new();
    for _ in 0..100 {
        let parent = space.sample(&mut rng);
        let p = controller.propose(&parent).unwrap();
        let changed: Vec<usize> = (0..parent.len()).filter(|&g| parent[g] != p.child[g]).collect();
        assert_eq!(changed, vec![p.gene], "{parent:?} → {:?}", p.child);
        assert!(p.value < space.choices()[p.gene]);
        assert_ne!(p.gene, 5, "the last layer's width is fixed");
        genes.insert(p.gene);
    }
    assert!(genes.len() >= 5, "the policy explores several action classes: {genes:?}");
}

#[test]
fn reinforce_raises_the_probability_of_a_rewarded_step() {
    let space = AutoGnnSpace::small().search_space().unwrap();
    let config = AutoGnnConfig::small().with_embedding(8).with_controller_hidden(16).with_controller_lr(0.02);
    let mut controller = Controller::new(space.clone(), &config, &Device::flex());
    let parent = vec![0; space.len()];
    let proposal = controller.propose(&parent).unwrap();
    let prob = |c: &Controller| {
        let (classes, values) = c.policy().valid().probabilities(&space, &parent).unwrap();
        classes[proposal.gene] * values[proposal.gene][proposal.value]
    };
    let before = prob(&controller);
    assert_eq!(controller.reinforce(&parent, &proposal, 0.0), 0.0, "the first reward is the baseline");
    for _ in 0..10 {
        assert!(controller.reinforce(&parent, &proposal, 1.0) > 0.0);
    }
    let after = prob(&controller);
    assert!(after > before, "{before} → {after}");
    assert!(controller.baseline().unwrap() > 0.0);
}
