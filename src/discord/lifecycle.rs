//! Starting and stopping without losing a reply: which shards are connected (for the health
//! check), which replies are still on their way (for a clean shutdown), and the Unix signals
//! an operator or a supervisor sends.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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

/// Counts one event being handled, or one question waiting for its reply, until dropped.
pub(crate) struct Working(Arc<InFlight>);

impl Drop for Working {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl InFlight {
    pub(crate) fn start(self: &Arc<Self>) -> Working {
        self.count.fetch_add(1, Ordering::SeqCst);
        Working(Arc::clone(self))
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

/// Which of this process's shards are connected, from the gateway events serenity reports,
/// and what stands in the way meanwhile.
pub(crate) struct Status {
    /// Shard id -> connected now.
    shards: Mutex<BTreeMap<u32, bool>>,
    expected: AtomicUsize,
    stopping: AtomicBool,
    /// Why the API base cannot be reached at start-up, while it cannot.
    unreachable: Mutex<Option<String>>,
    /// Questions dropped because too many were waiting.
    shed: AtomicU64,
}

/// What the health check reports.
#[derive(Debug, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) connected: usize,
    pub(crate) expected: usize,
    pub(crate) stopping: bool,
    pub(crate) unreachable: Option<String>,
    pub(crate) shed: u64,
}

impl Status {
    /// `expected` is 0 until the bot knows how many shards it runs.
    pub(crate) fn new(expected: usize) -> Status {
        Status {
            shards: Mutex::new(BTreeMap::new()),
            expected: AtomicUsize::new(expected),
            stopping: AtomicBool::new(false),
            unreachable: Mutex::new(None),
            shed: AtomicU64::new(0),
        }
    }

    pub(crate) fn set_expected(&self, expected: usize) {
        self.expected.store(expected, Ordering::SeqCst);
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

    pub(crate) fn set_unreachable(&self, why: Option<String>) {
        *self
            .unreachable
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = why;
    }

    /// Counts one question dropped under a flood; returns how many so far.
    pub(crate) fn count_shed(&self) -> u64 {
        self.shed.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        let connected = self
            .shards
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values()
            .filter(|c| **c)
            .count();
        Snapshot {
            connected,
            expected: self.expected.load(Ordering::SeqCst),
            stopping: self.stopping.load(Ordering::SeqCst),
            unreachable: self
                .unreachable
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone(),
            shed: self.shed.load(Ordering::SeqCst),
        }
    }
}

/// Set once SIGINT or SIGTERM arrives; every stage of the bot's life waits on it beside its
/// own work, so a stop is prompt whether the bot is connecting, retrying or running.
#[derive(Clone)]
pub(crate) struct Stop(tokio::sync::watch::Receiver<bool>);

impl Stop {
    /// Listens for the signals from now on.
    pub(crate) fn on_signals() -> Stop {
        let (tx, rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            stop_requested().await;
            let _ = tx.send(true);
            // Keep the sender, so that waiters see `true` rather than a closed channel.
            std::future::pending::<()>().await;
        });
        Stop(rx)
    }

    /// Resolves once a stop is requested.
    pub(crate) async fn requested(&self) {
        let mut rx = self.0.clone();
        let _ = rx.wait_for(|stop| *stop).await;
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
        let status = Status::new(0);
        status.set_expected(2);
        status.set_connected(0, true);
        status.set_connected(1, true);
        status.set_connected(1, false);
        let now = status.snapshot();
        assert_eq!((now.connected, now.expected, now.stopping), (1, 2, false));
        status.set_stopping();
        assert!(status.snapshot().stopping);
        assert_eq!(status.count_shed(), 1);
        assert_eq!(status.count_shed(), 2);
        assert_eq!(status.snapshot().shed, 2);
    }
}
