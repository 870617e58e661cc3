//! Shared helpers for the integration tests (a test binary includes this with `mod support;`, or
//! with `#[path]` from a folder of its own).

pub mod bot;
pub mod emulator;
pub mod knowledge;
