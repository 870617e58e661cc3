//! Starting and stopping without losing a reply: which shards are connected (for the health
//! check), which replies are still on their way (for a clean shutdown), and the Unix signals
//! an operator or a supervisor sends.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use tracing::warn;

/// Replies being worked on. A shutdown waits for them, so a question that arrived before the
/// bot was told to stop still gets its answer.
#[derive(Default)]
pub(crate) struct InFlight {
    count: AtomicUsize,
    idle: Notify,
}

/// Counts one event being handled until dropped.
pub(crate) struct Working<'a>(&'a InFlight);

impl Drop for Working<'_> {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl InFlight {
    pub(crate) fn start(&self) -> Working<'_> {
        self.count.fetch_add(1, Ordering::SeqCst);
        Working(self)
    }

    /// Waits until nothing is in flight, or `limit` passes; false if some work was cut off.
    pub(crate) async fn drained(&self, limit: Duration) -> bool {
        let wait = async {
            loop {
                let idle = self.idle.notified();
                if self.count.load(Ordering::SeqCst) == 0 {
                    return;
                }
                idle.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }

    pub(crate) fn len(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

/// Which of this process's shards are connected, from the gateway events serenity reports.
pub(crate) struct Status {
    /// Shard id -> connected now.
    shards: Mutex<BTreeMap<u32, bool>>,
    expected: usize,
    stopping: AtomicBool,
}

impl Status {
    pub(crate) fn new(expected: usize) -> Status {
        Status {
            shards: Mutex::new(BTreeMap::new()),
            expected,
            stopping: AtomicBool::new(false),
        }
    }

    pub(crate) fn set_connected(&self, shard: u32, connected: bool) {
        self.shards
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(shard, connected);
    }

    pub(crate) fn set_stopping(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// (connected shards, shards this process runs, stopping).
    pub(crate) fn snapshot(&self) -> (usize, usize, bool) {
        let shards = self
            .shards
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let connected = shards.values().filter(|c| **c).count();
        (connected, self.expected, self.stopping.load(Ordering::SeqCst))
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (systemd, Docker, Kubernetes).
pub(crate) async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(e) => {
                warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the bot");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// Calls `reload` on every SIGHUP, the Unix convention for "read your files again".
pub(crate) async fn on_hangup<F: std::future::Future<Output = ()>>(reload: impl Fn() -> F) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::hangup()) {
            Ok(mut hup) => {
                while hup.recv().await.is_some() {
                    reload().await;
                }
            }
            Err(e) => warn!(error = %e, "cannot listen for SIGHUP; reload with /reload instead"),
        }
    }
    #[cfg(not(unix))]
    let _ = reload;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn draining_waits_for_work_in_flight_and_gives_up_at_the_limit() {
        let in_flight = Arc::new(InFlight::default());
        assert!(in_flight.drained(Duration::from_millis(10)).await);
        let worker = {
            let in_flight = Arc::clone(&in_flight);
            let ready = Arc::new(Notify::new());
            let started = Arc::clone(&ready);
            let task = tokio::spawn(async move {
                let _working = in_flight.start();
                started.notify_one();
                tokio::time::sleep(Duration::from_millis(200)).await;
            });
            ready.notified().await;
            task
        };
        assert_eq!(in_flight.len(), 1);
        assert!(!in_flight.drained(Duration::from_millis(20)).await);
        assert!(in_flight.drained(Duration::from_secs(5)).await);
        assert_eq!(in_flight.len(), 0);
        worker.await.unwrap();
    }

    #[test]
    fn status_counts_connected_shards() {
        let status = Status::new(2);
        status.set_connected(0, true);
        status.set_connected(1, true);
        status.set_connected(1, false);
        assert_eq!(status.snapshot(), (1, 2, false));
        status.set_stopping();
        assert_eq!(status.snapshot(), (1, 2, true));
    }
}
