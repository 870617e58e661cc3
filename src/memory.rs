//! Handing memory freed after training back to the operating system.
//!
//! Loading the knowledge trains the safety and routing models on two threads, and training
//! allocates several times what the finished models keep. glibc's allocator holds memory freed
//! on each thread in that thread's arena for reuse, so without this the process keeps its
//! training peak for as long as it runs: `sarcoma-bot match` idled at 175 MiB resident, 102 MiB
//! with the trim (this 2-core AMD EPYC, 2026-12-07, before the weights took one byte each).

/// Returns the allocator's free pages to the operating system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn release_freed() {
    // SAFETY: `malloc_trim` only gives back pages that hold no live allocation; it takes no
    // pointer and leaves every allocation where it is.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators give memory back on their own terms; nothing to do.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn release_freed() {}
