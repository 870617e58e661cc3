//! The Discord front end: a serenity gateway client that answers slash commands, mentions,
//! direct messages and listened channels from the answering core.
//!
//! Nothing here decides what to say; it decides when to speak, where, to whom, and how the
//! reply is laid out. No member's message text is logged: logs carry the matched id, the
//! score, the latency and the outcome.

mod commands;
mod cooldown;
mod handler;
mod health;
mod lifecycle;
mod render;
mod send;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serenity::all::{ClientBuilder, GatewayIntents, Http, HttpBuilder, Permissions, UserId};
use tracing::{info, warn};

use crate::answer::Answerer;
use crate::config::{Config, Shards};
use crate::reload::{Live, Trigger};
use handler::Bot;
use lifecycle::{InFlight, Status, Stop};

/// Discord's real API; any other base is a proxy or an emulator.
const DISCORD: &str = "https://discord.com";

#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error(
        "no Discord bot token: set the environment variable DISCORD_TOKEN, or name a file that holds \
         it with `token_file` under [discord] in the config"
    )]
    MissingToken,
    /// The I/O error is in the message and not a `source`, so that it is printed once.
    #[error("cannot read the token file {path}: {error}")]
    TokenFile { path: PathBuf, error: std::io::Error },
    #[error("the token file {path} is empty")]
    EmptyToken { path: PathBuf },
    #[error(
        "the Discord API base {0:?} (DISCORD_API_BASE or [discord] api_base) must start with http:// or https://"
    )]
    BadApiBase(String),
    #[error(
        "Discord refused the bot token (HTTP 401, or gateway close code 4004: authentication failed). \
         Set DISCORD_TOKEN (or the file named by `token_file`) to the token on the Bot page of the Discord \
         Developer Portal; a refused token is not tried again"
    )]
    BadToken,
    #[error(
        "Discord refused the Message Content intent (gateway close code 4014). `listen_channels` \
         needs it: switch on \"Message Content Intent\" on the Bot page of the Discord Developer \
         Portal, or empty `listen_channels` under [discord]; slash commands, mentions and direct \
         messages work without it"
    )]
    DisallowedIntents,
    #[error("cannot serve the health check on {addr}: {error}")]
    Health {
        addr: std::net::SocketAddr,
        error: std::io::Error,
    },
    #[error(
        "cannot reach the Discord API at {url} ({error}); gave up after {seconds} s \
         (connect_timeout_seconds under [discord]). Check the network, or DISCORD_API_BASE \
         and [discord] api_base"
    )]
    Unreachable {
        url: String,
        error: String,
        seconds: u64,
    },
    #[error("Discord: {0}")]
    Client(String),
}

impl DiscordError {
    /// The process exit code: 3 when the API base could not be reached (worth restarting
    /// later), 2 when the bot cannot run as configured (a restart without a fix is pointless).
    pub fn exit_code(&self) -> u8 {
        match self {
            DiscordError::Unreachable { .. } => 3,
            _ => 2,
        }
    }
}

impl DiscordError {
    /// Names the fatal gateway errors in words an operator can act on.
    fn from_client(e: &serenity::Error) -> DiscordError {
        use serenity::gateway::GatewayError;
        match e {
            serenity::Error::Gateway(GatewayError::InvalidAuthentication) => DiscordError::BadToken,
            serenity::Error::Gateway(
                GatewayError::DisallowedGatewayIntents | GatewayError::InvalidGatewayIntents,
            ) => DiscordError::DisallowedIntents,
            serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r))
                if r.status_code.as_u16() == 401 =>
            {
                DiscordError::BadToken
            }
            other => DiscordError::Client(describe(other)),
        }
    }
}

/// The bot token: `DISCORD_TOKEN`, else the first line of `token_file`. Never logged.
fn token(config: &Config) -> Result<String, DiscordError> {
    if let Ok(t) = std::env::var("DISCORD_TOKEN")
        && !t.trim().is_empty()
    {
        return Ok(t.trim().to_owned());
    }
    let path = config.token_file().ok_or(DiscordError::MissingToken)?;
    let text = std::fs::read_to_string(&path).map_err(|error| DiscordError::TokenFile {
        path: path.clone(),
        error,
    })?;
    match text.lines().next().map(str::trim) {
        Some(t) if !t.is_empty() => Ok(t.to_owned()),
        _ => Err(DiscordError::EmptyToken { path }),
    }
}

/// Another API base than Discord's, if `DISCORD_API_BASE` or the config names one.
fn api_base(config: &Config) -> Result<Option<String>, DiscordError> {
    let from_env = std::env::var("DISCORD_API_BASE")
        .ok()
        .filter(|b| !b.trim().is_empty());
    let base = from_env.unwrap_or_else(|| config.discord.api_base.clone());
    let base = base.trim().trim_end_matches('/').to_owned();
    if base.is_empty() || base == DISCORD {
        return Ok(None);
    }
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(DiscordError::BadApiBase(base));
    }
    Ok(Some(base))
}

/// A serenity error worth logging, without the request URL: interaction URLs carry tokens.
fn describe(e: &serenity::Error) -> String {
    match e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            format!("HTTP {} ({})", r.status_code.as_u16(), r.error.message)
        }
        serenity::Error::Http(serenity::http::HttpError::Request(e)) => send::without_url(e),
        serenity::Error::Http(_) => "HTTP request failed".to_owned(),
        other => other.to_string(),
    }
}

/// How long a shutdown waits for replies already on their way: longer than a channel
/// message's retry budget, and inside Docker's default 10 s between SIGTERM and SIGKILL.
const DRAIN: Duration = Duration::from_secs(9);

/// How long a shutdown waits for the gateway connections to close, alongside the drain:
/// serenity waits up to 5 s a shard for a shard that is busy reconnecting.
const GATEWAY_CLOSE: Duration = Duration::from_secs(2);

/// The longest wait between two start-up attempts to reach the API base.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What the bot learns from the API base before it opens the gateway.
struct Reached {
    /// The bot's own user: known before any message arrives, so no mention is missed.
    me: UserId,
    url: String,
    /// The shard count Discord recommends, if the base offers `/gateway/bot`.
    recommended: Option<u32>,
}

/// Why one attempt to reach the API base failed.
enum Attempt {
    /// Discord answered in a way no retry changes (a refused token).
    Fatal(DiscordError),
    /// No usable answer from `url`; worth another try.
    Retry { url: String, error: String },
}

/// Asks the API base who the bot is and where its gateway is. Only the configured base is
/// asked: serenity's own fallback to Discord's public gateway is never used.
async fn reach_once(http: &Http, base: &str, auto: bool) -> Result<Reached, Attempt> {
    let failed = |path: &str, e: &serenity::Error| match DiscordError::from_client(e) {
        DiscordError::BadToken => Attempt::Fatal(DiscordError::BadToken),
        _ => Attempt::Retry {
            url: format!("{base}/api/v10{path}"),
            error: describe(e),
        },
    };
    let me = http
        .get_current_user()
        .await
        .map_err(|e| failed("/users/@me", &e))?
        .id;
    if auto {
        match http.get_bot_gateway().await {
            Ok(gateway) => {
                return Ok(Reached {
                    me,
                    url: gateway.url,
                    recommended: Some(gateway.shards),
                });
            }
            // The base answered, but does not offer /gateway/bot (some proxies): one shard
            // serves up to 2,500 guilds. A refused token or a server error is not that.
            Err(e) if not_offered(&e) => {
                warn!(error = %describe(&e), "no recommended shard count; running one shard");
            }
            Err(e) => return Err(failed("/gateway/bot", &e)),
        }
    }
    let gateway = http.get_gateway().await.map_err(|e| failed("/gateway", &e))?;
    Ok(Reached {
        me,
        url: gateway.url,
        recommended: None,
    })
}

/// Whether the base answered a request with "no such route" rather than a failure.
fn not_offered(e: &serenity::Error) -> bool {
    match e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            r.status_code.is_client_error() && ![401, 429].contains(&r.status_code.as_u16())
        }
        _ => false,
    }
}

/// [`reach_once`] until it works, backing off between attempts; gives up after `budget`.
async fn reach(
    http: &Http,
    base: &str,
    auto: bool,
    status: &Status,
    budget: Duration,
) -> Result<Reached, DiscordError> {
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_secs(1);
    loop {
        match reach_once(http, base, auto).await {
            Ok(reached) => {
                status.set_unreachable(None);
                return Ok(reached);
            }
            Err(Attempt::Fatal(e)) => return Err(e),
            Err(Attempt::Retry { url, error }) => {
                let waited = started.elapsed();
                if waited >= budget {
                    return Err(DiscordError::Unreachable {
                        url,
                        error,
                        seconds: waited.as_secs(),
                    });
                }
                warn!(
                    url = %url,
                    error = %error,
                    retry_in_seconds = wait.min(budget - waited).as_secs_f32(),
                    "cannot reach the Discord API; retrying"
                );
                status.set_unreachable(Some(format!("GET {url}: {error}")));
                // The last wait ends at the bound, for one last attempt there.
                tokio::time::sleep(wait.min(budget - waited)).await;
                wait = (wait * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Connects to Discord and answers until SIGINT or SIGTERM, reloading the knowledge on
/// SIGHUP, on `/reload` and when the knowledge folder changes. A stop is honoured at every
/// stage: while the API base is being reached, while the gateway connects or reconnects,
/// and while answering; replies already on their way are finished first.
pub async fn serve(config: &Config, answerer: Answerer) -> Result<(), DiscordError> {
    let stop = Stop::on_signals();
    let (http, base) = http(config)?;
    let live = Arc::new(Live::new(answerer, config.knowledge_dir()));
    let status = Arc::new(Status::new(0));
    let in_flight = Arc::new(InFlight::default());
    if let Some(addr) = config.health.listen {
        let listener = health::bind(addr)
            .await
            .map_err(|error| DiscordError::Health { addr, error })?;
        tokio::spawn(health::serve(listener, Arc::clone(&status), Arc::clone(&live)));
    }

    let shards = config.discord.shards();
    let budget = Duration::from_secs(config.discord.connect_timeout_seconds);
    let reached = tokio::select! {
        reached = reach(&http, &base, shards == Shards::Auto, &status, budget) => reached?,
        () = stop.requested() => {
            info!("stopped before connecting");
            return Ok(());
        }
    };
    let (first, last, total) = match shards {
        Shards::Range { first, last, total } => (first, last, total),
        Shards::Auto => {
            let recommended = reached.recommended.unwrap_or(1).max(1);
            (0, recommended - 1, recommended)
        }
    };
    info!(first, last, total, "running shards {first} to {last} of {total}");
    status.set_expected((last - first + 1) as usize);

    tokio::spawn(Arc::clone(&live).watch());
    let on_hup = Arc::clone(&live);
    tokio::spawn(async move {
        lifecycle::on_hangup(|| async {
            let _ = on_hup.reload(Trigger::Signal).await;
        })
        .await
    });

    let mut intents = GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if !config.discord.listen_channels.is_empty() {
        // Privileged; only asked for when there are channels to listen to.
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    let outbox =
        send::Outbox::new().map_err(|e| DiscordError::Client(format!("cannot set up HTTPS: {e}")))?;
    let bot = Bot::start(
        config,
        reached.me,
        live,
        outbox,
        Arc::clone(&status),
        Arc::clone(&in_flight),
    );
    let built = tokio::select! {
        built = ClientBuilder::new_with_http(http, intents).event_handler(bot) => built,
        () = stop.requested() => {
            info!("stopped before connecting");
            return Ok(());
        }
    };
    let mut client = built.map_err(|e| DiscordError::from_client(&e))?;
    // serenity asks for the gateway URL again and, if that fails, falls back to Discord's
    // public gateway; the URL the configured base gave is the one to use.
    *client.ws_url.lock().await = reached.url;
    let manager = client.shard_manager.clone();
    // serenity numbers the end of a shard range as the last shard included.
    let ended = tokio::select! {
        result = client.start_shard_range(first..last, total) => Some(result),
        () = stop.requested() => None,
    };
    if ended.is_none() {
        info!("shutting down");
    }
    status.set_stopping();
    let pending = in_flight.len();
    if pending > 0 {
        info!(pending, "finishing replies in flight");
    }
    // A shard that is connecting or reconnecting may not close at once; the replies do not
    // need the gateway, so both happen together, each with its own bound.
    let (_, drained) = tokio::join!(
        tokio::time::timeout(GATEWAY_CLOSE, manager.shutdown_all()),
        in_flight.drained(DRAIN)
    );
    if !drained {
        warn!(pending = in_flight.len(), "stopped with replies still in flight");
    }
    match ended {
        Some(result) => result.map_err(|e| DiscordError::from_client(&e)),
        None => Ok(()),
    }
}

/// serenity's HTTP client for the configured token and API base, and that base.
fn http(config: &Config) -> Result<(Http, String), DiscordError> {
    let token = token(config)?;
    let mut http = HttpBuilder::new(&token);
    let base = api_base(config)?;
    if let Some(base) = &base {
        // serenity applies a proxy only with its own rate limiter off; the proxy owns limits.
        info!(api_base = %base, "using another Discord API base; serenity's rate limiter is off");
        http = http.proxy(base).ratelimiter_disabled(true);
    }
    Ok((http.build(), base.unwrap_or_else(|| DISCORD.to_owned())))
}

/// What the bot needs in a channel: see it, read the question it replies to, answer with an
/// embed, in threads too. Nothing more: no moderation rights, no mention of everyone.
pub fn permissions() -> Permissions {
    Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::SEND_MESSAGES_IN_THREADS
        | Permissions::EMBED_LINKS
        | Permissions::READ_MESSAGE_HISTORY
}

/// The link a server admin opens to add the bot: the `bot` and `applications.commands`
/// scopes with [`permissions`].
pub fn invite_url(application_id: u64) -> String {
    format!(
        "{DISCORD}/oauth2/authorize?client_id={application_id}&scope=bot%20applications.commands&permissions={}",
        permissions().bits()
    )
}

/// The bot's application id, asked of Discord with the configured token.
pub async fn application_id(config: &Config) -> Result<u64, DiscordError> {
    let info = http(config)?
        .0
        .get_current_application_info()
        .await
        .map_err(|e| DiscordError::from_client(&e))?;
    Ok(info.id.get())
}
