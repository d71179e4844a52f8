//! `PpnConfig`: the paper's and the small sizes, and bad configurations refused clearly.

use kiln_geom::GeomError;
use kiln_geom::ppn::PpnConfig;

#[test]
fn paper_and_small_sizes() {
    let paper = PpnConfig::new();
    paper.validate().expect("the paper's config is valid");
    assert_eq!(paper.widths(), vec![32, 64, 128, 256, 512, 1024]);
    assert_eq!((paper.cells, paper.frames, paper.z_layers), (1000, 16, 50));
    // 1000 is not a multiple of 2⁵: the nets compute on 1024².
    assert_eq!(paper.pool_factor(), 32);
    assert_eq!(paper.padded_cells(), 1024);
    assert!((paper.layer_height() - 0.1).abs() < 1e-6);
    let bev = paper.bev_config();
    assert_eq!(bev.x_range, [-100.0, 100.0]);
    assert_eq!(bev.cells().expect("grid"), (1000, 1000));

    let small = PpnConfig::small();
    small.validate().expect("small is valid");
    assert_eq!(small.widths(), vec![8, 16, 32, 64]);
    assert_eq!((small.cells, small.padded_cells(), small.frames, small.resolution), (128, 128, 8, 0.5));
}

#[test]
fn bad_configs_are_refused_with_a_reason() {
    let cases = [
        (PpnConfig { frames: 0, ..PpnConfig::small() }, "zero frames"),
        (PpnConfig { stages: 0, ..PpnConfig::small() }, "zero encoder stages"),
        (PpnConfig { base_channels: 0, ..PpnConfig::small() }, "zero channels"),
        (PpnConfig { z_layers: 0, ..PpnConfig::small() }, "zero z-layers"),
        (PpnConfig { cells: 4, stages: 4, ..PpnConfig::small() }, "smaller than the pooling factor"),
        (PpnConfig { stages: 40, ..PpnConfig::small() }, "at most"),
    ];
    for (config, reason) in cases {
        match config.validate() {
            Err(GeomError::Invalid(m)) => assert!(m.contains(reason), "{m:?} should mention {reason:?}"),
            other => panic!("{config:?}: expected Invalid({reason}), got {other:?}"),
        }
        assert!(config.init(&burn::prelude::Device::flex()).is_err());
    }
    let zero_cells = PpnConfig { resolution: 0.0, ..PpnConfig::small() };
    assert!(matches!(zero_cells.validate(), Err(GeomError::BadBevGrid { .. })), "{:?}", zero_cells.validate());
}
