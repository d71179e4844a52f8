//! Batches built ahead on a worker thread, and data kept on the device across epochs: neither
//! changes a run, errors keep their position, and a resident batch is built once per device.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

use burn::module::Module;
use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::CoreError;
use kiln_core::nn::Mlp;
use kiln_core::train::{
    BatchSource, DeviceCache, EpochRecord, Phase, Report, StepContext, StepOutput, TrainModel, TrainPhase, Trainer,
    VectorBatch,
};

use crate::common::{Blobs, FailingBlobs, mlp, params};

fn phases<M: TrainModel>() -> Vec<Phase<M>> {
    vec![Phase::train("first", TrainPhase::new(2, 1e-2)), Phase::train("second", TrainPhase::new(1, 5e-3))]
}

/// The records without their wall times, which differ between any two runs.
fn untimed(report: &Report) -> Vec<EpochRecord> {
    report.records.iter().cloned().map(|r| EpochRecord { seconds: 0.0, ..r }).collect()
}

#[test]
fn prefetching_gives_the_same_run_as_fetching_in_the_step() {
    let device = Device::flex();
    let (train, valid) = (Blobs::new(200, 1, true), Blobs::new(60, 2, false));
    assert!(train.num_batches() > 2 && valid.num_batches() > 2);
    let init = mlp(&device, 5);
    let run = |prefetch: bool| {
        Trainer::new(device.clone())
            .with_seed(5)
            .with_prefetch(prefetch)
            .fit(init.clone(), &phases(), &train, Some(&valid))
            .unwrap()
    };
    let ((ahead, ahead_report), (inline, inline_report)) = (run(true), run(false));
    assert_ne!(params(&inline), params(&init), "training moved the weights");
    assert_eq!(params(&ahead), params(&inline), "prefetching changed the weights");
    assert_eq!(untimed(&ahead_report), untimed(&inline_report));
    assert_eq!(ahead_report.global_step, 3 * train.num_batches() as u64);
}

/// A batch that knows where it came from.
struct Tagged {
    batch: VectorBatch,
    epoch: usize,
    index: usize,
}

/// Blobs whose batches carry their position; every request is logged with the requesting
/// thread. Batch `fail` cannot be built; batch index `panic_at` panics.
struct Recording {
    inner: Blobs,
    requests: Mutex<Vec<(usize, usize, ThreadId)>>,
    fail: Option<(usize, usize)>,
    panic_at: Option<usize>,
}

impl Recording {
    fn new(n: usize) -> Self {
        Self { inner: Blobs::new(n, 3, true), requests: Mutex::new(Vec::new()), fail: None, panic_at: None }
    }

    fn positions(&self) -> Vec<(usize, usize)> {
        self.requests.lock().unwrap().iter().map(|&(e, i, _)| (e, i)).collect()
    }

    fn threads(&self) -> Vec<ThreadId> {
        self.requests.lock().unwrap().iter().map(|&(_, _, t)| t).collect()
    }
}

impl BatchSource<Tagged> for Recording {
    fn num_batches(&self) -> usize {
        self.inner.num_batches()
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<Tagged> {
        self.requests.lock().unwrap().push((epoch, index, std::thread::current().id()));
        assert!(self.panic_at != Some(index), "source exploded at batch {index}");
        if self.fail == Some((epoch, index)) {
            return Err(CoreError::InvalidConfig("a malformed record".into()));
        }
        Ok(Tagged { batch: self.inner.batch(epoch, index, device)?, epoch, index })
    }
}

/// `(epoch, index)` of the batches the training steps consumed, in order.
type Consumed = Arc<Mutex<Vec<(usize, usize)>>>;

/// An MLP that checks every batch feeds the step of its own index and logs the training
/// batches it consumed, in order.
#[derive(Module, Debug)]
struct Probe {
    mlp: Mlp,
    #[module(skip)]
    consumed: Consumed,
}

impl TrainModel for Probe {
    type Batch = Tagged;
    type Stage = ();

    fn step(&self, tagged: Tagged, ctx: &StepContext) -> StepOutput {
        assert_eq!(tagged.index, ctx.step_in_epoch, "batch {} fed step {}", tagged.index, ctx.step_in_epoch);
        if ctx.training {
            self.consumed.lock().unwrap().push((tagged.epoch, tagged.index));
        }
        self.mlp.step(tagged.batch, ctx)
    }
}

fn probe(init: &Mlp) -> (Probe, Consumed) {
    let consumed = Arc::new(Mutex::new(Vec::new()));
    (Probe { mlp: init.clone(), consumed: Arc::clone(&consumed) }, consumed)
}

/// Every `(epoch, index)` of `epochs` epochs of `batches` batches, in order.
fn sequential(epochs: usize, batches: usize) -> Vec<(usize, usize)> {
    (0..epochs).flat_map(|e| (0..batches).map(move |i| (e, i))).collect()
}

#[test]
fn batches_are_built_ahead_in_order_and_feed_their_own_steps() {
    let device = Device::flex();
    let init = mlp(&device, 6);
    let caller = std::thread::current().id();
    let mut weights = Vec::new();
    for prefetch in [true, false] {
        let source = Recording::new(80);
        let batches = source.num_batches();
        assert_eq!(batches, 5);
        let (model, consumed) = probe(&init);
        let (trained, report) = Trainer::new(device.clone())
            .with_seed(6)
            .with_prefetch(prefetch)
            .fit(model, &phases(), &source, None)
            .unwrap();
        assert_eq!(report.global_step, 15);
        assert_eq!(source.positions(), sequential(3, batches), "requests (prefetch {prefetch})");
        assert_eq!(*consumed.lock().unwrap(), sequential(3, batches), "steps (prefetch {prefetch})");
        let off_caller = source.threads().iter().filter(|&&t| t != caller).count();
        assert_eq!(off_caller, if prefetch { 15 } else { 0 }, "batches built off the caller's thread");
        weights.push(params(&trained.mlp));
    }
    assert_eq!(weights[0], weights[1], "prefetching changed the weights");
}

#[test]
fn an_error_at_batch_k_of_epoch_e_stops_fit_at_that_batch() {
    let device = Device::flex();
    let init = mlp(&device, 7);
    for prefetch in [true, false] {
        let mut source = Recording::new(80);
        source.fail = Some((1, 3));
        let (model, consumed) = probe(&init);
        let err = Trainer::new(device.clone())
            .with_prefetch(prefetch)
            .fit(model, &phases(), &source, None)
            .expect_err("batch 3 of epoch 1 cannot be built");
        match &err {
            CoreError::Batch { epoch, index, source } => {
                assert_eq!((*epoch, *index), (1, 3), "prefetch {prefetch}");
                assert!(source.to_string().contains("a malformed record"), "{source}");
            }
            other => panic!("expected a batch error, got {other}"),
        }
        // The steps before the failed batch ran, none after; the source was asked for nothing
        // past it.
        let before: Vec<(usize, usize)> = sequential(2, 5).into_iter().take(5 + 3).collect();
        assert_eq!(*consumed.lock().unwrap(), before, "prefetch {prefetch}");
        let mut requested = before;
        requested.push((1, 3));
        assert_eq!(source.positions(), requested, "prefetch {prefetch}");
    }
}

#[test]
fn an_error_in_evaluation_keeps_its_position() {
    let device = Device::flex();
    let source = FailingBlobs { inner: Blobs::new(64, 1, false), fail_at: 2 };
    for prefetch in [true, false] {
        let err = Trainer::new(device.clone()).with_prefetch(prefetch).evaluate(&mlp(&device, 1), &source).unwrap_err();
        assert!(matches!(err, CoreError::Batch { epoch: 0, index: 2, .. }), "{err}");
    }
}

#[test]
#[should_panic(expected = "source exploded at batch 2")]
fn a_panicking_source_panics_fit_rather_than_hanging() {
    let device = Device::flex();
    let mut source = Recording::new(80);
    source.panic_at = Some(2);
    let (model, _) = probe(&mlp(&device, 8));
    let _ = Trainer::new(device.clone()).with_prefetch(true).fit(model, &phases(), &source, None);
}

#[test]
fn a_device_cache_builds_once_per_device_and_autodiff_context() {
    let plain = Device::flex();
    let autodiff = plain.clone().autodiff();
    let cache = DeviceCache::new();
    let builds = AtomicUsize::new(0);
    // Each build's tensor holds its build number, so a rebuild would show.
    let get = |device: &Device| {
        let tensor: Tensor<1> = cache.get_or_build(device, || {
            let n = builds.fetch_add(1, Ordering::SeqCst) + 1;
            Tensor::from_data(TensorData::new(vec![n as f32; 3], [3]), device)
        });
        kiln_core::tensor::try_to_vec(tensor).unwrap()
    };
    assert!(cache.is_empty());
    assert_eq!(get(&plain), vec![1.0; 3]);
    assert_eq!(get(&plain), vec![1.0; 3]);
    // burn's `Device` equality ignores autodiff; the cache does not.
    assert_eq!(get(&autodiff), vec![2.0; 3]);
    assert_eq!(get(&plain), vec![1.0; 3]);
    assert_eq!(get(&autodiff), vec![2.0; 3]);
    assert_eq!(builds.load(Ordering::SeqCst), 2);
    assert_eq!(cache.len(), 2);
    assert!(cache.clone().is_empty(), "a clone starts empty");
    cache.clear();
    assert_eq!(get(&plain), vec![3.0; 3]);
}

#[test]
fn a_failed_build_stores_nothing_and_concurrent_requests_build_once() {
    let device = Device::flex();
    let cache: DeviceCache<u32> = DeviceCache::new();
    assert_eq!(cache.get_or_try_build(&device, || Err::<u32, _>("no data")), Err("no data"));
    assert!(cache.is_empty());
    let builds = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let value = cache.get_or_build(&device, || {
                    builds.fetch_add(1, Ordering::SeqCst);
                    std::thread::yield_now();
                    7
                });
                assert_eq!(value, 7);
            });
        }
    });
    assert_eq!(builds.load(Ordering::SeqCst), 1);
}

/// All the blobs as one batch, resident on the device when `cache` is set; counts its builds.
struct FullBatch {
    inner: Blobs,
    cache: Option<DeviceCache<VectorBatch>>,
    builds: AtomicUsize,
}

impl FullBatch {
    fn new(n: usize, seed: u64, cached: bool) -> Self {
        let mut inner = Blobs::new(n, seed, false);
        inner.batch_size = n;
        Self { inner, cache: cached.then(DeviceCache::new), builds: AtomicUsize::new(0) }
    }
}

impl BatchSource<VectorBatch> for FullBatch {
    fn num_batches(&self) -> usize {
        1
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<VectorBatch> {
        let build = || {
            self.builds.fetch_add(1, Ordering::SeqCst);
            self.inner.batch(epoch, index, device)
        };
        match &self.cache {
            Some(cache) => cache.get_or_try_build(device, build),
            None => build(),
        }
    }
}

#[test]
fn a_resident_full_batch_is_built_once_per_device_and_trains_alike() {
    let device = Device::flex();
    let init = mlp(&device, 9);
    let run = |source: &FullBatch| {
        Trainer::new(device.clone()).with_seed(9).fit(init.clone(), &phases(), source, Some(source)).unwrap()
    };
    let (cached, uncached) = (FullBatch::new(90, 4, true), FullBatch::new(90, 4, false));
    let ((a, ra), (b, rb)) = (run(&cached), run(&uncached));
    // One build for training (autodiff) and one for validation (plain), over 3 epochs.
    assert_eq!(cached.builds.load(Ordering::SeqCst), 2);
    assert_eq!(uncached.builds.load(Ordering::SeqCst), 6);
    assert_eq!(params(&a), params(&b), "the resident batch changed the weights");
    assert_eq!(untimed(&ra), untimed(&rb));
}
