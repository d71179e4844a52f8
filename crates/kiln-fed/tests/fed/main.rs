//! kiln-fed integration tests (one binary), mirroring `src/`.
