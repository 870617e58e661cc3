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

use serenity::all::{ClientBuilder, GatewayIntents, Http, HttpBuilder, Permissions};
use tracing::{info, warn};

use crate::answer::Answerer;
use crate::config::{Config, Shards};
use crate::reload::{Live, Trigger};
use handler::Bot;
use lifecycle::{InFlight, Status};

/// Discord's real API; any other base is a proxy or an emulator.
const DISCORD: &str = "https://discord.com";

#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error(
        "no Discord bot token: set the environment variable DISCORD_TOKEN, or name a file that holds \
         it with `token_file` under [discord] in the config"
    )]
    MissingToken,
    #[error("cannot read the token file {path}: {source}")]
    TokenFile { path: PathBuf, source: std::io::Error },
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
    #[error("cannot serve the health check on {addr}: {source}")]
    Health {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("Discord: {0}")]
    Client(String),
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
    let text = std::fs::read_to_string(&path).map_err(|source| DiscordError::TokenFile {
        path: path.clone(),
        source,
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
        serenity::Error::Http(_) => "HTTP request failed".to_owned(),
        other => other.to_string(),
    }
}

/// How long a shutdown waits for replies already on their way: longer than a channel
/// message's retry budget, and inside Docker's default 10 s between SIGTERM and SIGKILL.
const DRAIN: Duration = Duration::from_secs(9);

/// Connects to Discord and answers until SIGINT or SIGTERM, reloading the knowledge on
/// SIGHUP, on `/reload` and when the knowledge folder changes.
pub async fn serve(config: &Config, answerer: Answerer) -> Result<(), DiscordError> {
    let http = http(config)?;
    let (first, last, total) = match config.discord.shards() {
        Shards::Range { first, last, total } => (first, last, total),
        Shards::Auto => match http.get_bot_gateway().await {
            Ok(gateway) => {
                let recommended = gateway.shards.max(1);
                (0, recommended - 1, recommended)
            }
            Err(e) => match DiscordError::from_client(&e) {
                DiscordError::BadToken => return Err(DiscordError::BadToken),
                other => {
                    // A proxy may not offer /gateway/bot; one shard serves up to 2,500 guilds.
                    warn!(error = %other, "no recommended shard count; running one shard");
                    (0, 0, 1)
                }
            },
        },
    };
    info!(first, last, total, "running shards {first} to {last} of {total}");

    let live = Arc::new(Live::new(answerer, config.knowledge_dir()));
    let status = Arc::new(Status::new((last - first + 1) as usize));
    let in_flight = Arc::new(InFlight::default());
    if let Some(addr) = config.health.listen {
        let listener = health::bind(addr)
            .await
            .map_err(|source| DiscordError::Health { addr, source })?;
        tokio::spawn(health::serve(listener, Arc::clone(&status), Arc::clone(&live)));
    }
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
    let bot = Bot::new(config, live, outbox, Arc::clone(&status), Arc::clone(&in_flight));
    let mut client = ClientBuilder::new_with_http(http, intents)
        .event_handler(bot)
        .await
        .map_err(|e| DiscordError::from_client(&e))?;
    let manager = client.shard_manager.clone();
    let stopping = Arc::clone(&status);
    tokio::spawn(async move {
        lifecycle::stop_requested().await;
        info!("shutting down");
        stopping.set_stopping();
        manager.shutdown_all().await;
    });
    // serenity numbers the end of a shard range as the last shard included.
    let result = client.start_shard_range(first..last, total).await;
    client.shard_manager.shutdown_all().await;
    let pending = in_flight.len();
    if pending > 0 {
        info!(pending, "finishing replies in flight");
    }
    if !in_flight.drained(DRAIN).await {
        warn!(pending = in_flight.len(), "stopped with replies still in flight");
    }
    result.map_err(|e| DiscordError::from_client(&e))
}

/// serenity's HTTP client for the configured token and API base.
fn http(config: &Config) -> Result<Http, DiscordError> {
    let token = token(config)?;
    let mut http = HttpBuilder::new(&token);
    if let Some(base) = api_base(config)? {
        // serenity applies a proxy only with its own rate limiter off; the proxy owns limits.
        info!(api_base = %base, "using another Discord API base; serenity's rate limiter is off");
        http = http.proxy(base).ratelimiter_disabled(true);
    }
    Ok(http.build())
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
        .get_current_application_info()
        .await
        .map_err(|e| DiscordError::from_client(&e))?;
    Ok(info.id.get())
}
