//! A loopback emulator of Discord's API (gateway v10 over WebSocket, plus the REST routes a bot
//! uses) for end-to-end tests of sarcoma-bot.
//!
//! Why it exists: the bot's Discord layer can only be tested for real against something that
//! speaks Discord's wire protocol, and Discord itself is no option in tests (tokens, network,
//! rate limits, and no way to make a member type a message on cue). This module stands in for
//! Discord on 127.0.0.1. A test starts an [`Emulator`], points the bot at
//! [`Emulator::base_url`] (serenity `HttpBuilder::proxy(..)` together with
//! `.ratelimiter_disabled(true)`: serenity ignores the proxy while its ratelimiter is on),
//! makes members "speak" with [`Emulator::dispatch`] and the payload builders at the end of this
//! file, and asserts on the REST calls the bot made with [`Emulator::wait_for`].
//!
//! Payloads matter more than anything else here: serenity 0.12.5 turns a dispatch that lacks a
//! required field into `Event::Unknown` and runs no handler, without a warning. So the builders
//! produce complete objects, and every dispatch and every REST answer is checked against
//! serenity's own model types; a mismatch is printed to stderr (see [`check_dispatch`]).
//!
//! Gateway: the WebSocket upgrade is accepted on `/` with any query. Each connection gets HELLO,
//! answers IDENTIFY with READY (sequence 1, then one sequence per session), heartbeats with
//! ACKs, and RESUME of a session it issued with RESUMED. Like Discord, it first replays what the
//! session missed: dispatches after the RESUME's sequence, including those made while no
//! connection carried the session (see [`SessionLog`]); a bot with a stale sequence gets
//! duplicates, as from Discord.
//! serenity 0.12.5 resumes after most close codes (e.g. 4000) and identifies anew after 4009 or
//! missing ACKs, about 5 s later (its shard queue waits between boots).
//!
//! For start-up tests, [`Emulator::refuse_gateway`] answers the WebSocket upgrade with 503 (a
//! gateway that is down while REST works), and [`Emulator::dispatch_after_ready`] sends a
//! dispatch in the same breath as READY.
//!
//! It is not a Discord simulator: it keeps no guilds, channels or message history, and answers
//! from the request alone. Every REST request is recorded, whatever the route.
//!
//! | route (under `/api/v10`) | answer |
//! |---|---|
//! | `GET /gateway`, `GET /gateway/bot` | this emulator's `ws://` URL (+ shards, session limit) |
//! | `GET /users/@me`, `GET /oauth2/applications/@me` | the bot user, a minimal application |
//! | `POST /channels/{c}/messages` | the Message built from the request; a nonce repeated with `enforce_nonce` returns the first |
//! | `PATCH /channels/{c}/messages/{m}`, `DELETE` the same | the edited Message; 204 |
//! | `POST /channels/{c}/typing` | 204 |
//! | `PUT /applications/{a}/commands`, `PUT /applications/{a}/guilds/{g}/commands` | the commands |
//! | `POST /interactions/{id}/{token}/callback` | 204 |
//! | `POST /webhooks/{a}/{token}`; `GET`/`PATCH` `.../messages/{m or @original}` | a Message |
//! | `DELETE /webhooks/{a}/{token}/messages/{m or @original}` | 204 |
//! | anything else | 404 `{"message":"404: Not Found","code":0}` |
//!
//! Like Discord, the message, command and callback routes answer 400 to what Discord rejects
//! (empty or over-long messages, embeds over the limits, commands without a description, a
//! second answer to one interaction, ...), so such a bot bug fails a test, not production.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

/// The bot's user id, as READY and `GET /users/@me` report it.
pub const BOT_USER_ID: u64 = 900000000000000001;
/// The application id READY reports; serenity uses it for command registration.
pub const APPLICATION_ID: u64 = 900000000000000002;
/// The one guild READY lists (as unavailable).
pub const GUILD_ID: u64 = 900000000000000003;
/// The bot's permissions in the channel of an interaction (`app_permissions`): view, send,
/// send in threads, embed links, attach files, read history, add reactions, external emojis.
pub const BOT_CHANNEL_PERMISSIONS: u64 =
    (1 << 6) | (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 38);

/// Channel reported for webhook messages whose interaction token the emulator never dispatched.
const UNKNOWN_CHANNEL_ID: u64 = 900000000000000009;
/// Discord's default heartbeat interval.
const DEFAULT_HEARTBEAT_INTERVAL_MS: u64 = 41250;
/// Far above anything a bot sends; only guards the emulator's memory.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// 25 MiB, Discord's upload limit for a guild without boosts.
const ATTACHMENT_SIZE_LIMIT: u64 = 26_214_400;
/// Snowflakes count milliseconds from 2015-01-01.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Settings for [`Emulator::start_with`].
#[derive(Clone, Debug)]
pub struct Options {
    /// Sent in HELLO; a short interval lets a test see heartbeats (and missing ACKs) quickly.
    pub heartbeat_interval_ms: u64,
    /// The shard count `GET /gateway/bot` recommends, for autosharding.
    pub recommended_shards: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            heartbeat_interval_ms: DEFAULT_HEARTBEAT_INTERVAL_MS,
            recommended_shards: 1,
        }
    }
}

/// One REST request as the bot sent it, plus the status the emulator answered.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Without the `/api/v10` prefix, e.g. `/channels/1/messages`.
    pub path: String,
    /// JSON when the body parses as JSON; otherwise the raw text (multipart included); `Null`
    /// when empty. [`Recorded::payload`] digs the JSON out of a multipart body.
    pub body: Value,
    pub authorization: Option<String>,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// All request headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The status the emulator answered with.
    pub status: u16,
    /// When the request arrived, for latency measurements.
    pub at: Instant,
}

impl Recorded {
    /// The request's JSON: the body, or for a multipart upload its `payload_json` part.
    pub fn payload(&self) -> Value {
        match &self.body {
            Value::String(text) => multipart_payload_json(text).unwrap_or_else(|| self.body.clone()),
            other => other.clone(),
        }
    }

    /// Whether the body was a multipart upload (a message with files).
    pub fn is_multipart(&self) -> bool {
        self.headers
            .iter()
            .any(|(name, value)| name == "content-type" && value.starts_with("multipart/"))
    }
}

/// The emulator. Cheap to clone: clones share one server and one record.
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

struct Inner {
    addr: SocketAddr,
    heartbeat_interval_ms: u64,
    recommended_shards: u64,
    acks_stopped: AtomicBool,
    /// Close code that answers IDENTIFY instead of READY; 0 for none.
    identify_close_code: AtomicU16,
    /// Gateway connections are refused (HTTP 503 to the upgrade), as by a gateway that is down.
    gateway_refused: AtomicBool,
    next_connection_id: AtomicU64,
    state: Mutex<Record>,
    /// Bumped on every recorded change, so waiters wake without polling.
    changes: watch::Sender<u64>,
}

#[derive(Default)]
struct Record {
    requests: Vec<Recorded>,
    identifies: Vec<Value>,
    gateway_frames: Vec<Value>,
    identified_connections: usize,
    resumed_connections: usize,
    /// Session ids handed out in READY, so RESUME can be honoured and replay what was missed.
    sessions: HashMap<String, SessionLog>,
    connections: HashMap<u64, Connection>,
    faults: Vec<Fault>,
    /// Interaction token -> its channel, so webhook messages name the right channel.
    interaction_channels: HashMap<String, u64>,
    /// Interaction ids already answered through `/callback`.
    acknowledged: HashSet<String>,
    /// Channel messages created, as (channel id, message): what members would see.
    created: Vec<(u64, Value)>,
    /// Nonces sent with `enforce_nonce`, and the message each created.
    nonces: HashMap<String, Value>,
    /// Dispatches to send in the same breath as the next READY (see
    /// [`Emulator::dispatch_after_ready`]).
    after_ready: Vec<(String, Value)>,
}

/// An open gateway connection, as the rest of the emulator sees it.
struct Connection {
    outbox: mpsc::UnboundedSender<Outbound>,
    /// Set once READY (or RESUMED) went out; dispatches only go to ready connections.
    ready: bool,
}

/// One session handed out in READY. Sequence numbers belong to the session, not to a
/// connection, and every dispatch is kept: a connection the bot abandoned (op 7, a dead socket)
/// may have swallowed some, and while no connection of a shard is ready, the shard's newest
/// session collects dispatches for a later RESUME, the way Discord keeps them.
struct SessionLog {
    /// `[shard_id, shard_count]` from IDENTIFY.
    shard: Option<[u64; 2]>,
    /// The id of the identifying connection; the highest of a shard is its newest session.
    serial: u64,
    /// The connection carrying the session, if it is still open.
    connection: Option<u64>,
    /// Every dispatch frame of the session, READY first (sequence 1).
    frames: Vec<Value>,
}

impl SessionLog {
    fn shard_id(&self) -> u64 {
        self.shard.map_or(0, |[id, _]| id)
    }

    /// Numbers a dispatch with the session's next sequence, keeps it and returns the frame.
    fn push(&mut self, event: &str, data: Value) -> Value {
        let frame = json!({"op": 0, "s": self.frames.len() + 1, "t": event, "d": data});
        self.frames.push(frame.clone());
        frame
    }
}

/// What a test asks a connection's task to send.
enum Outbound {
    /// Sent exactly as given (dispatches arrive numbered by their [`SessionLog`]).
    Raw(Value),
    /// Close the socket with this close code.
    Close(u16),
    /// End the connection without a close frame, as a failed network does.
    Drop,
}

/// A REST answer queued by [`Emulator::fail_next`] and its kin.
struct Fault {
    path_prefix: String,
    kind: FaultKind,
}

enum FaultKind {
    /// Answer this instead of doing the request.
    Instead { status: u16, body: Value },
    /// Do the request, then answer this: the answer was lost on its way back.
    After { status: u16, body: Value },
    /// Do the request and answer it normally, this much later.
    Delay(Duration),
}

impl Emulator {
    /// Starts an emulator on 127.0.0.1 with a random port and Discord's heartbeat interval.
    pub async fn start() -> Emulator {
        Emulator::start_with(Options::default()).await
    }

    /// Starts an emulator with the given options. Panics only if loopback cannot be bound.
    pub async fn start_with(options: Options) -> Emulator {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the emulator binds a loopback port");
        let addr = listener.local_addr().expect("a bound listener has an address");
        let emulator = Emulator {
            inner: Arc::new(Inner {
                addr,
                heartbeat_interval_ms: options.heartbeat_interval_ms,
                recommended_shards: options.recommended_shards,
                acks_stopped: AtomicBool::new(false),
                identify_close_code: AtomicU16::new(0),
                gateway_refused: AtomicBool::new(false),
                next_connection_id: AtomicU64::new(1),
                state: Mutex::new(Record::default()),
                changes: watch::Sender::new(0),
            }),
        };
        let app = Router::new()
            .route("/", any(handle_root))
            .fallback(handle_rest)
            .with_state(emulator.clone());
        tokio::spawn(async move {
            // Without TCP_NODELAY, Nagle's algorithm holds a gateway frame back while the bot
            // delays its ACK of the previous one (up to 40 ms on Linux): the load bench measured
            // a p99 of 38 ms at 1,000 messages a second from that alone. Discord sends at once.
            if let Err(error) = axum::serve(listener, app).tcp_nodelay(true).await {
                log(format!("server stopped: {error}"));
            }
        });
        emulator
    }

    /// `http://127.0.0.1:PORT`, for serenity's `HttpBuilder::proxy`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// `ws://127.0.0.1:PORT`, what `GET /gateway` returns.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.inner.addr)
    }

    /// True once some connection sent IDENTIFY and got READY (now or earlier).
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        self.wait_identified(1, timeout).await
    }

    /// True once `count` connections in all have identified; for tests that make the bot
    /// reconnect, or start several shards.
    pub async fn wait_identified(&self, count: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |state| {
            (state.identified_connections >= count).then_some(())
        })
        .await
        .is_some()
    }

    /// The `d` of the last IDENTIFY received.
    pub fn identify(&self) -> Option<Value> {
        self.state().identifies.last().cloned()
    }

    /// Every IDENTIFY `d` received, oldest first.
    pub fn identifies(&self) -> Vec<Value> {
        self.state().identifies.clone()
    }

    /// Every frame the bot sent over any gateway connection (heartbeats included), oldest first.
    pub fn gateway_frames(&self) -> Vec<Value> {
        self.state().gateway_frames.clone()
    }

    /// How many gateway connections have identified, ever.
    pub fn connections(&self) -> usize {
        self.state().identified_connections
    }

    /// How many connections have resumed a session, ever. (serenity resumes after most close
    /// codes, e.g. 4000; after 4009, session timed out, it identifies anew.)
    pub fn resumes(&self) -> usize {
        self.state().resumed_connections
    }

    /// True once `count` RESUMEs in all have been answered with RESUMED.
    pub async fn wait_resumed(&self, count: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |state| {
            (state.resumed_connections >= count).then_some(())
        })
        .await
        .is_some()
    }

    /// The first gateway frame from the bot (past or future) matching `pred`, e.g. a heartbeat
    /// `|f| f["op"] == 1` or a presence update `|f| f["op"] == 3`.
    pub async fn wait_for_frame(&self, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        self.wait_until(timeout, |state| {
            state.gateway_frames.iter().find(|f| pred(f)).cloned()
        })
        .await
    }

    /// Sends a dispatch (op 0) to every ready connection; a shard without one gets it on RESUME.
    pub async fn dispatch(&self, event: &str, data: Value) {
        self.dispatch_where(event, data, |_| true);
    }

    /// Sends a dispatch only to the connection(s) that identified as shard `shard` (a
    /// connection that sent no shard counts as shard 0).
    pub async fn dispatch_to_shard(&self, shard: u64, event: &str, data: Value) {
        self.dispatch_where(event, data, |id| id == shard);
    }

    /// Sends a dispatch the way Discord routes it: to the shard that owns its guild,
    /// `(guild_id >> 22) % shard_count`; events without a guild (DMs) go to shard 0.
    pub async fn dispatch_routed(&self, event: &str, data: Value) {
        let guild = data.get("guild_id").and_then(snowflake_value);
        let count = self
            .state()
            .sessions
            .values()
            .filter_map(|s| s.shard.map(|[_, count]| count))
            .max()
            .unwrap_or(1)
            .max(1);
        let owner = guild.map_or(0, |g| (g >> 22) % count);
        self.dispatch_where(event, data, |shard| shard == owner);
    }

    /// Every REST request recorded so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    /// True once `count` REST requests in all have been recorded. For the load bench: it waits
    /// for thousands of replies without cloning the record or rescanning it on every arrival,
    /// either of which would hold the lock the request handlers need and skew the latencies.
    pub async fn wait_requests(&self, count: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |state| (state.requests.len() >= count).then_some(()))
            .await
            .is_some()
    }

    /// The first recorded request matching `pred`, waiting for it up to `timeout`.
    pub async fn wait_for(&self, timeout: Duration, pred: impl Fn(&Recorded) -> bool) -> Option<Recorded> {
        self.wait_for_from(0, timeout, pred).await
    }

    /// Like [`Emulator::wait_for`], but ignores requests recorded before this call.
    pub async fn wait_for_new(
        &self,
        timeout: Duration,
        pred: impl Fn(&Recorded) -> bool,
    ) -> Option<Recorded> {
        let start = self.state().requests.len();
        self.wait_for_from(start, timeout, pred).await
    }

    /// Makes the next REST request whose path (without `/api/v10`) starts with `path_prefix`
    /// answer `status` with `body`. A 429 also gets Discord's `retry-after` and
    /// `x-ratelimit-*` headers. Several calls queue several faults.
    pub fn fail_next(&self, path_prefix: &str, status: u16, body: Value) {
        self.queue_fault(path_prefix, FaultKind::Instead { status, body });
    }

    /// Makes the next matching request take effect (a message is created) but answer `status`
    /// with `body`, like a proxy that loses Discord's answer: a retry must not post twice.
    pub fn fail_next_after_processing(&self, path_prefix: &str, status: u16, body: Value) {
        self.queue_fault(path_prefix, FaultKind::After { status, body });
    }

    /// Holds the answer to the next matching request for `delay` (it is recorded at once).
    pub fn delay_next(&self, path_prefix: &str, delay: Duration) {
        self.queue_fault(path_prefix, FaultKind::Delay(delay));
    }

    fn queue_fault(&self, path_prefix: &str, kind: FaultKind) {
        let path_prefix = path_prefix
            .strip_prefix("/api/v10")
            .unwrap_or(path_prefix)
            .to_owned();
        self.state().faults.push(Fault { path_prefix, kind });
    }

    /// The messages created in `channel` so far, oldest first. With nonces enforced, a
    /// repeated send returns the first message and creates nothing.
    pub fn created_messages(&self, channel: u64) -> Vec<Value> {
        self.state()
            .created
            .iter()
            .filter(|(c, _)| *c == channel)
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// Closes every gateway connection with `code` (4000 makes serenity reconnect; 4004,
    /// authentication failed, makes it give up).
    pub async fn close_all(&self, code: u16) {
        self.end_all(|| Outbound::Close(code));
    }

    /// Ends every gateway connection without a close frame (the TCP connection just ends), as
    /// when a network fails; serenity then resumes its session.
    pub async fn drop_all(&self) {
        self.end_all(|| Outbound::Drop);
    }

    /// From now on answers every IDENTIFY by closing the connection with `code` instead of
    /// READY, as Discord does for a refused token (4004) or intents (4014). The IDENTIFY is still
    /// recorded, so a test can count the bot's attempts.
    pub fn close_on_identify(&self, code: u16) {
        self.inner.identify_close_code.store(code, Ordering::SeqCst);
    }

    /// Refuses (or again accepts) new gateway connections: the WebSocket upgrade gets 503,
    /// while REST goes on answering. Open connections are left alone.
    pub fn refuse_gateway(&self, refuse: bool) {
        self.inner.gateway_refused.store(refuse, Ordering::SeqCst);
    }

    /// Queues a dispatch to go out right after the next READY, on the same connection and
    /// before anything else: a member who writes the moment the bot connects.
    pub fn dispatch_after_ready(&self, event: &str, data: Value) {
        if MODEL_CHECKS.load(Ordering::Relaxed)
            && let Err(problem) = check_dispatch(event, &data)
        {
            log(format!("{event} will not reach serenity's handlers: {problem}"));
        }
        self.state().after_ready.push((event.to_owned(), data));
    }

    fn end_all(&self, how: impl Fn() -> Outbound) {
        // Removed at once so that no dispatch goes to a closing socket.
        let closing: Vec<_> = self.state().connections.drain().map(|(_, c)| c.outbox).collect();
        for outbox in closing {
            let _ = outbox.send(how());
        }
    }

    /// Sends `frame` as is to every open connection (ready or not); for opcodes the emulator
    /// does not send by itself, e.g. `{"op":7}` (reconnect) or `{"op":9,"d":false}`.
    pub async fn send_raw(&self, frame: Value) {
        for outbox in self.outboxes(|_| true) {
            let _ = outbox.send(Outbound::Raw(frame.clone()));
        }
    }

    /// Stops (or resumes) answering heartbeats, which makes serenity drop and reconnect.
    pub fn stop_acks(&self, stop: bool) {
        self.inner.acks_stopped.store(stop, Ordering::SeqCst);
    }

    /// Numbers the dispatch in each wanted shard's session(s) and sends it where a ready
    /// connection carries one; a shard with none keeps it in its newest session for RESUME.
    fn dispatch_where(&self, event: &str, data: Value, wanted: impl Fn(u64) -> bool) {
        if MODEL_CHECKS.load(Ordering::Relaxed)
            && let Err(problem) = check_dispatch(event, &data)
        {
            log(format!("{event} will not reach serenity's handlers: {problem}"));
        }
        self.remember_interaction(event, &data);
        let mut state = self.state();
        let Record {
            sessions,
            connections,
            ..
        } = &mut *state;
        let outbox_of = |session: &SessionLog| {
            let connection = connections.get(&session.connection?)?;
            connection.ready.then(|| connection.outbox.clone())
        };
        // Per wanted shard: its newest session, and whether any of its sessions is connected.
        let mut shards: HashMap<u64, (u64, bool)> = HashMap::new();
        for session in sessions.values().filter(|s| wanted(s.shard_id())) {
            let shard = shards.entry(session.shard_id()).or_default();
            shard.0 = shard.0.max(session.serial);
            shard.1 |= outbox_of(session).is_some();
        }
        let mut sent = false;
        for session in sessions.values_mut().filter(|s| wanted(s.shard_id())) {
            let outbox = outbox_of(session);
            let (newest, connected) = shards[&session.shard_id()];
            if outbox.is_none() && (connected || session.serial != newest) {
                continue;
            }
            let frame = session.push(event, data.clone());
            if let Some(outbox) = outbox {
                sent |= outbox.send(Outbound::Raw(frame)).is_ok();
            }
        }
        if !sent {
            log(format!(
                "{event} reached no ready gateway connection (kept for a RESUME if a session awaits one)"
            ));
        }
    }

    fn outboxes(&self, wanted: impl Fn(&Connection) -> bool) -> Vec<mpsc::UnboundedSender<Outbound>> {
        let state = self.state();
        state
            .connections
            .values()
            .filter(|c| wanted(c))
            .map(|c| c.outbox.clone())
            .collect()
    }

    /// Notes an interaction's channel, so webhook messages for its token can name it.
    fn remember_interaction(&self, event: &str, data: &Value) {
        let token = data.get("token").and_then(Value::as_str);
        let channel = data.get("channel_id").and_then(snowflake_value);
        if let (true, Some(token), Some(channel)) = (event == "INTERACTION_CREATE", token, channel) {
            self.state()
                .interaction_channels
                .insert(token.to_owned(), channel);
        }
    }

    async fn wait_for_from(
        &self,
        start: usize,
        timeout: Duration,
        pred: impl Fn(&Recorded) -> bool,
    ) -> Option<Recorded> {
        self.wait_until(timeout, |state| {
            state.requests.iter().skip(start).find(|r| pred(r)).cloned()
        })
        .await
    }

    /// Waits until `check` finds something in the state, or `timeout` passes.
    async fn wait_until<T>(&self, timeout: Duration, check: impl Fn(&Record) -> Option<T>) -> Option<T> {
        // Subscribing before the first check means no change can slip between check and wait.
        let mut changes = self.inner.changes.subscribe();
        let waiting = async {
            loop {
                let found = check(&self.state());
                if found.is_some() {
                    return found;
                }
                if changes.changed().await.is_err() {
                    return None;
                }
            }
        };
        tokio::time::timeout(timeout, waiting).await.ok().flatten()
    }

    /// Locks the state; a panic elsewhere while it was held does not make the record unusable.
    fn state(&self) -> MutexGuard<'_, Record> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn changed(&self) {
        self.inner.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    fn record(&self, request: Recorded) {
        self.state().requests.push(request);
        self.changed();
    }

    fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut state = self.state();
        let index = state
            .faults
            .iter()
            .position(|f| path.starts_with(&f.path_prefix))?;
        Some(state.faults.remove(index))
    }

    /// True the first time an interaction id is answered.
    fn acknowledge(&self, interaction_id: &str) -> bool {
        self.state().acknowledged.insert(interaction_id.to_owned())
    }

    fn interaction_channel(&self, token: &str) -> u64 {
        self.state()
            .interaction_channels
            .get(token)
            .copied()
            .unwrap_or(UNKNOWN_CHANNEL_ID)
    }
}

// ---------------------------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------------------------

/// `/` is both the gateway (a WebSocket upgrade, any query) and, for anything else, REST.
async fn handle_root(
    State(emulator): State<Emulator>,
    upgrade: Option<WebSocketUpgrade>,
    request: Request,
) -> Response {
    match upgrade {
        Some(_) if emulator.inner.gateway_refused.load(Ordering::SeqCst) => {
            (StatusCode::SERVICE_UNAVAILABLE, "gateway refused by the test").into_response()
        }
        Some(upgrade) => upgrade.on_upgrade(move |socket| run_gateway_connection(emulator, socket)),
        None => handle_rest(State(emulator), request).await,
    }
}

/// Records the request, then answers it: with a queued fault if one matches, else by route.
async fn handle_rest(State(emulator): State<Emulator>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .unwrap_or_else(|error| {
            log(format!("could not read a request body: {error}"));
            Default::default()
        });
    let full_path = parts.uri.path();
    let mut recorded = Recorded {
        at: Instant::now(),
        method: parts.method.as_str().to_owned(),
        path: full_path.strip_prefix("/api/v10").unwrap_or(full_path).to_owned(),
        body: parse_body(&String::from_utf8_lossy(&bytes)),
        authorization: header_value(&parts.headers, "authorization"),
        query: parts.uri.query().map(str::to_owned),
        headers: header_list(&parts.headers),
        status: 0,
    };
    let (reply, delay) = match emulator.take_fault(&recorded.path).map(|f| f.kind) {
        Some(FaultKind::Instead { status, body }) => (fault_reply(status, body), None),
        Some(FaultKind::After { status, body }) => {
            route(&emulator, &recorded);
            (fault_reply(status, body), None)
        }
        Some(FaultKind::Delay(delay)) => (route(&emulator, &recorded), Some(delay)),
        None => (route(&emulator, &recorded), None),
    };
    recorded.status = reply.status;
    emulator.record(recorded);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    reply.into_response()
}

/// An answer to a REST request: status, optional JSON body, extra headers.
struct Reply {
    status: u16,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(body: Value) -> Reply {
        Reply {
            status: 200,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    fn status(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }

    fn not_found() -> Reply {
        Reply::status(404, json!({"message": "404: Not Found", "code": 0}))
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match self.body {
            Some(body) => (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                Body::from(body.to_string()),
            )
                .into_response(),
            None => status.into_response(),
        };
        for (name, value) in self.headers {
            if let Ok(value) = value.parse() {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// Answers a request by method and path; the request is already recorded by the caller.
fn route(emulator: &Emulator, request: &Recorded) -> Reply {
    let payload = request.payload();
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::json(json!({"url": emulator.ws_url()})),
        ("GET", ["gateway", "bot"]) => Reply::json(gateway_bot(emulator)),
        ("GET", ["users", "@me"]) => Reply::json(bot_user()),
        ("GET", ["oauth2", "applications", "@me"]) => Reply::json(application_info()),
        ("POST", ["channels", channel, "messages"]) => {
            create_channel_message(emulator, channel, &payload, request.is_multipart())
        }
        ("PATCH", ["channels", channel, "messages", message]) => {
            edit_channel_message(channel, message, &payload)
        }
        ("DELETE", ["channels", _, "messages", _]) | ("POST", ["channels", _, "typing"]) => {
            Reply::no_content()
        }
        ("PUT", ["applications", _, "commands"]) => register_commands(None, &payload),
        ("PUT", ["applications", _, "guilds", guild, "commands"]) => match parse_snowflake(guild) {
            Some(guild) => register_commands(Some(guild), &payload),
            None => Reply::not_found(),
        },
        ("POST", ["interactions", id, _, "callback"]) => interaction_callback(emulator, id, &payload),
        ("POST", ["webhooks", _, token]) => {
            execute_webhook(emulator, token, &payload, request.is_multipart())
        }
        ("GET" | "PATCH", ["webhooks", _, token, "messages", message]) => {
            webhook_message(emulator, token, message, &payload, request.method == "PATCH")
        }
        ("DELETE", ["webhooks", _, _, "messages", _]) => Reply::no_content(),
        _ => Reply::not_found(),
    }
}

/// A queued fault's answer; a 429 carries the headers Discord sends with it.
fn fault_reply(status: u16, body: Value) -> Reply {
    let mut reply = Reply::status(status, body);
    if status == 429 {
        let body = reply.body.as_ref();
        let retry_after = body
            .and_then(|b| b.get("retry_after"))
            .and_then(Value::as_f64)
            .unwrap_or(1.0);
        let global = body
            .and_then(|b| b.get("global"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        reply
            .headers
            .push(("retry-after", format!("{}", retry_after.ceil().max(0.0) as u64)));
        reply.headers.push((
            "x-ratelimit-scope",
            if global { "global" } else { "user" }.to_owned(),
        ));
        if global {
            reply.headers.push(("x-ratelimit-global", "true".to_owned()));
        }
    }
    reply
}

fn gateway_bot(emulator: &Emulator) -> Value {
    json!({
        "url": emulator.ws_url(),
        "shards": emulator.inner.recommended_shards,
        "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
    })
}

/// What `GET /oauth2/applications/@me` answers: the fields serenity requires, little more.
fn application_info() -> Value {
    let info = json!({
        "id": APPLICATION_ID.to_string(),
        "name": "sarcoma-bot",
        "icon": null,
        "description": "",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "owner": user(BOT_USER_ID + 100, false),
        "verify_key": "0".repeat(64),
        "team": null,
        "flags": 0,
    });
    check_model::<serenity::model::application::CurrentApplicationInfo>("application", &info);
    info
}

/// Like Discord, a message with `enforce_nonce` and a nonce seen before returns the message
/// that nonce created, and creates nothing.
fn create_channel_message(emulator: &Emulator, channel: &str, payload: &Value, has_files: bool) -> Reply {
    let Some(channel_id) = parse_snowflake(channel) else {
        return Reply::not_found();
    };
    if let Some(rejection) = message_rejection(payload, !has_files) {
        return rejection;
    }
    let nonce = payload
        .get("nonce")
        .map(|n| n.as_str().map_or_else(|| n.to_string(), str::to_owned))
        .filter(|_| payload["enforce_nonce"] == true);
    let mut state = emulator.state();
    if let Some(first) = nonce.as_ref().and_then(|n| state.nonces.get(n)) {
        return Reply::json(first.clone());
    }
    let message = sent_message(next_snowflake(), channel_id, payload);
    if let Some(nonce) = nonce {
        state.nonces.insert(nonce, message.clone());
    }
    state.created.push((channel_id, message.clone()));
    Reply::json(message)
}

fn edit_channel_message(channel: &str, message: &str, payload: &Value) -> Reply {
    let (Some(channel_id), Some(message_id)) = (parse_snowflake(channel), parse_snowflake(message)) else {
        return Reply::not_found();
    };
    if let Some(rejection) = message_rejection(payload, false) {
        return rejection;
    }
    let mut edited = sent_message(message_id, channel_id, payload);
    edited["edited_timestamp"] = json!(now_timestamp());
    Reply::json(edited)
}

/// `POST /webhooks/{app}/{token}`: an interaction follow-up (or a deferred reply's message).
fn execute_webhook(emulator: &Emulator, token: &str, payload: &Value, has_files: bool) -> Reply {
    if let Some(rejection) = message_rejection(payload, !has_files) {
        return rejection;
    }
    let channel_id = emulator.interaction_channel(token);
    Reply::json(as_webhook_message(sent_message(
        next_snowflake(),
        channel_id,
        payload,
    )))
}

/// `GET`/`PATCH /webhooks/{app}/{token}/messages/{id or @original}`.
fn webhook_message(emulator: &Emulator, token: &str, message: &str, payload: &Value, edit: bool) -> Reply {
    let message_id = match message {
        "@original" => Some(next_snowflake()),
        id => parse_snowflake(id),
    };
    let Some(message_id) = message_id else {
        return Reply::not_found();
    };
    if edit && let Some(rejection) = message_rejection(payload, false) {
        return rejection;
    }
    let channel_id = emulator.interaction_channel(token);
    let request = if edit { payload } else { &Value::Null };
    let mut message = as_webhook_message(sent_message(message_id, channel_id, request));
    if edit {
        message["edited_timestamp"] = json!(now_timestamp());
    }
    Reply::json(message)
}

fn as_webhook_message(mut message: Value) -> Value {
    message["webhook_id"] = json!(APPLICATION_ID.to_string());
    message["application_id"] = json!(APPLICATION_ID.to_string());
    message
}

/// `POST /interactions/{id}/{token}/callback`: 204, unless Discord would refuse the answer.
fn interaction_callback(emulator: &Emulator, interaction_id: &str, payload: &Value) -> Reply {
    if let Some(rejection) = callback_rejection(payload) {
        return rejection;
    }
    if !emulator.acknowledge(interaction_id) {
        return Reply::status(
            400,
            json!({"message": "Interaction has already been acknowledged.", "code": 40060}),
        );
    }
    Reply::no_content()
}

/// A bulk overwrite answers with the commands as Discord stores them.
fn register_commands(guild_id: Option<u64>, payload: &Value) -> Reply {
    let Some(commands) = payload.as_array() else {
        return invalid_form("", "BASE_TYPE_ARRAY", "Must be an array.");
    };
    if let Some(rejection) = commands_rejection(commands) {
        return rejection;
    }
    let registered: Value = commands.iter().map(|c| registered_command(c, guild_id)).collect();
    check_model::<Vec<serenity::model::application::Command>>("registered commands", &registered);
    Reply::json(registered)
}

fn registered_command(command: &Value, guild_id: Option<u64>) -> Value {
    let name = text(command, "name");
    let mut registered = json!({
        "id": command_id(name).to_string(),
        "type": command.get("type").cloned().unwrap_or(json!(1)),
        "application_id": APPLICATION_ID.to_string(),
        "name": name,
        "description": command.get("description").cloned().unwrap_or(json!("")),
        "options": command.get("options").filter(|o| o.is_array()).cloned().unwrap_or(json!([])),
        "version": next_snowflake().to_string(),
        "default_member_permissions": command.get("default_member_permissions").cloned().unwrap_or(Value::Null),
        "dm_permission": command.get("dm_permission").and_then(Value::as_bool).unwrap_or(true),
        "nsfw": command.get("nsfw").and_then(Value::as_bool).unwrap_or(false),
    });
    for key in [
        "name_localizations",
        "description_localizations",
        "contexts",
        "integration_types",
    ] {
        if let Some(value) = command.get(key) {
            registered[key] = value.clone();
        }
    }
    if let Some(guild_id) = guild_id {
        registered["guild_id"] = json!(guild_id.to_string());
    }
    registered
}

/// The Message Discord returns for a message the bot sent: built from the request's JSON.
fn sent_message(id: u64, channel_id: u64, request: &Value) -> Value {
    let content = text(request, "content");
    let mut message = base_message(id, channel_id, bot_user(), content);
    message["embeds"] = Value::Array(array(request, "embeds").iter().map(rich_embed).collect());
    message["components"] = Value::Array(array(request, "components").to_vec());
    if let Some(flags) = request.get("flags").filter(|f| f.is_u64()) {
        message["flags"] = flags.clone();
    }
    if let Some(reference) = request.get("message_reference").filter(|r| r.is_object()) {
        let mut reference = reference.clone();
        if reference.get("channel_id").is_none_or(Value::is_null) {
            reference["channel_id"] = json!(channel_id.to_string());
        }
        message["message_reference"] = reference;
        message["type"] = json!(19);
    }
    check_model::<serenity::model::channel::Message>("the answered message", &message);
    message
}

/// Discord marks embeds sent by bots as `rich`.
fn rich_embed(embed: &Value) -> Value {
    let mut embed = embed.clone();
    if embed.is_object() && embed.get("type").is_none() {
        embed["type"] = json!("rich");
    }
    embed
}

// ---------------------------------------------------------------------------------------------
// What Discord rejects (400), so a bot bug shows up in a test
// ---------------------------------------------------------------------------------------------

/// `{"code":50035,"message":"Invalid Form Body","errors":{..path..:{"_errors":[..]}}}`.
fn invalid_form(path: &str, code: &str, message: &str) -> Reply {
    let mut errors = json!({"_errors": [{"code": code, "message": message}]});
    for key in path.rsplit('.').filter(|key| !key.is_empty()) {
        errors = json!({ key: errors });
    }
    Reply::status(
        400,
        json!({"code": 50035, "message": "Invalid Form Body", "errors": errors}),
    )
}

fn too_long(path: &str, max: usize) -> Reply {
    invalid_form(
        path,
        "BASE_TYPE_MAX_LENGTH",
        &format!("Must be {max} or fewer in length."),
    )
}

/// The 400 Discord gives a message over its limits or, when `must_have_content`, with nothing
/// to show.
fn message_rejection(message: &Value, must_have_content: bool) -> Option<Reply> {
    let content = text(message, "content");
    if content.chars().count() > 2000 {
        return Some(too_long("content", 2000));
    }
    let embeds = array(message, "embeds");
    if embeds.len() > 10 {
        return Some(too_long("embeds", 10));
    }
    if let Some(rejection) = embeds.iter().enumerate().find_map(|(i, e)| embed_rejection(i, e)) {
        return Some(rejection);
    }
    if let Some(rejection) = components_rejection(array(message, "components")) {
        return Some(rejection);
    }
    let has_poll = message.get("poll").is_some_and(|p| !p.is_null());
    let is_empty = content.is_empty()
        && embeds.is_empty()
        && array(message, "components").is_empty()
        && array(message, "sticker_ids").is_empty()
        && !has_poll;
    (must_have_content && is_empty).then(|| {
        Reply::status(
            400,
            json!({"message": "Cannot send an empty message", "code": 50006}),
        )
    })
}

/// Discord's per-embed limits (title 256, description 4096, 25 fields, ..., 6000 in all).
fn embed_rejection(index: usize, embed: &Value) -> Option<Reply> {
    let length = |pointer: &str| chars_at(embed, pointer);
    let limits = [
        ("/title", "title", 256),
        ("/description", "description", 4096),
        ("/footer/text", "footer.text", 2048),
        ("/author/name", "author.name", 256),
    ];
    for (pointer, path, max) in limits {
        if length(pointer) > max {
            return Some(too_long(&format!("embeds.{index}.{path}"), max));
        }
    }
    let fields = array(embed, "fields");
    if fields.len() > 25 {
        return Some(too_long(&format!("embeds.{index}.fields"), 25));
    }
    let mut total: usize = limits.iter().map(|(pointer, _, _)| length(pointer)).sum();
    for (i, field) in fields.iter().enumerate() {
        let (name, value) = (chars_at(field, "/name"), chars_at(field, "/value"));
        if name > 256 || value > 1024 {
            let (part, max) = if name > 256 {
                ("name", 256)
            } else {
                ("value", 1024)
            };
            return Some(too_long(&format!("embeds.{index}.fields.{i}.{part}"), max));
        }
        total += name + value;
    }
    (total > 6000).then(|| {
        invalid_form(
            &format!("embeds.{index}"),
            "MAX_EMBED_SIZE_EXCEEDED",
            "Embed size exceeds maximum size of 6000",
        )
    })
}

/// At most 5 action rows of at most 5 components; `custom_id` at most 100 characters.
fn components_rejection(rows: &[Value]) -> Option<Reply> {
    if rows.len() > 5 {
        return Some(too_long("components", 5));
    }
    for (r, row) in rows.iter().enumerate() {
        let components = array(row, "components");
        if components.len() > 5 {
            return Some(too_long(&format!("components.{r}.components"), 5));
        }
        for (c, component) in components.iter().enumerate() {
            let custom_id = text(component, "custom_id");
            if custom_id.chars().count() > 100 {
                return Some(too_long(&format!("components.{r}.components.{c}.custom_id"), 100));
            }
        }
    }
    None
}

/// What Discord refuses in an interaction response: an unknown type, a bad message, more than
/// 25 autocomplete choices.
fn callback_rejection(response: &Value) -> Option<Reply> {
    const KNOWN_TYPES: [u64; 9] = [1, 4, 5, 6, 7, 8, 9, 10, 12];
    let kind = response.get("type").and_then(Value::as_u64);
    if !kind.is_some_and(|kind| KNOWN_TYPES.contains(&kind)) {
        return Some(invalid_form(
            "type",
            "BASE_TYPE_CHOICES",
            "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.",
        ));
    }
    let data = response.get("data").unwrap_or(&Value::Null);
    match kind {
        Some(4) => message_rejection(data, true),
        Some(7) => message_rejection(data, false),
        Some(8) if array(data, "choices").len() > 25 => Some(too_long("data.choices", 25)),
        _ => None,
    }
}

/// A command list Discord would refuse as a whole: bad names, missing descriptions, too many
/// options, optional options before required ones.
fn commands_rejection(commands: &[Value]) -> Option<Reply> {
    commands.iter().enumerate().find_map(|(i, command)| {
        let chat_input = command.get("type").and_then(Value::as_u64).unwrap_or(1) == 1;
        if chat_input {
            named_rejection(&i.to_string(), command)
        } else {
            let name = text(command, "name");
            (!(1..=32).contains(&name.chars().count())).then(|| {
                invalid_form(
                    &format!("{i}.name"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 32 in length.",
                )
            })
        }
    })
}

/// Checks a slash command or option (at `path`): its name, description and its own options.
fn named_rejection(path: &str, item: &Value) -> Option<Reply> {
    let name = text(item, "name");
    let name_ok = (1..=32).contains(&name.chars().count())
        && name.to_lowercase() == name
        && !name.chars().any(char::is_whitespace);
    if !name_ok {
        return Some(invalid_form(
            &format!("{path}.name"),
            "APPLICATION_COMMAND_INVALID_NAME",
            "Command name is invalid",
        ));
    }
    let description = text(item, "description");
    if !(1..=100).contains(&description.chars().count()) {
        return Some(invalid_form(
            &format!("{path}.description"),
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.",
        ));
    }
    let options = array(item, "options");
    if options.len() > 25 {
        return Some(too_long(&format!("{path}.options"), 25));
    }
    let required = |o: &Value| o.get("required").and_then(Value::as_bool).unwrap_or(false);
    if let Some(late) = options.iter().skip_while(|o| required(o)).position(required) {
        let index = options.iter().take_while(|o| required(o)).count() + late;
        return Some(invalid_form(
            &format!("{path}.options.{index}"),
            "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
            "Required options must be placed before non-required options",
        ));
    }
    options
        .iter()
        .enumerate()
        .find_map(|(j, option)| named_rejection(&format!("{path}.options.{j}"), option))
}

// ---------------------------------------------------------------------------------------------
// Gateway
// ---------------------------------------------------------------------------------------------

/// One connection's life: HELLO, then client frames and test requests until either side closes.
async fn run_gateway_connection(emulator: Emulator, mut socket: WebSocket) {
    let (outbox, mut inbox) = mpsc::unbounded_channel();
    let mut session = Session::open(&emulator, outbox);
    let hello = json!({"op": 10, "d": {"heartbeat_interval": emulator.inner.heartbeat_interval_ms}});
    let mut open = send_frame(&mut socket, &hello).await;
    while open {
        open = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(message)) => session.on_client_message(&emulator, &mut socket, message).await,
                Some(Err(error)) => {
                    log(format!("gateway connection {} failed: {error}", session.id));
                    false
                }
                None => false,
            },
            outbound = inbox.recv() => match outbound {
                Some(outbound) => session.on_outbound(&mut socket, outbound).await,
                None => false,
            },
        };
    }
    emulator.state().connections.remove(&session.id);
}

/// The connection task's own state.
struct Session {
    id: u64,
    identified: bool,
}

impl Session {
    fn open(emulator: &Emulator, outbox: mpsc::UnboundedSender<Outbound>) -> Session {
        let id = emulator.inner.next_connection_id.fetch_add(1, Ordering::SeqCst);
        let connection = Connection { outbox, ready: false };
        emulator.state().connections.insert(id, connection);
        Session {
            id,
            identified: false,
        }
    }

    /// Handles one frame from the bot; false once the connection should end.
    async fn on_client_message(
        &mut self,
        emulator: &Emulator,
        socket: &mut WebSocket,
        message: WsMessage,
    ) -> bool {
        let text = match message {
            WsMessage::Text(text) => text,
            WsMessage::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            WsMessage::Close(_) => return false,
            WsMessage::Ping(_) | WsMessage::Pong(_) => return true,
        };
        let frame: Value = match serde_json::from_str(&text) {
            Ok(frame) => frame,
            Err(error) => {
                log(format!(
                    "gateway connection {}: not JSON ({error}): {text:.200}",
                    self.id
                ));
                return true;
            }
        };
        emulator.state().gateway_frames.push(frame.clone());
        emulator.changed();
        match frame.get("op").and_then(Value::as_u64) {
            Some(1) if emulator.inner.acks_stopped.load(Ordering::SeqCst) => true,
            Some(1) => send_frame(socket, &json!({"op": 11})).await,
            Some(2) => {
                self.identify(emulator, socket, frame.get("d").cloned().unwrap_or_default())
                    .await
            }
            Some(6) => {
                self.resume(emulator, socket, frame.get("d").cloned().unwrap_or_default())
                    .await
            }
            _ => true, // presence updates, member requests, ...: recorded above, nothing to answer
        }
    }

    /// Records IDENTIFY and answers READY (sequence 1); the connection then gets dispatches.
    /// With [`Emulator::close_on_identify`] set, answers with that close code instead.
    async fn identify(&mut self, emulator: &Emulator, socket: &mut WebSocket, identify: Value) -> bool {
        let close_code = emulator.inner.identify_close_code.load(Ordering::SeqCst);
        if close_code != 0 {
            emulator.state().identifies.push(identify);
            emulator.changed();
            return self.on_outbound(socket, Outbound::Close(close_code)).await;
        }
        let shard = identify_shard(&identify);
        let session_id = format!("emulator-session-{}", self.id);
        let mut session = SessionLog {
            shard,
            serial: self.id,
            connection: Some(self.id),
            frames: Vec::new(),
        };
        let ready = session.push("READY", ready_payload(emulator, &session_id, shard));
        let after_ready: Vec<Value> = {
            let mut state = emulator.state();
            state.identifies.push(identify);
            let queued = std::mem::take(&mut state.after_ready);
            let frames = queued
                .into_iter()
                .map(|(event, data)| session.push(&event, data))
                .collect();
            state.sessions.insert(session_id, session);
            frames
        };
        for frame in std::iter::once(&ready).chain(&after_ready) {
            if !send_frame(socket, frame).await {
                return false;
            }
        }
        let first_identify = !std::mem::replace(&mut self.identified, true);
        self.mark_ready(emulator, |state| {
            if first_identify {
                state.identified_connections += 1;
            }
        });
        true
    }

    /// Answers RESUME of a session this emulator issued: the dispatches after the RESUME's
    /// sequence, then RESUMED. An unknown session gets INVALID_SESSION, as from Discord.
    async fn resume(&mut self, emulator: &Emulator, socket: &mut WebSocket, resume: Value) -> bool {
        let session_id = text(&resume, "session_id");
        let seen = resume.get("seq").and_then(Value::as_u64).unwrap_or(0);
        let frames = {
            let mut state = emulator.state();
            let Record {
                sessions,
                connections,
                resumed_connections,
                ..
            } = &mut *state;
            sessions.get_mut(session_id).map(|session| {
                // Taken over in one step: any later dispatch is numbered after the replay and
                // queued for this connection, none for the old one if it has not ended yet.
                let old = session.connection.replace(self.id);
                if let Some(old) = old.and_then(|id| connections.get_mut(&id)) {
                    old.ready = false;
                }
                if let Some(connection) = connections.get_mut(&self.id) {
                    connection.ready = true;
                }
                *resumed_connections += 1;
                let missed = session.frames.iter().filter(|frame| {
                    frame["s"].as_u64() > Some(seen) && !matches!(text(frame, "t"), "READY" | "RESUMED")
                });
                let mut frames: Vec<Value> = missed.cloned().collect();
                frames.push(session.push("RESUMED", json!({})));
                frames
            })
        };
        let Some(frames) = frames else {
            log(format!(
                "RESUME of unknown session {session_id:?}: answering INVALID_SESSION"
            ));
            return send_frame(socket, &json!({"op": 9, "d": false})).await;
        };
        for frame in &frames {
            if !send_frame(socket, frame).await {
                return false;
            }
        }
        emulator.changed();
        true
    }

    /// Lets dispatches reach this connection, and wakes whoever waits for it.
    fn mark_ready(&self, emulator: &Emulator, count: impl FnOnce(&mut Record)) {
        {
            let mut state = emulator.state();
            count(&mut state);
            if let Some(connection) = state.connections.get_mut(&self.id) {
                connection.ready = true;
            }
        }
        emulator.changed();
    }

    /// Sends what a test asked for; false once the connection should end.
    async fn on_outbound(&mut self, socket: &mut WebSocket, outbound: Outbound) -> bool {
        match outbound {
            Outbound::Raw(frame) => send_frame(socket, &frame).await,
            Outbound::Close(code) => {
                let frame = CloseFrame {
                    code,
                    reason: Cow::Borrowed(""),
                };
                let _ = socket.send(WsMessage::Close(Some(frame))).await;
                false
            }
            Outbound::Drop => false,
        }
    }
}

/// Sends one JSON text frame; false if the socket is gone.
async fn send_frame(socket: &mut WebSocket, frame: &Value) -> bool {
    socket.send(WsMessage::Text(frame.to_string())).await.is_ok()
}

/// `[shard_id, shard_count]` from an IDENTIFY, if it names one.
fn identify_shard(identify: &Value) -> Option<[u64; 2]> {
    match identify.get("shard")?.as_array()?.as_slice() {
        [id, total] => Some([id.as_u64()?, total.as_u64()?]),
        _ => None,
    }
}

fn ready_payload(emulator: &Emulator, session_id: &str, shard: Option<[u64; 2]>) -> Value {
    let mut ready = json!({
        "v": 10,
        "user": bot_user(),
        "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
        "session_id": session_id,
        "resume_gateway_url": emulator.ws_url(),
        "application": {"id": APPLICATION_ID.to_string(), "flags": 0},
    });
    if let Some(shard) = shard {
        ready["shard"] = json!(shard);
    }
    ready
}

// ---------------------------------------------------------------------------------------------
// Checking payloads against serenity's models
// ---------------------------------------------------------------------------------------------

/// Whether dispatches and the emulator's answers are checked against serenity's models. The
/// checks cost the emulator more CPU per message than the bot spends answering it, and the
/// dispatch check sits between the caller's clock and the gateway frame, so the load bench turns
/// them off (after checking a sample itself) with [`set_model_checks`]. On unless turned off.
static MODEL_CHECKS: AtomicBool = AtomicBool::new(true);

/// Turns the model checks on or off for every emulator in this process.
pub fn set_model_checks(on: bool) {
    MODEL_CHECKS.store(on, Ordering::Relaxed);
}

/// Whether serenity 0.12.5 would hand this dispatch to an event handler. `Err` says why not:
/// the serde error for MESSAGE_CREATE, INTERACTION_CREATE and READY, else a general note.
pub fn check_dispatch(event: &str, data: &Value) -> Result<(), String> {
    use serenity::model::event::{Event, GatewayEvent};
    let specific = match event {
        "MESSAGE_CREATE" => deserializes::<serenity::model::channel::Message>(data),
        "INTERACTION_CREATE" => deserializes::<serenity::model::application::Interaction>(data),
        "READY" => deserializes::<serenity::model::gateway::Ready>(data),
        _ => Ok(()),
    };
    specific?;
    let frame = json!({"op": 0, "s": 1, "t": event, "d": data});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => {
            Err("serenity reads it as Event::Unknown (unknown event, or a field missing or wrong)".into())
        }
        Ok(_) => Ok(()),
        Err(error) => Err(error.to_string()),
    }
}

fn deserializes<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(value.clone())
        .map(drop)
        .map_err(|error| error.to_string())
}

/// Logs when an answer the emulator built would fail serenity's deserialization (a bug here).
fn check_model<T: serde::de::DeserializeOwned>(what: &str, value: &Value) {
    if !MODEL_CHECKS.load(Ordering::Relaxed) {
        return;
    }
    if let Err(error) = deserializes::<T>(value) {
        log(format!("{what} does not deserialize in serenity: {error}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Payload builders: complete objects, as Discord sends them
// ---------------------------------------------------------------------------------------------

/// The bot's user object (READY, `GET /users/@me`, author of its messages).
pub fn bot_user() -> Value {
    json!({
        "id": BOT_USER_ID.to_string(),
        "username": "sarcoma-bot",
        "discriminator": "0000",
        "global_name": null,
        "avatar": null,
        "bot": true,
    })
}

/// A user object; the bot's own id gives [`bot_user`].
pub fn user(id: u64, bot: bool) -> Value {
    if id == BOT_USER_ID {
        return bot_user();
    }
    json!({
        "id": id.to_string(),
        "username": format!("user{id}"),
        "discriminator": "0",
        "global_name": format!("User {id}"),
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
    })
}

/// A MESSAGE_CREATE payload. Guild messages carry `guild_id` and `member`; `mentions_bot` puts
/// the bot in `mentions` (the caller writes `<@BOT_USER_ID>` into `content`).
pub fn message(
    id: u64,
    channel_id: u64,
    guild_id: Option<u64>,
    author_id: u64,
    author_bot: bool,
    content: &str,
    mentions_bot: bool,
) -> Value {
    let mut message = base_message(id, channel_id, user(author_id, author_bot), content);
    if mentions_bot {
        message["mentions"] = json!([bot_user()]);
    }
    if let Some(guild_id) = guild_id {
        message["guild_id"] = json!(guild_id.to_string());
        message["member"] = partial_member();
    }
    message
}

/// A slash-command INTERACTION_CREATE (type 2) in [`GUILD_ID`]. `options` is Discord's array,
/// e.g. `json!([{"name": "number", "type": 4, "value": 4}])`; `null` means none.
pub fn command_interaction(id: u64, channel_id: u64, user_id: u64, name: &str, options: Value) -> Value {
    let options = if options.is_null() { json!([]) } else { options };
    let data = json!({
        "id": command_id(name).to_string(),
        "name": name,
        "type": 1,
        "options": options,
        "guild_id": GUILD_ID.to_string(),
    });
    interaction(id, 2, channel_id, user_id, data)
}

/// An autocomplete INTERACTION_CREATE (type 4): the member is typing `typed` into the string
/// option `option` of command `name`.
pub fn autocomplete_interaction(
    id: u64,
    channel_id: u64,
    user_id: u64,
    name: &str,
    option: &str,
    typed: &str,
) -> Value {
    let options = json!([{"name": option, "type": 3, "value": typed, "focused": true}]);
    let mut interaction = command_interaction(id, channel_id, user_id, name, options);
    interaction["type"] = json!(4);
    interaction
}

/// A button click INTERACTION_CREATE (type 3) on a bot message that has that button.
pub fn component_interaction(id: u64, channel_id: u64, user_id: u64, custom_id: &str) -> Value {
    let data = json!({"custom_id": custom_id, "component_type": 2});
    let mut interaction = interaction(id, 3, channel_id, user_id, data);
    let button = json!({"type": 2, "style": 1, "label": "Button", "custom_id": custom_id});
    let mut message = base_message(id.saturating_sub(1).max(1), channel_id, bot_user(), "");
    message["components"] = json!([{"type": 1, "components": [button]}]);
    message["application_id"] = json!(APPLICATION_ID.to_string());
    interaction["message"] = message;
    interaction
}

/// Sets the invoking member's permissions (as Discord computes them for the channel).
pub fn with_member_permissions(mut interaction: Value, permissions: u64) -> Value {
    if let Some(member) = interaction.get_mut("member").and_then(Value::as_object_mut) {
        member.insert("permissions".to_owned(), json!(permissions.to_string()));
    }
    interaction
}

/// The id of a registered command, the same in registration answers and in interactions, so a
/// test can match them. (A stable hash of the name inside the snowflake range.)
pub fn command_id(name: &str) -> u64 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    910_000_000_000_000_000 + hash % 1_000_000_000_000_000
}

/// Every field serenity's `Message` requires, for a message without guild or member.
fn base_message(id: u64, channel_id: u64, author: Value, content: &str) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": author,
        "content": content,
        "timestamp": now_timestamp(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    })
}

/// The `member` of a guild MESSAGE_CREATE (no `user`: that is the message's `author`).
fn partial_member() -> Value {
    json!({
        "roles": [],
        "joined_at": "2025-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "nick": null,
        "avatar": null,
        "deaf": false,
        "mute": false,
        "pending": false,
        "flags": 0,
    })
}

/// The `member` of a guild interaction: the partial member plus the user and permissions.
fn interaction_member(user_id: u64) -> Value {
    let mut member = partial_member();
    member["user"] = user(user_id, false);
    member["permissions"] = json!("0");
    member
}

/// Fields every interaction type shares; invoked in [`GUILD_ID`] by a member.
fn interaction(id: u64, kind: u8, channel_id: u64, user_id: u64, data: Value) -> Value {
    json!({
        "id": id.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "data": data,
        "guild_id": GUILD_ID.to_string(),
        "channel_id": channel_id.to_string(),
        "member": interaction_member(user_id),
        "token": format!("tok-{id}"),
        "version": 1,
        "app_permissions": BOT_CHANNEL_PERMISSIONS.to_string(),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    })
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

fn log(message: impl std::fmt::Display) {
    eprintln!("[discord emulator] {message}");
}

/// `value[key]` as text; empty when missing or not a string.
fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The length in characters of the string at JSON `pointer`; 0 when there is none.
fn chars_at(value: &Value, pointer: &str) -> usize {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map_or(0, |s| s.chars().count())
}

/// `value[key]` as a slice; empty when missing or not an array.
fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn parse_snowflake(text: &str) -> Option<u64> {
    text.parse().ok().filter(|&id| id != 0)
}

/// A snowflake sent as a string (Discord's way) or a number.
fn snowflake_value(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(parse_snowflake))
}

fn parse_body(text: &str) -> Value {
    if text.is_empty() {
        return Value::Null;
    }
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(header_text)
}

fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), header_text(value)))
        .collect()
}

fn header_text(value: &header::HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}

/// The `payload_json` part of a multipart body (how serenity sends a message with files).
fn multipart_payload_json(body: &str) -> Option<Value> {
    let part = &body[body.find("name=\"payload_json\"")?..];
    let content = &part[part.find("\r\n\r\n")? + 4..];
    let end = content.find("\r\n--").unwrap_or(content.len());
    serde_json::from_str(&content[..end]).ok()
}

/// A new snowflake for the current time, strictly greater than every earlier one.
fn next_snowflake() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let candidate = now_unix_ms().saturating_sub(DISCORD_EPOCH_MS) << 22;
    let previous = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(candidate.max(last + 1))
        })
        .unwrap_or_default();
    candidate.max(previous + 1)
}

fn now_unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The current time as an RFC 3339 timestamp, like Discord's: serenity's own type writes it,
/// so it is sure to parse back.
fn now_timestamp() -> String {
    serenity::model::Timestamp::now().to_string()
}
