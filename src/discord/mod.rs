//! The Discord front end: a serenity gateway client that answers slash commands, mentions,
//! direct messages and listened channels from the answering core.
//!
//! Nothing here decides what to say; it decides when to speak, where, to whom, and how the
//! reply is laid out. No member's message text is logged: logs carry the matched id, the
//! score, the latency and the outcome.

mod commands;
mod render;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serenity::all::{
    ChannelId, ClientBuilder, Command, CommandInteraction, ComponentInteraction, Context,
    CreateAllowedMentions, CreateAutocompleteResponse, CreateInteractionResponse, CreateMessage,
    EventHandler, GatewayIntents, GuildId, HttpBuilder, Interaction, Message, Ready, UserId,
};
use tracing::{info, warn};

use crate::answer::Answerer;
use crate::config::Config;
use crate::knowledge::EntryId;
use crate::matcher::Intent;
use render::Card;

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
        "Discord refused the bot token (gateway close code 4004, authentication failed). Set \
         DISCORD_TOKEN (or the file named by `token_file`) to the token on the Bot page of the Discord \
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

/// Connects to Discord and answers until SIGINT or SIGTERM.
pub async fn serve(config: &Config, answerer: Answerer) -> Result<(), DiscordError> {
    let token = token(config)?;
    let mut http = HttpBuilder::new(&token);
    if let Some(base) = api_base(config)? {
        // serenity applies a proxy only with its own rate limiter off; the proxy owns limits.
        info!(api_base = %base, "using another Discord API base; serenity's rate limiter is off");
        http = http.proxy(base).ratelimiter_disabled(true);
    }
    let mut intents = GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if !config.discord.listen_channels.is_empty() {
        // Privileged; only asked for when there are channels to listen to.
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    let bot = Bot::new(config, answerer);
    let mut client = ClientBuilder::new_with_http(http.build(), intents)
        .event_handler(bot)
        .await
        .map_err(|e| DiscordError::Client(describe(&e)))?;
    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        info!("shutting down");
        shards.shutdown_all().await;
    });
    client.start().await.map_err(|e| DiscordError::from_client(&e))
}

async fn shutdown_signal() {
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

/// Questions a member may ask in a row before the cooldown applies: people often ask a
/// follow-up at once, and that is not flooding.
const BURST: f64 = 3.0;

/// A per-member limit on replies others can see (channel replies, public slash replies):
/// a burst of [`BURST`], then one per period. Private replies (DMs, ephemeral) flood no one
/// and are not limited; safety replies are never held back.
struct Cooldown {
    period: Duration,
    /// Each member's remaining allowance and when it was last topped up.
    allowance: Mutex<HashMap<UserId, (f64, Instant)>>,
}

impl Cooldown {
    fn new(period: Duration) -> Cooldown {
        Cooldown {
            period,
            allowance: Mutex::new(HashMap::new()),
        }
    }

    /// Checks only replies that others will see.
    fn check_if(&self, public: bool, user: UserId) -> Result<(), Duration> {
        if public { self.check(user) } else { Ok(()) }
    }

    /// Ok when the member may ask now (and spends one question), else the time to wait.
    fn check(&self, user: UserId) -> Result<(), Duration> {
        if self.period.is_zero() {
            return Ok(());
        }
        let now = Instant::now();
        let period = self.period.as_secs_f64();
        let mut allowance = self
            .allowance
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if allowance.len() > 10_000 {
            allowance.retain(|_, (_, at)| now.duration_since(*at).as_secs_f64() < period * BURST);
        }
        let (left, at) = allowance.entry(user).or_insert((BURST, now));
        *left = (*left + now.duration_since(*at).as_secs_f64() / period).min(BURST);
        *at = now;
        if *left >= 1.0 {
            *left -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *left) * period))
        }
    }
}

fn cooldown_note(wait: Duration) -> Card {
    let seconds = wait.as_secs().max(1);
    render::note(&format!(
        "Thanks for your patience: I can take your next question in {seconds} second{}.",
        if seconds == 1 { "" } else { "s" }
    ))
}

struct Bot {
    answerer: Arc<Answerer>,
    guilds: Vec<GuildId>,
    listen: HashSet<ChannelId>,
    ephemeral: bool,
    alert_channel: Option<ChannelId>,
    cooldown: Cooldown,
    me: OnceLock<UserId>,
}

/// Where a message reached the bot, for logs and for whether a no-match deserves a reply.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Source {
    Direct,
    Mention,
    Listened,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Direct => "dm",
            Source::Mention => "mention",
            Source::Listened => "channel",
        }
    }
}

/// Mentions, channel links, custom emoji and timestamps are markup, not words.
fn strip_markup(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('>').filter(|&e| {
            let inner = &tail[1..e];
            ["@", "#", ":", "a:", "t:", "/"]
                .iter()
                .any(|p| inner.starts_with(p))
                && !inner.contains(char::is_whitespace)
        });
        match end {
            Some(e) => {
                out.push(' ');
                rest = &tail[e + 1..];
            }
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_safety(intent: &Option<Intent>) -> bool {
    matches!(intent, Some(Intent::Crisis | Intent::Emergency))
}

fn intent_id(intent: &Option<Intent>) -> &str {
    intent.as_ref().map_or("none", Intent::id)
}

impl Bot {
    fn new(config: &Config, answerer: Answerer) -> Bot {
        let d = &config.discord;
        Bot {
            answerer: Arc::new(answerer),
            guilds: d.guild_ids.iter().map(|g| GuildId::new(g.0)).collect(),
            listen: d.listen_channels.iter().map(|c| ChannelId::new(c.0)).collect(),
            ephemeral: d.ephemeral,
            alert_channel: config.safety.alert_channel.map(|c| ChannelId::new(c.0)),
            cooldown: Cooldown::new(Duration::from_secs(d.cooldown_seconds)),
            me: OnceLock::new(),
        }
    }

    async fn register_commands(&self, ctx: &Context) {
        let definitions = commands::definitions();
        if self.guilds.is_empty() {
            match Command::set_global_commands(&ctx.http, definitions).await {
                Ok(c) => info!(count = c.len(), "registered global slash commands"),
                Err(e) => warn!(error = %describe(&e), "could not register global slash commands"),
            }
            return;
        }
        for guild in &self.guilds {
            match guild.set_commands(&ctx.http, definitions.clone()).await {
                Ok(c) => info!(guild = %guild, count = c.len(), "registered slash commands"),
                Err(e) => warn!(guild = %guild, error = %describe(&e), "could not register slash commands"),
            }
        }
    }

    async fn on_message(&self, ctx: &Context, msg: &Message) {
        if msg.author.bot {
            return;
        }
        let Some(me) = self.me.get() else { return };
        let source = if msg.guild_id.is_none() {
            Source::Direct
        } else if msg.mentions.iter().any(|u| u.id == *me)
            || msg.content.contains(&format!("<@{me}>"))
            || msg.content.contains(&format!("<@!{me}>"))
        {
            Source::Mention
        } else if self.listen.contains(&msg.channel_id) {
            Source::Listened
        } else {
            return;
        };
        let started = Instant::now();
        let answer = self.answerer.ask(&strip_markup(&msg.content));
        let intent = answer.matched.intent.clone();
        let safety = is_safety(&intent);
        if source == Source::Listened && intent.is_none() {
            // In a listened channel, only a confident answer is worth interrupting for.
            info!(source = source.name(), outcome = "not answered", score = %format_args!("{:.2}", answer.matched.score), "message");
            return;
        }
        let public = source != Source::Direct;
        let card = match (safety || !public, self.cooldown.check_if(public, msg.author.id)) {
            (false, Err(wait)) => {
                info!(source = source.name(), outcome = "cooldown", "message");
                cooldown_note(wait)
            }
            _ => render::card(&answer.reply),
        };
        let sent = msg
            .channel_id
            .send_message(&ctx.http, card.message().reference_message(msg))
            .await;
        let micros = started.elapsed().as_micros() as u64;
        match sent {
            Ok(_) => {
                info!(source = source.name(), intent = intent_id(&intent), score = %format_args!("{:.2}", answer.matched.score), micros, outcome = "answered", "message")
            }
            Err(e) => {
                warn!(source = source.name(), intent = intent_id(&intent), error = %describe(&e), outcome = "send failed", "message")
            }
        }
        if safety {
            let place = match msg.guild_id {
                Some(_) => format!("Message: {}", msg.link()),
                None => format!("In a direct message with the bot, from <@{}>.", msg.author.id),
            };
            self.alert(ctx, &intent, &place).await;
        }
    }

    /// A short notice to the moderators' channel: what kind, where, no quote.
    async fn alert(&self, ctx: &Context, intent: &Option<Intent>, place: &str) {
        let Some(channel) = self.alert_channel else { return };
        let kind = match intent {
            Some(Intent::Crisis) => "thoughts of suicide or self-harm",
            _ => "a possible medical emergency",
        };
        let text = format!(
            "A member may need support ({kind}). They were shown the safety reply with crisis and emergency numbers. {place}"
        );
        let notice = CreateMessage::new()
            .content(render::clip(&text, render::limits::CONTENT))
            .allowed_mentions(CreateAllowedMentions::new());
        match channel.send_message(&ctx.http, notice).await {
            Ok(_) => info!(
                intent = intent_id(intent),
                outcome = "moderators alerted",
                "safety"
            ),
            Err(e) => warn!(error = %describe(&e), outcome = "alert failed", "safety"),
        }
    }

    async fn on_command(&self, ctx: &Context, command: &CommandInteraction) {
        let started = Instant::now();
        let request = commands::parse(command);
        let (card, intent) = commands::respond(&self.answerer, &request);
        let safety = is_safety(&intent);
        let ephemeral = safety || self.ephemeral;
        let card = match (safety, self.cooldown.check_if(!ephemeral, command.user.id)) {
            (false, Err(wait)) => cooldown_note(wait),
            _ => card,
        };
        let response = CreateInteractionResponse::Message(card.interaction(ephemeral));
        match command.create_response(&ctx.http, response).await {
            Ok(()) => info!(
                command = %command.data.name,
                intent = intent_id(&intent),
                micros = started.elapsed().as_micros() as u64,
                outcome = "answered",
                "command"
            ),
            Err(e) => {
                warn!(command = %command.data.name, error = %describe(&e), outcome = "send failed", "command")
            }
        }
        if safety {
            let place = format!(
                "Via /{} in <#{}>, from <@{}>.",
                command.data.name, command.channel_id, command.user.id
            );
            self.alert(ctx, &intent, &place).await;
        }
    }

    async fn on_autocomplete(&self, ctx: &Context, command: &CommandInteraction) {
        let Some(catalogue) = commands::Catalogue::for_command(&command.data.name) else {
            warn!(command = %command.data.name, "autocomplete for a command without it");
            return;
        };
        let typed = command.data.autocomplete().map_or("", |o| o.value);
        let choices = commands::autocomplete_choices(commands::choices(&self.answerer, catalogue, typed));
        let count = choices.len();
        let response =
            CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new().set_choices(choices));
        match command.create_response(&ctx.http, response).await {
            Ok(()) => info!(command = %command.data.name, choices = count, "autocomplete"),
            Err(e) => warn!(command = %command.data.name, error = %describe(&e), "autocomplete failed"),
        }
    }

    async fn on_button(&self, ctx: &Context, component: &ComponentInteraction) {
        let id = component
            .data
            .custom_id
            .strip_prefix(render::ENTRY_BUTTON)
            .and_then(EntryId::parse);
        let reply = id.as_ref().and_then(|id| self.answerer.entry(id));
        let card = match &reply {
            Some(reply) => render::card(reply),
            None => render::note("That topic is no longer available. Try /topics to see what I can explain."),
        };
        let response = CreateInteractionResponse::Message(card.interaction(true));
        let shown = id.as_ref().map_or("unknown", EntryId::as_str);
        match component.create_response(&ctx.http, response).await {
            Ok(()) => info!(
                intent = shown,
                found = reply.is_some(),
                outcome = "answered",
                "button"
            ),
            Err(e) => warn!(intent = shown, error = %describe(&e), outcome = "send failed", "button"),
        }
    }
}

#[serenity::async_trait]
impl EventHandler for Bot {
    async fn ready(&self, ctx: Context, ready: Ready) {
        let _ = self.me.set(ready.user.id);
        info!(user = %ready.user.id, guilds = ready.guilds.len(), "connected to Discord");
        self.register_commands(&ctx).await;
    }

    async fn message(&self, ctx: Context, msg: Message) {
        self.on_message(&ctx, &msg).await;
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match &interaction {
            Interaction::Command(command) => self.on_command(&ctx, command).await,
            Interaction::Autocomplete(command) => self.on_autocomplete(&ctx, command).await,
            Interaction::Component(component) => self.on_button(&ctx, component).await,
            other => warn!(kind = ?other.kind(), "interaction of a kind the bot does not use"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_removed_but_plain_angle_brackets_stay() {
        assert_eq!(strip_markup("<@123> stage 4").trim(), "stage 4");
        assert_eq!(
            strip_markup("hi <@!123> <#456> <@&789> <:smile:42> <a:x:1> <t:99:R>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["hi"]
        );
        assert_eq!(strip_markup("is 3 < 4 > 2"), "is 3 < 4 > 2");
        assert_eq!(strip_markup("<unterminated @ mention"), "<unterminated @ mention");
    }

    #[test]
    fn a_cooldown_allows_a_short_burst_then_holds_that_member_only() {
        let c = Cooldown::new(Duration::from_secs(60));
        for _ in 0..3 {
            assert!(c.check(UserId::new(1)).is_ok());
        }
        let wait = c.check(UserId::new(1)).unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(c.check(UserId::new(2)).is_ok());
        assert!(
            c.check_if(false, UserId::new(1)).is_ok(),
            "private replies are not limited"
        );
        let none = Cooldown::new(Duration::ZERO);
        assert!((0..10).all(|_| none.check(UserId::new(1)).is_ok()));
    }
}
