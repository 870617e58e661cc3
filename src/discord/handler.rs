//! The event handler: when to speak, where, and to whom. Each question takes one snapshot of
//! the live knowledge and answers from it; each reply goes out through [`Outbox`], which
//! retries what can be retried and never sends a reply twice.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serenity::all::{
    ChannelId, Command, CommandInteraction, ComponentInteraction, ConnectionStage, Context,
    CreateAllowedMentions, CreateAutocompleteResponse, CreateInteractionResponse, CreateMessage,
    EventHandler, GuildId, Interaction, Message, Ready, ShardStageUpdateEvent, UserId,
};
use tracing::{info, warn};

use super::cooldown::{self, Cooldown};
use super::lifecycle::{InFlight, Status};
use super::render;
use super::send::Outbox;
use super::{commands, describe};
use crate::config::Config;
use crate::knowledge::EntryId;
use crate::matcher::Intent;
use crate::reload::{Live, ReloadError, Trigger};

pub(crate) struct Bot {
    live: Arc<Live>,
    outbox: Outbox,
    status: Arc<Status>,
    in_flight: Arc<InFlight>,
    guilds: Vec<GuildId>,
    listen: HashSet<ChannelId>,
    ephemeral: bool,
    alert_channel: Option<ChannelId>,
    cooldown: Cooldown,
    me: OnceLock<UserId>,
    /// Set once the slash commands are registered, so a reconnect does not register them again.
    registered: AtomicBool,
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
    pub(crate) fn new(
        config: &Config,
        live: Arc<Live>,
        outbox: Outbox,
        status: Arc<Status>,
        in_flight: Arc<InFlight>,
    ) -> Bot {
        let d = &config.discord;
        Bot {
            live,
            outbox,
            status,
            in_flight,
            guilds: d.guild_ids.iter().map(|g| GuildId::new(g.0)).collect(),
            listen: d.listen_channels.iter().map(|c| ChannelId::new(c.0)).collect(),
            ephemeral: d.ephemeral,
            alert_channel: config.safety.alert_channel.map(|c| ChannelId::new(c.0)),
            cooldown: Cooldown::new(Duration::from_secs(d.cooldown_seconds)),
            me: OnceLock::new(),
            registered: AtomicBool::new(false),
        }
    }

    /// Registers the commands once per process, from shard 0: registration is a REST call
    /// that any shard could make, and one is enough.
    async fn register_commands(&self, ctx: &Context) {
        if ctx.shard_id.0 != 0 || self.registered.load(Ordering::SeqCst) {
            return;
        }
        let definitions = commands::definitions();
        let mut all_ok = true;
        if self.guilds.is_empty() {
            match Command::set_global_commands(&ctx.http, definitions.clone()).await {
                Ok(c) => info!(count = c.len(), "registered global slash commands"),
                Err(e) => {
                    all_ok = false;
                    warn!(error = %describe(&e), "could not register global slash commands")
                }
            }
        }
        for guild in &self.guilds {
            match guild.set_commands(&ctx.http, definitions.clone()).await {
                Ok(c) => info!(guild = %guild, count = c.len(), "registered slash commands"),
                Err(e) => {
                    all_ok = false;
                    warn!(guild = %guild, error = %describe(&e), "could not register slash commands")
                }
            }
        }
        self.registered.store(all_ok, Ordering::SeqCst);
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
        let answerer = self.live.current();
        let answer = answerer.ask(&strip_markup(&msg.content));
        let intent = answer.matched.intent.clone();
        let score = answer.matched.score;
        let safety = is_safety(&intent);
        if source == Source::Listened && intent.is_none() {
            // In a listened channel, only a confident answer is worth interrupting for.
            info!(source = source.name(), outcome = "not answered", score = %format_args!("{score:.2}"), "message");
            return;
        }
        let public = source != Source::Direct;
        let card = match (safety || !public, self.cooldown.check_if(public, msg.author.id)) {
            (false, Err(wait)) => {
                info!(source = source.name(), outcome = "cooldown", "message");
                cooldown::note(wait)
            }
            _ => render::card(&answer.reply),
        };
        drop(answer);
        let reply = card.message().reference_message(msg);
        let sent = self
            .outbox
            .channel_message(&ctx.http, msg.channel_id, msg.id.to_string(), reply)
            .await;
        let micros = started.elapsed().as_micros() as u64;
        let shard = ctx.shard_id.0;
        match sent {
            Ok(d) => {
                info!(source = source.name(), shard, intent = intent_id(&intent), score = %format_args!("{score:.2}"), micros, attempts = d.attempts, outcome = "answered", "message")
            }
            Err(e) => {
                warn!(source = source.name(), shard, intent = intent_id(&intent), error = %e, outcome = "send failed", "message")
            }
        }
        if safety {
            let place = match msg.guild_id {
                Some(_) => format!("Message: {}", msg.link()),
                None => format!("In a direct message with the bot, from <@{}>.", msg.author.id),
            };
            self.alert(ctx, &intent, &place, format!("a{}", msg.id)).await;
        }
    }

    /// A short notice to the moderators' channel: what kind, where, no quote. `nonce` names
    /// the message it is about, so a retry cannot post the notice twice.
    async fn alert(&self, ctx: &Context, intent: &Option<Intent>, place: &str, nonce: String) {
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
        match self
            .outbox
            .channel_message(&ctx.http, channel, nonce, notice)
            .await
        {
            Ok(_) => info!(
                intent = intent_id(intent),
                outcome = "moderators alerted",
                "safety"
            ),
            Err(e) => warn!(error = %e, outcome = "alert failed", "safety"),
        }
    }

    async fn respond(
        &self,
        ctx: &Context,
        command: &CommandInteraction,
        response: CreateInteractionResponse,
    ) -> bool {
        match self
            .outbox
            .interaction_response(&ctx.http, command.id, &command.token, response)
            .await
        {
            Ok(_) => true,
            Err(e) => {
                warn!(command = %command.data.name, error = %e, outcome = "send failed", "command");
                false
            }
        }
    }

    async fn on_command(&self, ctx: &Context, command: &CommandInteraction) {
        if command.data.name == commands::RELOAD {
            return self.on_reload(ctx, command).await;
        }
        let started = Instant::now();
        let request = commands::parse(command);
        let (card, intent) = commands::respond(&self.live.current(), &request);
        let safety = is_safety(&intent);
        let ephemeral = safety || self.ephemeral;
        let card = match (safety, self.cooldown.check_if(!ephemeral, command.user.id)) {
            (false, Err(wait)) => cooldown::note(wait),
            _ => card,
        };
        let response = CreateInteractionResponse::Message(card.interaction(ephemeral));
        if self.respond(ctx, command, response).await {
            info!(
                command = %command.data.name,
                shard = ctx.shard_id.0,
                intent = intent_id(&intent),
                micros = started.elapsed().as_micros() as u64,
                outcome = "answered",
                "command"
            );
        }
        if safety {
            let place = format!(
                "Via /{} in <#{}>, from <@{}>.",
                command.data.name, command.channel_id, command.user.id
            );
            self.alert(ctx, &intent, &place, format!("a{}", command.id)).await;
        }
    }

    /// `/reload`: for members who may manage the server. Discord hides the command from
    /// others by default, but server admins can change that, so the permission is checked here.
    async fn on_reload(&self, ctx: &Context, command: &CommandInteraction) {
        let allowed = command
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.manage_guild() || p.administrator());
        let (text, outcome) = if !allowed {
            (
                "Only members with the Manage Server permission can reload the knowledge. If an answer \
                 looks wrong, please tell a moderator. Thank you!"
                    .to_owned(),
                "refused",
            )
        } else {
            match self.live.reload(Trigger::Command).await {
                Ok(r) => (commands::reloaded_text(&r), "reloaded"),
                Err(e @ ReloadError::NoFolder) => (format!("Nothing to reload: {e}."), "nothing to reload"),
                Err(e) => (commands::rejected_text(&e, self.live.version()), "rejected"),
            }
        };
        let response = CreateInteractionResponse::Message(render::note(&text).interaction(true));
        if self.respond(ctx, command, response).await {
            info!(command = commands::RELOAD, outcome, "command");
        }
    }

    async fn on_autocomplete(&self, ctx: &Context, command: &CommandInteraction) {
        let Some(catalogue) = commands::Catalogue::for_command(&command.data.name) else {
            warn!(command = %command.data.name, "autocomplete for a command without it");
            return;
        };
        let focused = command.data.autocomplete();
        let typed = focused.as_ref().map_or("", |o| o.value);
        let answerer = self.live.current();
        let pairs = match focused.as_ref().map(|o| o.name) {
            Some("part") => {
                let topic = command
                    .data
                    .options
                    .iter()
                    .find(|o| o.name == "topic")
                    .and_then(|o| o.value.as_str())
                    .unwrap_or("");
                commands::part_choices(&answerer, topic, typed)
            }
            _ => commands::choices(&answerer, catalogue, typed),
        };
        let choices = commands::autocomplete_choices(pairs);
        let count = choices.len();
        let response =
            CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new().set_choices(choices));
        if self.respond(ctx, command, response).await {
            info!(command = %command.data.name, choices = count, "autocomplete");
        }
    }

    async fn on_button(&self, ctx: &Context, component: &ComponentInteraction) {
        let wanted = render::parse_button(&component.data.custom_id);
        let id = wanted.as_ref().map(|(id, _)| id.clone());
        let answerer = self.live.current();
        let reply = wanted.as_ref().and_then(|(id, part)| match part {
            Some(section) => answerer.part(id, section),
            None => answerer.entry(id),
        });
        let card = match &reply {
            Some(reply) => render::card(reply),
            None => render::note("That topic is no longer available. Try /topics to see what I can explain."),
        };
        let found = reply.is_some();
        drop(reply);
        let response = CreateInteractionResponse::Message(card.interaction(true));
        let shown = id.as_ref().map_or("unknown", EntryId::as_str);
        match self
            .outbox
            .interaction_response(&ctx.http, component.id, &component.token, response)
            .await
        {
            Ok(_) => info!(intent = shown, found, outcome = "answered", "button"),
            Err(e) => warn!(intent = shown, error = %e, outcome = "send failed", "button"),
        }
    }
}

#[serenity::async_trait]
impl EventHandler for Bot {
    async fn ready(&self, ctx: Context, ready: Ready) {
        let _ = self.me.set(ready.user.id);
        self.status.set_connected(ctx.shard_id.0, true);
        info!(user = %ready.user.id, shard = ctx.shard_id.0, guilds = ready.guilds.len(), "connected to Discord");
        self.register_commands(&ctx).await;
    }

    async fn shard_stage_update(&self, _ctx: Context, event: ShardStageUpdateEvent) {
        let connected = event.new == ConnectionStage::Connected;
        self.status.set_connected(event.shard_id.0, connected);
        info!(shard = event.shard_id.0, stage = %event.new, "gateway connection");
    }

    async fn message(&self, ctx: Context, msg: Message) {
        let _working = self.in_flight.start();
        self.on_message(&ctx, &msg).await;
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let _working = self.in_flight.start();
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
}
