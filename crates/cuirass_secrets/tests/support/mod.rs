// cuirass-fixture: fake secrets
//! Shared by the integration tests and `examples/quality.rs`.
#![allow(dead_code, unreachable_pub)]
// Test support: generated data, no user input; truncating casts are the point of a PRNG.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss
)]

pub mod corpus;
pub mod lookalikes;
pub mod quality;
