//! Shared helpers for the integration tests (each `tests/*.rs` file includes this with `mod support;`).

pub mod bot;
pub mod emulator;
pub mod knowledge;
