//! Parameter paths of a module, as burn's parameter groups see them (`last_layer.weight`,
//! `features.blocks.0.conv.weight`), to check that a path pattern names something.

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::Tensor;

use super::phase::Phase;
use super::step::TrainModel;
use crate::error::{CoreError, Result};

#[derive(Default)]
struct PathCollector {
    stack: Vec<String>,
    paths: Vec<String>,
}

impl ModuleVisitor for PathCollector {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.stack.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.stack.pop();
    }

    fn visit_float<const D: usize>(&mut self, _param: &Param<Tensor<D>>) {
        self.paths.push(self.stack.join("."));
    }
}

/// The dotted paths of every float parameter of `module`, in visiting order.
pub fn param_paths<M: Module>(module: &M) -> Vec<String> {
    let mut collector = PathCollector::default();
    module.visit(&mut collector);
    collector.paths
}

/// Checks that every pattern is contained in at least one parameter path of `module` (the
/// matching rule of burn's `ParamGroup::from_predicate`). A pattern that matches nothing would
/// silently train (or freeze) the wrong parameters, so it is an error naming the pattern and
/// the module's top-level names.
pub fn check_patterns<'a, M: Module>(module: &M, patterns: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let paths = param_paths(module);
    for pattern in patterns {
        if !paths.iter().any(|p| p.contains(pattern)) {
            let mut top: Vec<&str> = Vec::new();
            for name in paths.iter().filter_map(|p| p.split('.').next()) {
                if !top.contains(&name) {
                    top.push(name);
                }
            }
            return Err(CoreError::UnmatchedPattern { pattern: pattern.to_string(), modules: top.join(", ") });
        }
    }
    Ok(())
}

/// Checks every trainable pattern and parameter-group path of `phases` against `model` before
/// anything trains.
pub(super) fn check_phase_patterns<M: TrainModel>(model: &M, phases: &[Phase<M>]) -> Result<()> {
    for tp in phases.iter().filter_map(Phase::train_phase) {
        let groups = tp.groups.iter().map(|g| g.path.as_str());
        check_patterns(model, tp.trainable.patterns().iter().map(String::as_str).chain(groups))?;
    }
    Ok(())
}
