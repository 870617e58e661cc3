//! End to end through Discord: the real `sarcoma-bot serve` binary, with the real serenity
//! client inside, against the Discord API emulator on 127.0.0.1 (`tests/support/emulator.rs`).
//!
//! One test binary for all of them: each file as its own binary compiled the emulator and the
//! bot harness again, about three minutes apiece on the CI machine.

#[path = "../support/mod.rs"]
mod support;

mod emulator_selftest;
mod gateway;
mod operations;
mod reload;
mod replies;
mod resilience;
mod safety;
mod sections;
mod service;
