//! The same factory on flex and on every compiled device.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use kiln_core::testing::max_abs_diff;
use kiln_nas::nn_factory::{Assembly, Task, density, extract, select_classes};

kiln_core::test_device!(factory_matches_flex, |device| {
    let flex = Device::flex();
    let factory = super::super::factory(6, &flex);
    let x = super::super::inputs(4, &flex);
    let config = factory.config.clone();
    let task = Task::new(&[1, 4, 7], 10).unwrap();
    let gates = super::super::random_gates(&config, 11);
    let assembly = Assembly::new(task.clone(), gates.clone(), &config).unwrap();
    let on_flex = select_classes(factory.supernet.forward_gated(x.clone(), gates.to_tensor(4, &flex)), task.classes());
    let d_flex = density(&config, gates.to_tensor(1, &flex), Tensor::from_floats([3.0], &flex));
    let net_flex = extract(&factory.supernet, &config, &assembly).unwrap().forward(x.clone());

    let moved = factory.clone().to_device(&device);
    let xd = Tensor::<4>::from_data(x.into_data(), &device);
    let on_device =
        select_classes(moved.supernet.forward_gated(xd.clone(), gates.to_tensor(4, &device)), task.classes());
    let d_device = density(&config, gates.to_tensor(1, &device), Tensor::from_floats([3.0], &device));
    let net_device = extract(&moved.supernet, &config, &assembly).unwrap().forward(xd);
    let back = |t: Tensor<2>| Tensor::<2>::from_data(t.into_data(), &flex);
    assert!(max_abs_diff(back(on_device), on_flex) < 1e-4);
    assert!(max_abs_diff(back(net_device), net_flex) < 1e-4);
    let d_back = Tensor::<1>::from_data(d_device.into_data(), &flex);
    assert!(max_abs_diff(d_back, d_flex) < 1e-4);
});
