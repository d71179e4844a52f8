//! The segmentation net learns next-frame occupancy from a few simulated frames, and the
//! reconstruction net trains in rounds until its loss is below the threshold (or the cap).

use std::sync::Arc;

use burn::prelude::Device;
use kiln_geom::ppn::data::rasterize_frames;
use kiln_geom::ppn::{PpnSource, PpnTraining, evaluate_occupancy, train_ppn};

use super::{scans, tiny};

#[test]
fn segmentation_net_beats_the_trivial_baseline() {
    let device = Device::flex();
    let config = tiny();
    let bev = config.bev_stack().expect("bev");
    let train = Arc::new(rasterize_frames(&bev, &scans(1, 0, 36)).expect("train frames"));
    let test = Arc::new(rasterize_frames(&bev, &scans(2, 0, 14)).expect("test frames"));
    let train = PpnSource::new(&bev, train, 1, 4).expect("train source");
    let test = PpnSource::new(&bev, test, 1, 1).expect("test source");
    kiln_core::seed::seed_device(&device, 3);
    let model = config.init(&device).expect("model");
    let training = PpnTraining {
        seg_epochs: 12,
        seg_lr: 1e-2,
        recon_max_epochs: 2,
        recon_round_epochs: 1,
        seed: 3,
        ..PpnTraining::default()
    };
    let trained = train_ppn(model, &training, &train, &device).expect("training");
    let first = trained.segmentation.records.first().and_then(|r| r.train.get("loss").copied()).expect("loss");
    let last = trained.segmentation.records.last().and_then(|r| r.train.get("loss").copied()).expect("loss");
    assert!(last < first, "segmentation loss {first} → {last}");
    assert!(trained.recon_epochs >= 1 && trained.recon_epochs <= 2);
    assert_eq!(trained.recon_converged, trained.recon_loss < 0.1);
    let scores = evaluate_occupancy(&trained.model, &test, &device).expect("scores");
    eprintln!("{scores:?}");
    assert!(scores.all_occupied > 0.0 && scores.all_occupied < 0.5, "{scores:?}");
    assert!(scores.segmentation > scores.all_occupied + 0.1, "{scores:?}");
}
