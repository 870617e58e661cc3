//! The event handler: when to speak, where, and to whom. Each question takes one snapshot of
//! the live knowledge and answers from it; each reply goes out through [`Outbox`], which
//! retries what can be retried and never sends a reply twice.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serenity::all::{
    ChannelId, Command, CommandInteraction, ComponentInteraction, ConnectionStage, Context,
    CreateAllowedMentions, CreateAutocompleteResponse, CreateInteractionResponse, CreateMessage,
    EventHandler, GuildId, Http, Interaction, Message, MessageId, MessageReference, Ready,
    ShardStageUpdateEvent, UserId,
};
use tokio::sync::mpsc;
use tracing::{info, warn};

use super::cooldown::{self, Cooldown};
use super::lifecycle::{InFlight, Status, Working};
use super::render;
use super::send::{Outbox, Slot};
use super::{commands, describe};
use crate::config::Config;
use crate::knowledge::EntryId;
use crate::matcher::{Intent, SafetyNote};
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
    /// The bot's own user, asked of Discord before the gateway opens: a mention that arrives
    /// right after READY is recognised.
    me: UserId,
    /// Set once the slash commands are registered, so a reconnect does not register them again.
    registered: AtomicBool,
    /// Questions admitted and not yet answered (queued, being matched, or being sent), and
    /// the bytes of their text.
    waiting: Mutex<Waiting>,
    max_waiting: usize,
    /// Set while questions are being dropped; the shed count when it began.
    shedding: Mutex<Option<u64>>,
}

/// The event handler serenity calls; the bot itself is shared with the task that answers
/// the questions it queues.
pub(crate) struct Handler {
    bot: Arc<Bot>,
    questions: mpsc::UnboundedSender<Question>,
}

/// What answering a message needs, and nothing more: the event itself (author, member,
/// embeds, mentions, ...) is dropped as soon as the question is queued, so a flood holds a
/// few hundred bytes a question rather than the events.
struct Question {
    http: Arc<Http>,
    shard: u32,
    channel: ChannelId,
    message: MessageId,
    guild: Option<GuildId>,
    author: UserId,
    source: Source,
    /// Without markup, and at most the characters the matcher reads.
    text: String,
    started: Instant,
    _ticket: Ticket,
}

/// What the questions waiting hold.
#[derive(Default)]
struct Waiting {
    questions: usize,
    text_bytes: usize,
}

/// The text the questions waiting may hold in all: a flood of messages at Discord's
/// 4,000-character limit (up to 16 KB each) is bounded by this before the count.
const MAX_WAITING_TEXT_BYTES: usize = 4 << 20;

/// One admitted question until its reply is done: counts towards the cap and towards the
/// replies a shutdown waits for.
struct Ticket {
    bot: Arc<Bot>,
    text_bytes: usize,
    _working: Working,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let left = {
            let mut waiting = self.bot.waiting();
            waiting.questions -= 1;
            waiting.text_bytes -= self.text_bytes;
            waiting.questions
        };
        if left <= self.bot.max_waiting / 2 {
            let began = self
                .bot
                .shedding
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            if let Some(began) = began {
                let total = self.bot.status.snapshot().shed;
                warn!(
                    dropped = total - began,
                    shed_total = total,
                    "questions are queued again after a flood"
                );
            }
        }
    }
}

/// The characters of a message the matcher reads (Discord's limit with Nitro); the rest is
/// not kept.
const MAX_QUESTION_CHARS: usize = 4000;

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

/// What moderators are told of: a safety reply, or an answer that carried a safety note.
fn alert_kind(intent: &Option<Intent>, card: &render::Card) -> Option<SafetyNote> {
    match intent {
        Some(Intent::Crisis) => Some(SafetyNote::Crisis),
        Some(Intent::Emergency) => Some(SafetyNote::Emergency),
        _ => card.safety_note.as_ref().map(|(kind, _)| *kind),
    }
}

fn intent_id(intent: &Option<Intent>) -> &str {
    intent.as_ref().map_or("none", Intent::id)
}

impl Bot {
    /// The handler for serenity, and the task that answers the questions it queues.
    pub(crate) fn start(
        config: &Config,
        me: UserId,
        live: Arc<Live>,
        outbox: Outbox,
        status: Arc<Status>,
        in_flight: Arc<InFlight>,
    ) -> Handler {
        let d = &config.discord;
        let bot = Arc::new(Bot {
            live,
            outbox,
            status,
            in_flight,
            guilds: d.guild_ids.iter().map(|g| GuildId::new(g.0)).collect(),
            listen: d.listen_channels.iter().map(|c| ChannelId::new(c.0)).collect(),
            ephemeral: d.ephemeral,
            alert_channel: config.safety.alert_channel.map(|c| ChannelId::new(c.0)),
            cooldown: Cooldown::new(Duration::from_secs(d.cooldown_seconds)),
            me,
            registered: AtomicBool::new(false),
            waiting: Mutex::new(Waiting::default()),
            max_waiting: d.max_waiting_questions.max(1),
            shedding: Mutex::new(None),
        });
        let (questions, queued) = mpsc::unbounded_channel();
        tokio::spawn(Arc::clone(&bot).answer_questions(queued));
        Handler { bot, questions }
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A place among the questions waiting for a question of `text_bytes`, or `None`
    /// (counted and logged) when the cap on questions or on their text is reached. The queue
    /// itself is unbounded; this count is its bound.
    fn admit(self: &Arc<Self>, text_bytes: usize) -> Option<Ticket> {
        let admitted = {
            let mut waiting = self.waiting();
            let fits = waiting.questions < self.max_waiting
                && (waiting.questions == 0 || waiting.text_bytes + text_bytes <= MAX_WAITING_TEXT_BYTES);
            if fits {
                waiting.questions += 1;
                waiting.text_bytes += text_bytes;
            }
            fits
        };
        if admitted {
            return Some(Ticket {
                bot: Arc::clone(self),
                text_bytes,
                _working: self.in_flight.start(),
            });
        }
        let total = self.status.count_shed();
        let mut shedding = self
            .shedding
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if shedding.is_none() {
            *shedding = Some(total - 1);
            warn!(
                max_waiting = self.max_waiting,
                shed_total = total,
                "too many questions waiting (max_waiting_questions); dropping new ones until the queue drains"
            );
        }
        None
    }

    /// Answers queued questions in order: the matching here (well under a millisecond each),
    /// the sending in tasks of their own, at most [`super::send::CONCURRENT_SENDS`] at once. A
    /// question waits for a sending slot before it is matched, so replies ready to go never
    /// pile up; questions do, up to the cap.
    async fn answer_questions(self: Arc<Self>, mut queued: mpsc::UnboundedReceiver<Question>) {
        while let Some(question) = queued.recv().await {
            let Some(slot) = self.outbox.slot().await else {
                return;
            };
            if let Some(reply) = self.prepare(&question) {
                tokio::spawn(Arc::clone(&self).deliver(question, reply, slot));
            }
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

    /// Whether a message is for the bot, and how it reached it.
    fn source(&self, msg: &Message) -> Option<Source> {
        if msg.author.bot {
            return None;
        }
        let me = self.me;
        if msg.guild_id.is_none() {
            Some(Source::Direct)
        } else if msg.mentions.iter().any(|u| u.id == me)
            || msg.content.contains(&format!("<@{me}>"))
            || msg.content.contains(&format!("<@!{me}>"))
        {
            Some(Source::Mention)
        } else if self.listen.contains(&msg.channel_id) {
            Some(Source::Listened)
        } else {
            None
        }
    }

    /// Matches a question and lays out its reply; `None` when it gets none.
    fn prepare(&self, q: &Question) -> Option<Prepared> {
        let answerer = self.live.current();
        let answer = answerer.ask(&q.text);
        let intent = answer.matched.intent.clone();
        let score = answer.matched.score;
        let safety = is_safety(&intent);
        if q.source == Source::Listened && intent.is_none() {
            // In a listened channel, only a confident answer is worth interrupting for.
            info!(source = q.source.name(), outcome = "not answered", score = %format_args!("{score:.2}"), "message");
            return None;
        }
        let public = q.source != Source::Direct;
        let card = match (safety || !public, self.cooldown.check_if(public, q.author)) {
            (false, Err(wait)) => {
                info!(source = q.source.name(), outcome = "cooldown", "message");
                cooldown::note(wait)
            }
            _ => render::answer_card(&answer),
        };
        let mut reference = MessageReference::from((q.channel, q.message));
        reference.guild_id = q.guild;
        Some(Prepared {
            message: card.message().reference_message(reference),
            alert: alert_kind(&intent, &card),
            intent,
            score,
        })
    }

    /// Sends a prepared reply, and for a safety reply tells the moderators.
    async fn deliver(self: Arc<Self>, q: Question, reply: Prepared, slot: Slot) {
        let sent = self
            .outbox
            .channel_message_in(slot, &q.http, q.channel, q.message.to_string(), reply.message)
            .await;
        let micros = q.started.elapsed().as_micros() as u64;
        let (source, shard, intent, score) = (q.source.name(), q.shard, &reply.intent, reply.score);
        match sent {
            Ok(d) => {
                info!(source, shard, intent = intent_id(intent), score = %format_args!("{score:.2}"), micros, attempts = d.attempts, outcome = "answered", "message")
            }
            Err(e) => {
                warn!(source, shard, intent = intent_id(intent), error = %e, outcome = "send failed", "message")
            }
        }
        if let Some(kind) = reply.alert {
            let place = match q.guild {
                Some(guild) => format!("Message: {}", q.message.link(q.channel, Some(guild))),
                None => format!("In a direct message with the bot, from <@{}>.", q.author),
            };
            self.alert(&q.http, kind, &place, format!("a{}", q.message)).await;
        }
    }

    /// A short notice to the moderators' channel: what kind, where, no quote. `nonce` names
    /// the message it is about, so a retry cannot post the notice twice.
    async fn alert(&self, http: &Http, kind: SafetyNote, place: &str, nonce: String) {
        let Some(channel) = self.alert_channel else { return };
        let what = match kind {
            SafetyNote::Crisis => "thoughts of suicide or self-harm",
            SafetyNote::Emergency => "a possible medical emergency",
        };
        let text = format!(
            "A member may need support ({what}). They were shown the safety reply with crisis and emergency numbers. {place}"
        );
        let notice = CreateMessage::new()
            .content(render::clip(&text, render::limits::CONTENT))
            .allowed_mentions(CreateAllowedMentions::new());
        match self.outbox.channel_message(http, channel, nonce, notice).await {
            Ok(_) => info!(intent = kind.id(), outcome = "moderators alerted", "safety"),
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
        if let Some(kind) = alert_kind(&intent, &card) {
            let place = format!(
                "Via /{} in <#{}>, from <@{}>.",
                command.data.name, command.channel_id, command.user.id
            );
            self.alert(&ctx.http, kind, &place, format!("a{}", command.id))
                .await;
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

/// A reply ready to send.
struct Prepared {
    message: CreateMessage,
    intent: Option<Intent>,
    score: f32,
    /// What the moderators are told of, if anything.
    alert: Option<SafetyNote>,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        self.bot.status.set_connected(ctx.shard_id.0, true);
        info!(user = %ready.user.id, shard = ctx.shard_id.0, guilds = ready.guilds.len(), "connected to Discord");
        self.bot.register_commands(&ctx).await;
    }

    async fn shard_stage_update(&self, _ctx: Context, event: ShardStageUpdateEvent) {
        let connected = event.new == ConnectionStage::Connected;
        self.bot.status.set_connected(event.shard_id.0, connected);
        info!(shard = event.shard_id.0, stage = %event.new, "gateway connection");
    }

    /// Only queues the question: serenity runs each event in a task of its own, and a task
    /// that returns at once cannot pile up holding its event.
    async fn message(&self, ctx: Context, msg: Message) {
        let Some(source) = self.bot.source(&msg) else {
            return;
        };
        let stripped = strip_markup(&msg.content);
        let text = match stripped.char_indices().nth(MAX_QUESTION_CHARS) {
            Some((cut, _)) => stripped[..cut].to_owned(),
            None => stripped,
        };
        let Some(ticket) = self.bot.admit(text.len()) else {
            return;
        };
        let question = Question {
            http: Arc::clone(&ctx.http),
            shard: ctx.shard_id.0,
            channel: msg.channel_id,
            message: msg.id,
            guild: msg.guild_id,
            author: msg.author.id,
            source,
            text,
            started: Instant::now(),
            _ticket: ticket,
        };
        // The receiver lives as long as the bot; a question sent after it is gone is moot.
        let _ = self.questions.send(question);
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        // Interactions are answered in their own task (Discord drops them after 3 s), but
        // count towards the same cap as questions.
        let Some(_ticket) = self.bot.admit(0) else {
            return;
        };
        let bot = &self.bot;
        match &interaction {
            Interaction::Command(command) => bot.on_command(&ctx, command).await,
            Interaction::Autocomplete(command) => bot.on_autocomplete(&ctx, command).await,
            Interaction::Component(component) => bot.on_button(&ctx, component).await,
            other => warn!(kind = ?other.kind(), "interaction of a kind the bot does not use"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answerer;
    use crate::knowledge::KnowledgeBase;

    #[tokio::test]
    async fn questions_past_the_cap_or_the_text_budget_are_refused_and_counted() {
        let mut config = Config::default();
        config.discord.max_waiting_questions = 3;
        let live = Arc::new(Live::new(
            Answerer::new(KnowledgeBase::embedded().unwrap().kb),
            None,
        ));
        let status = Arc::new(Status::new(1));
        let in_flight = Arc::new(InFlight::default());
        let handler = Bot::start(
            &config,
            UserId::new(1),
            live,
            Outbox::new().unwrap(),
            Arc::clone(&status),
            Arc::clone(&in_flight),
        );
        let bot = &handler.bot;
        let held: Vec<Ticket> = (0..3).map(|_| bot.admit(10).expect("room")).collect();
        assert_eq!(in_flight.len(), 3);
        assert!(bot.admit(10).is_none());
        assert!(bot.admit(0).is_none());
        assert_eq!(status.snapshot().shed, 2);
        drop(held);
        assert_eq!(in_flight.len(), 0);
        assert_eq!(bot.waiting().questions, 0);
        assert_eq!(bot.waiting().text_bytes, 0);

        // One question of any size fits an empty queue; the text budget bounds the rest.
        let big = bot.admit(MAX_WAITING_TEXT_BYTES + 1).expect("alone, it fits");
        assert!(bot.admit(1).is_none());
        drop(big);
        let halves = [
            bot.admit(MAX_WAITING_TEXT_BYTES / 2).expect("room"),
            bot.admit(MAX_WAITING_TEXT_BYTES / 2).expect("room"),
        ];
        assert!(bot.admit(1).is_none());
        drop(halves);
        assert_eq!(status.snapshot().shed, 4);
    }

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
