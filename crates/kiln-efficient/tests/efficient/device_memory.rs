//! `memory::device_memory`: a device that reports its allocator shows an uploaded 1M-float
//! tensor (4 MiB) in its reserved and live bytes; a device that does not report says `None`.

use burn::prelude::{Tensor, TensorData};
use kiln_efficient::memory::device_memory;

const FLOATS: usize = 1 << 20;

kiln_core::test_device!(an_uploaded_tensor_is_counted, |device| {
    let Some(before) = device_memory(&device) else {
        eprintln!("{device:?} does not report its allocator's usage");
        return;
    };
    let tensor = Tensor::<1>::from_data(TensorData::new(vec![1.0f32; FLOATS], [FLOATS]), &device);
    let after = device_memory(&device).expect("the device reported before, so it reports after");
    let bytes = (FLOATS * 4) as u64;
    assert!(after.reserved >= bytes, "reserved {} < the tensor's {bytes} bytes", after.reserved);
    // Other tests share the device and may free theirs meanwhile: only this tensor is certain.
    assert!(after.in_use >= bytes, "in use {} (before {}): the tensor is not counted", after.in_use, before.in_use);
    assert!(after.reserved >= after.in_use, "{after:?}");
    drop(tensor);
});
