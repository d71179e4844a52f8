//! ShiftNAS' training phases on the kiln-core engine, and the search-free architecture for a
//! bin or a MAC budget.

use kiln_core::train::{Phase, TrainPhase, Trainable};

use super::config::ShiftNasConfig;
use super::error::ShiftNasError;
use super::model::{ShiftNasModel, ShiftNasPhase, ShiftNasStage};
use crate::ofa::{SubnetConfig, subnet_macs};

impl ShiftNasConfig {
    /// The typed stage of the joint phase.
    pub fn stage(&self) -> ShiftNasStage {
        ShiftNasStage {
            phase: ShiftNasPhase::Joint,
            temperature: self.temperature,
            lambda: self.lambda,
            shift: self.shift(),
        }
    }

    /// The engine phases: with `warm_up_epochs > 0`, first a generator warm-up
    /// ([`ShiftNasPhase::GeneratorWarmUp`], only the generator trainable, Adam at
    /// `generator_lr`); then the joint phase of `epochs`, Adam at `lr` with the generator's
    /// parameters (module path `generator`) in their own group at `generator_lr`; supernet and
    /// generator are trained by the same step's loss, every step in [`stage`](Self::stage).
    ///
    /// # Errors
    /// The [`ShiftNasError`] of [`validate`](Self::validate).
    pub fn phases(&self) -> Result<Vec<Phase<ShiftNasModel>>, ShiftNasError> {
        self.validate()?;
        let mut phases = Vec::new();
        if self.warm_up_epochs > 0 {
            let warm_up =
                TrainPhase::new(self.warm_up_epochs, self.generator_lr).with_trainable(Trainable::only(["generator"]));
            let stage = ShiftNasStage { phase: ShiftNasPhase::GeneratorWarmUp, ..self.stage() };
            phases.push(Phase::train("generator-warm-up", warm_up).in_stage(stage));
        }
        let joint = TrainPhase::new(self.epochs, self.lr).with_group_lr("generator", self.generator_lr);
        phases.push(Phase::train("shiftnas", joint).in_stage(self.stage()));
        Ok(phases)
    }
}

impl ShiftNasModel {
    /// The architecture the generator emits for bin `bin`: each gene's arg-max (no noise, no
    /// search).
    ///
    /// # Errors
    /// [`ShiftNasError::BinOutOfRange`] for a bin past K.
    pub fn generate(&self, bin: usize) -> Result<SubnetConfig, ShiftNasError> {
        if bin >= self.bins.len() {
            return Err(ShiftNasError::BinOutOfRange { bin, bins: self.bins.len() });
        }
        Ok(self.generator.sample(bin, 1.0, None).decode(&self.supernet.config))
    }

    /// The architecture for a budget of `macs` MACs per image: the generated architecture of
    /// the highest bin whose MACs fit the budget (K forward passes of the generator, no search);
    /// the smallest subnet if none of the K fits.
    ///
    /// # Errors
    /// [`ShiftNasError::BudgetBelowSmallest`] when `macs` is below the smallest subnet's MACs.
    pub fn for_budget(&self, macs: u64) -> Result<SubnetConfig, ShiftNasError> {
        let config = &self.supernet.config;
        let smallest = SubnetConfig::smallest(config);
        let floor = subnet_macs(config, &smallest);
        if macs < floor {
            return Err(ShiftNasError::BudgetBelowSmallest { budget: macs, smallest: floor });
        }
        for bin in (0..self.bins.len()).rev() {
            let subnet = self.generate(bin)?;
            if subnet_macs(config, &subnet) <= macs {
                return Ok(subnet);
            }
        }
        Ok(smallest)
    }
}
