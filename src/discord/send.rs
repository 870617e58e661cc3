//! Delivering replies so that a passing fault loses none and a retry sends none twice.
//!
//! serenity's send methods turn a failed answer into an error that no longer carries
//! `retry_after`, and behind a proxy (or the emulator) serenity's rate limiter is off and
//! retries nothing. So replies go out here: serenity builds the request (same route, same
//! JSON), it goes through serenity's rate limiter when that is on, else straight to the
//! configured API base, and the raw answer decides what happens next:
//!
//! - 2xx: delivered;
//! - 429: wait the `retry_after` Discord asked for, then try again;
//! - 5xx, or no answer at all: back off (250 ms, doubling) and try again;
//! - anything else: Discord refused the request; retrying would not help.
//!
//! Attempts and total waiting are bounded; past them the reply is given up with a warning.
//! Channel messages carry a nonce made from the question's id with `enforce_nonce`, so a retry
//! after an answer lost on its way back makes Discord return the first message instead of
//! posting a second; an interaction can be answered only once, and Discord's "already
//! acknowledged" to a retry means the first attempt got through.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serenity::all::{ChannelId, CreateInteractionResponse, CreateMessage, Http, InteractionId, Nonce};
use serenity::http::{LightMethod, Request, Route};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Discord's JSON error code for a second response to one interaction.
const ALREADY_ACKNOWLEDGED: i64 = 40060;

/// How hard to try one delivery.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    /// Attempts in all, the first included.
    pub(crate) attempts: u32,
    /// The first back-off after a 5xx or a lost connection; it doubles each time.
    pub(crate) backoff: Duration,
    /// The most time spent waiting between attempts; a wait that would go past it gives up.
    pub(crate) budget: Duration,
}

impl Policy {
    /// A channel message can wait a while; shutdown allows for this budget.
    pub(crate) const MESSAGE: Policy = Policy {
        attempts: 4,
        backoff: Duration::from_millis(250),
        budget: Duration::from_secs(8),
    };
    /// Discord drops an interaction not answered within 3 seconds of its creation.
    pub(crate) const INTERACTION: Policy = Policy {
        attempts: 4,
        backoff: Duration::from_millis(250),
        budget: Duration::from_millis(2500),
    };
}

/// How one attempt went.
#[derive(Debug, PartialEq)]
enum Attempt {
    Delivered,
    /// Discord asked to wait this long (429).
    RateLimited(Duration),
    /// A 5xx, or the request never got an answer.
    Transient(String),
    Refused(String),
}

/// What to do after an attempt.
#[derive(Debug, PartialEq)]
enum Step {
    Done,
    Wait(Duration),
    GiveUp(SendError),
}

#[derive(Debug, PartialEq, thiserror::Error)]
pub(crate) enum SendError {
    #[error("Discord refused the reply: {0}")]
    Refused(String),
    #[error("gave up after {attempts} attempt(s): {last}")]
    GaveUp { attempts: u32, last: String },
}

/// The decision after attempt number `attempt` (1-based), having already waited `waited`.
fn next_step(attempt: u32, outcome: Attempt, waited: Duration, policy: Policy) -> Step {
    let wait = match outcome {
        Attempt::Delivered => return Step::Done,
        Attempt::Refused(why) => return Step::GiveUp(SendError::Refused(why)),
        Attempt::RateLimited(wait) => (wait, format!("rate limited for {:.1} s", wait.as_secs_f64())),
        Attempt::Transient(why) => (policy.backoff * 2u32.saturating_pow(attempt - 1), why),
    };
    let (wait, why) = wait;
    if attempt >= policy.attempts || waited + wait > policy.budget {
        return Step::GiveUp(SendError::GaveUp {
            attempts: attempt,
            last: why,
        });
    }
    Step::Wait(wait)
}

/// Replies on the wire at once. Discord takes about 50 requests a second from a bot, so more
/// in flight only opens connections and holds their buffers; a burst of questions waits here
/// as small futures instead.
pub(crate) const CONCURRENT_SENDS: usize = 32;

/// Sends replies with the retry rules above.
pub(crate) struct Outbox {
    /// For requests when serenity's rate limiter is off (a proxy or an emulator base).
    client: reqwest::Client,
    sending: Arc<Semaphore>,
}

/// The right to put one reply on the wire, of [`CONCURRENT_SENDS`].
pub(crate) struct Slot {
    _permit: OwnedSemaphorePermit,
}

/// A delivered reply: how many attempts it took.
#[derive(Debug)]
pub(crate) struct Delivered {
    pub(crate) attempts: u32,
}

impl Outbox {
    /// Fails only if no HTTP client can be set up at all (no TLS backend).
    pub(crate) fn new() -> Result<Outbox, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Outbox {
            client,
            sending: Arc::new(Semaphore::new(CONCURRENT_SENDS)),
        })
    }

    /// Waits for a free slot; `None` only if the outbox is gone.
    pub(crate) async fn slot(&self) -> Option<Slot> {
        Arc::clone(&self.sending)
            .acquire_owned()
            .await
            .ok()
            .map(|permit| Slot { _permit: permit })
    }

    /// Posts a message in a channel; `nonce` must be unique to what it answers (Discord keeps
    /// nonces a few minutes, per bot), so that a repeat of it is recognised as one.
    pub(crate) async fn channel_message(
        &self,
        http: &Http,
        channel: ChannelId,
        nonce: String,
        message: CreateMessage,
    ) -> Result<Delivered, SendError> {
        let slot = self.slot().await;
        self.channel_message_in(slot, http, channel, nonce, message).await
    }

    /// [`Outbox::channel_message`] in a slot already taken.
    pub(crate) async fn channel_message_in(
        &self,
        slot: impl Into<Option<Slot>>,
        http: &Http,
        channel: ChannelId,
        nonce: String,
        message: CreateMessage,
    ) -> Result<Delivered, SendError> {
        let body = message.nonce(Nonce::String(nonce)).enforce_nonce(true);
        let body = serde_json::to_vec(&body).map_err(|e| SendError::Refused(e.to_string()))?;
        let _slot = slot.into();
        Box::pin(self.attempts(
            http,
            || Route::ChannelMessages { channel_id: channel },
            body,
            Policy::MESSAGE,
        ))
        .await
    }

    /// The one response an interaction gets.
    pub(crate) async fn interaction_response(
        &self,
        http: &Http,
        interaction: InteractionId,
        token: &str,
        response: CreateInteractionResponse,
    ) -> Result<Delivered, SendError> {
        self.deliver(
            http,
            || Route::InteractionResponse {
                interaction_id: interaction,
                token,
            },
            &response,
            Policy::INTERACTION,
        )
        .await
    }

    async fn deliver<'a>(
        &self,
        http: &Http,
        route: impl Fn() -> Route<'a>,
        body: &impl serde::Serialize,
        policy: Policy,
    ) -> Result<Delivered, SendError> {
        let body = serde_json::to_vec(body).map_err(|e| SendError::Refused(e.to_string()))?;
        // The permit is taken before the (large) request future exists, and that future is
        // boxed: a question waiting its turn then costs a few hundred bytes, not kilobytes.
        let _slot = self.slot().await;
        Box::pin(self.attempts(http, route, body, policy)).await
    }

    async fn attempts<'a>(
        &self,
        http: &Http,
        route: impl Fn() -> Route<'a>,
        body: Vec<u8>,
        policy: Policy,
    ) -> Result<Delivered, SendError> {
        let started = Instant::now();
        let mut waited = Duration::ZERO;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = Request::new(route(), LightMethod::Post).body(Some(body.clone()));
            let outcome = self.attempt(http, request).await;
            match next_step(attempt, outcome, waited, policy) {
                Step::Done => return Ok(Delivered { attempts: attempt }),
                Step::GiveUp(e) => return Err(e),
                Step::Wait(wait) => {
                    tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying a reply");
                    tokio::time::sleep(wait).await;
                    waited = started.elapsed();
                }
            }
        }
    }

    async fn attempt(&self, http: &Http, request: Request<'_>) -> Attempt {
        let sent = match &http.ratelimiter {
            Some(limiter) => limiter.perform(request).await.map_err(|e| e.to_string()),
            None => match request.build(&self.client, http.token(), http.proxy.as_deref()) {
                Ok(built) => built.send().await.map_err(|e| without_url(&e)),
                Err(e) => return Attempt::Refused(e.to_string()),
            },
        };
        match sent {
            Ok(response) => classify(response).await,
            Err(e) => Attempt::Transient(e),
        }
    }
}

/// Reads Discord's answer to one attempt.
async fn classify(response: reqwest::Response) -> Attempt {
    let status = response.status().as_u16();
    if response.status().is_success() {
        return Attempt::Delivered;
    }
    let header_wait = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok());
    let bytes = response.bytes().await.unwrap_or_default();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let message = body["message"].as_str().unwrap_or("").to_owned();
    match status {
        429 => {
            // The body's `retry_after` has fractions of a second; the header is rounded up.
            let seconds = body["retry_after"].as_f64().or(header_wait).unwrap_or(1.0);
            Attempt::RateLimited(Duration::from_secs_f64(seconds.clamp(0.0, 3600.0)))
        }
        500..=599 => Attempt::Transient(format!("HTTP {status}")),
        _ if body["code"].as_i64() == Some(ALREADY_ACKNOWLEDGED) => Attempt::Delivered,
        _ => Attempt::Refused(format!("HTTP {status} ({message})")),
    }
}

/// A request error without its URL (interaction URLs carry tokens): what went wrong and the
/// causes under it, each said once ("could not connect: tcp connect error: Connection
/// refused (os error 111)").
pub(crate) fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut said = vec![kind.to_owned()];
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        // Wrappers often repeat their cause's text; the URL never appears below the top.
        if !said.iter().any(|s| s.contains(&text)) {
            said.push(text);
        }
        cause = c.source();
    }
    said.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Policy = Policy {
        attempts: 4,
        backoff: Duration::from_millis(250),
        budget: Duration::from_secs(8),
    };

    #[test]
    fn server_errors_back_off_doubling_then_give_up_after_the_last_attempt() {
        let transient = || Attempt::Transient("HTTP 502".into());
        let waits: Vec<_> = (1..=3)
            .map(|n| next_step(n, transient(), Duration::ZERO, P))
            .collect();
        assert_eq!(
            waits,
            [250, 500, 1000].map(|ms| Step::Wait(Duration::from_millis(ms)))
        );
        assert_eq!(
            next_step(4, transient(), Duration::from_millis(1750), P),
            Step::GiveUp(SendError::GaveUp {
                attempts: 4,
                last: "HTTP 502".into()
            })
        );
    }

    #[test]
    fn a_rate_limit_is_waited_out_unless_it_would_overrun_the_budget() {
        let limited = |ms| Attempt::RateLimited(Duration::from_millis(ms));
        assert_eq!(
            next_step(1, limited(300), Duration::ZERO, P),
            Step::Wait(Duration::from_millis(300))
        );
        assert!(matches!(
            next_step(1, limited(60_000), Duration::ZERO, P),
            Step::GiveUp(SendError::GaveUp { attempts: 1, .. })
        ));
        assert!(matches!(
            next_step(2, limited(2000), Duration::from_millis(1000), Policy::INTERACTION),
            Step::GiveUp(_)
        ));
    }

    #[test]
    fn delivered_and_refused_end_at_once() {
        assert_eq!(next_step(1, Attempt::Delivered, Duration::ZERO, P), Step::Done);
        assert_eq!(
            next_step(
                1,
                Attempt::Refused("HTTP 403 (Missing Access)".into()),
                Duration::ZERO,
                P
            ),
            Step::GiveUp(SendError::Refused("HTTP 403 (Missing Access)".into()))
        );
    }
}
