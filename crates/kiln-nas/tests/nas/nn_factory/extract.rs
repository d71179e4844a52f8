//! Extraction equals the gated supernet; differentiable MACs at hard gates equal the analytic
//! MACs of the extracted network; the density loss pushes the gates toward the target.

use burn::module::Module;
use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::testing::max_abs_diff;
use kiln_nas::nn_factory::{
    Assembler, Assembly, Gates, Task, density, differentiable_macs, extract, loss::density_loss, scenario_rows,
    select_classes, straight_through,
};

#[test]
fn extracted_assembly_equals_the_gated_supernet() {
    let device = Device::flex();
    let factory = super::factory(1, &device);
    let config = &factory.config;
    let x = super::inputs(5, &device);
    let full_params = factory.supernet.num_params();
    for seed in 0..6 {
        let gates = super::random_gates(config, seed);
        let classes = [[7, 1, 4][seed as usize % 3], 9, 2];
        let task = Task::new(&classes[..2 + seed as usize % 2], 10).unwrap();
        let assembly = Assembly::new(task.clone(), gates.clone(), config).unwrap();
        let net = extract(&factory.supernet, config, &assembly).unwrap();
        let gated =
            select_classes(factory.supernet.forward_gated(x.clone(), gates.to_tensor(5, &device)), task.classes());
        let standalone = net.forward(x.clone());
        assert_eq!(standalone.dims(), [5, task.len()]);
        assert!(max_abs_diff(standalone, gated) < 1e-5, "assembly {seed}");
        // Physically smaller: only the active modules' channels and the task's head.
        let [first_out, _, _, _] = net.convs[0].weight.dims();
        assert_eq!(first_out, gates.counts()[0] * config.module_channels);
        assert!(net.num_params() < full_params);
        assert_eq!(net.num_params() as u64, net.cost(config.image_size).params);
    }
}

#[test]
fn differentiable_macs_at_hard_gates_equal_the_extracted_networks_macs() {
    let device = Device::flex();
    let factory = super::factory(2, &device);
    let config = &factory.config;
    let tasks =
        [Task::new(&[1, 4, 7], 10).unwrap(), Task::new(&[0, 9], 10).unwrap(), Task::new(&[2, 3, 5, 6, 8], 10).unwrap()];
    let densities = [0.2f32, 0.5, 0.9];
    let task_refs: Vec<&Task> = tasks.iter().collect();
    let logits = factory.assembler.forward(scenario_rows(&task_refs, &densities, 10, &device)) * 3.0;
    let gates = straight_through(logits, config);
    let sizes = Tensor::<1>::from_data(TensorData::new(vec![3.0f32, 2.0, 5.0], [3]), &device);
    let macs = kiln_core::tensor::to_vec(differentiable_macs(config, gates.clone(), sizes.clone()));
    let dens = kiln_core::tensor::to_vec(density(config, gates.clone(), sizes));
    let hard = kiln_core::tensor::to_vec(gates);
    let per = config.layers() * config.modules;
    for (i, task) in tasks.iter().enumerate() {
        let g = Gates::from_values(&hard[i * per..(i + 1) * per], config, 0.5);
        let assembly = Assembly::new(task.clone(), g, config).unwrap();
        let net = extract(&factory.supernet, config, &assembly).unwrap();
        let analytic = net.cost(config.image_size);
        assert_eq!(macs[i] as u64, analytic.macs, "task {i}");
        assert_eq!(analytic, assembly.cost);
        let full = kiln_nas::nn_factory::full_macs(config, task.len());
        assert!((f64::from(dens[i]) - analytic.macs as f64 / full as f64).abs() < 1e-6);
    }
    // The assembler's customised assembly reports the same analytic cost as its network.
    let a = Assembler::new(&factory).assemble(&tasks[0], 100_000).unwrap();
    let (net, spec) = Assembler::new(&factory).extract(&a).unwrap();
    assert_eq!(net.cost(spec.image_size), a.cost);
}

#[test]
fn density_loss_value_and_gradient_push_toward_the_target() {
    let device = Device::flex();
    let value = kiln_core::tensor::to_vec(density_loss(
        Tensor::from_floats([0.5, 0.3], &device),
        Tensor::from_floats([0.25, 0.3], &device),
        10.0,
    ));
    // 10 · mean(0.25², 0) = 0.3125.
    assert!((value[0] - 0.3125).abs() < 1e-6, "{value:?}");

    let config = kiln_nas::nn_factory::FactoryConfig::small();
    let ad = device.clone().autodiff();
    let per = config.layers() * config.modules;
    for (target, sign) in [(0.05f32, 1.0f32), (0.99, -1.0)] {
        // Half the gates on: density well above 0.05 and below 0.99.
        let z: Vec<f32> = (0..per).map(|i| if i % 2 == 0 { 0.5 } else { -0.5 }).collect();
        let z = Tensor::<2>::from_data(TensorData::new(z, [1, per]), &ad).require_grad();
        let gates = straight_through(z.clone(), &config);
        let d = density(&config, gates, Tensor::from_floats([3.0], &ad));
        let loss = density_loss(d, Tensor::from_floats([target], &ad), 10.0);
        let grads = loss.backward();
        let g = kiln_core::tensor::to_vec(z.grad(&grads).expect("gradient"));
        // Above target: every logit's gradient is positive (descent switches modules off);
        // below: negative.
        assert!(g.iter().all(|&v| v * sign > 0.0), "target {target}: {g:?}");
    }
}
