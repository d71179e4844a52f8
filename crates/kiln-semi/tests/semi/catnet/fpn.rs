//! Plain FPN: shapes with extra levels, nearest and bilinear.

use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_semi::catnet::FpnConfig;

#[test]
fn shapes_per_level() {
    let device = Device::flex();
    for bilinear in [false, true] {
        let fpn = FpnConfig::new(vec![3, 4, 5], 8).with_bilinear(bilinear).init(&device);
        let x = vec![
            Tensor::<4>::random([2, 3, 12, 12], Distribution::Default, &device),
            Tensor::<4>::random([2, 4, 6, 6], Distribution::Default, &device),
            Tensor::<4>::random([2, 5, 3, 3], Distribution::Default, &device),
        ];
        let shapes: Vec<[usize; 4]> = fpn.forward(x).iter().map(|t| t.dims()).collect();
        assert_eq!(shapes, vec![[2, 8, 12, 12], [2, 8, 6, 6], [2, 8, 3, 3], [2, 8, 2, 2], [2, 8, 1, 1]]);
    }
}
