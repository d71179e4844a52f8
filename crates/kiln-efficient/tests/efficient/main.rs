//! kiln-efficient integration tests (one binary), mirroring `src/`.
