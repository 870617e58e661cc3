//! Tests of the Discord API emulator itself (tests/support/emulator.rs), driven by the real
//! serenity 0.12.5 client rather than the project's bot: if serenity is happy with the emulator,
//! a failing end-to-end test of the bot points at the bot, not at the emulator.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use serenity::all::{
    ChannelId, ClientBuilder, CommandDataOptionValue, CommandOptionType, Context, CreateAutocompleteResponse,
    CreateCommand, CreateCommandOption, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateMessage, Event, EventHandler, GatewayEvent, GatewayIntents, GuildId, Http, HttpBuilder,
    Interaction, Message, Permissions,
};
use serenity::prelude::SerenityError;
use support::emulator::*;
use tokio::task::JoinHandle;

/// How long any single step may take; the emulator answers in milliseconds.
const STEP: Duration = Duration::from_secs(5);
/// serenity waits 5 s between shard boots, re-identifying shards included.
const RECONNECT: Duration = Duration::from_secs(10);
const CHANNEL_ID: u64 = 910000000000000100;
const MEMBER_ID: u64 = 910000000000000200;

/// A minimal bot: "pong" to every member message, "ok"/"clicked" to commands and buttons, one
/// choice to autocomplete.
struct PingBot;

#[serenity::async_trait]
impl EventHandler for PingBot {
    async fn message(&self, ctx: Context, msg: Message) {
        if msg.author.bot {
            return;
        }
        if let Err(error) = msg.channel_id.say(&ctx.http, "pong").await {
            eprintln!("PingBot could not answer a message: {error}");
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let answer = |text: &str| {
            CreateInteractionResponse::Message(CreateInteractionResponseMessage::new().content(text))
        };
        let result = match interaction {
            Interaction::Autocomplete(typing) => {
                let choices = CreateAutocompleteResponse::new().add_string_choice("stage 4", "stage-4");
                typing
                    .create_response(&ctx.http, CreateInteractionResponse::Autocomplete(choices))
                    .await
            }
            Interaction::Command(command) => command.create_response(&ctx.http, answer("ok")).await,
            Interaction::Component(click) => click.create_response(&ctx.http, answer("clicked")).await,
            _ => Ok(()),
        };
        if let Err(error) = result {
            eprintln!("PingBot could not answer an interaction: {error}");
        }
    }
}

/// serenity's HTTP client pointed at the emulator (the proxy needs the ratelimiter off).
fn http_client(emulator: &Emulator) -> Http {
    HttpBuilder::new("test-token")
        .proxy(emulator.base_url())
        .ratelimiter_disabled(true)
        .build()
}

/// Starts `PingBot` with `shards` shards; the task ends with the test's runtime.
async fn start_bot(emulator: &Emulator, shards: u32) -> JoinHandle<()> {
    let intents =
        GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES | GatewayIntents::MESSAGE_CONTENT;
    let mut client = ClientBuilder::new_with_http(http_client(emulator), intents)
        .event_handler(PingBot)
        .await
        .expect("the serenity client builds");
    tokio::spawn(async move {
        let result = if shards > 1 {
            client.start_shards(shards).await
        } else {
            client.start().await
        };
        if let Err(error) = result {
            eprintln!("serenity client stopped: {error}");
        }
    })
}

fn is_post_to(path: &str) -> impl Fn(&Recorded) -> bool + '_ {
    move |request| request.method == "POST" && request.path == path
}

fn messages_path(channel_id: u64) -> String {
    format!("/channels/{channel_id}/messages")
}

/// The status of a failed serenity HTTP call.
fn status_of(error: &SerenityError) -> Option<u16> {
    match error {
        SerenityError::Http(serenity::http::HttpError::UnsuccessfulRequest(response)) => {
            Some(response.status_code.as_u16())
        }
        _ => None,
    }
}

#[test]
fn payload_builders_deserialize_as_serenity_events() {
    let payloads = [
        (
            "guild message",
            message(1, CHANNEL_ID, Some(GUILD_ID), MEMBER_ID, false, "hello", false),
        ),
        ("DM", message(2, CHANNEL_ID, None, MEMBER_ID, false, "hi", false)),
        (
            "mention",
            message(
                3,
                CHANNEL_ID,
                Some(GUILD_ID),
                MEMBER_ID,
                false,
                "<@900000000000000001> hi",
                true,
            ),
        ),
        (
            "command",
            command_interaction(
                4,
                CHANNEL_ID,
                MEMBER_ID,
                "stage",
                json!([{"name": "number", "type": 4, "value": 4}]),
            ),
        ),
        (
            "autocomplete",
            autocomplete_interaction(5, CHANNEL_ID, MEMBER_ID, "ask", "question", "sta"),
        ),
        (
            "component",
            component_interaction(6, CHANNEL_ID, MEMBER_ID, "more:stage-4"),
        ),
    ];
    for (what, payload) in &payloads {
        let event = if payload.get("token").is_some() {
            "INTERACTION_CREATE"
        } else {
            "MESSAGE_CREATE"
        };
        assert_eq!(check_dispatch(event, payload), Ok(()), "{what}");
        let frame = json!({"op": 0, "s": 2, "t": event, "d": payload});
        let parsed: GatewayEvent = serde_json::from_value(frame).expect(what);
        assert!(
            matches!(parsed, GatewayEvent::Dispatch(2, ref e) if !matches!(e, Event::Unknown(_))),
            "{what}"
        );
    }

    let mention: Message = serde_json::from_value(payloads[2].1.clone()).unwrap();
    assert_eq!(mention.mentions[0].id.get(), BOT_USER_ID);
    assert_eq!(mention.guild_id.map(|g| g.get()), Some(GUILD_ID));
    let dm: Message = serde_json::from_value(payloads[1].1.clone()).unwrap();
    assert!(dm.guild_id.is_none() && dm.member.is_none());

    let Interaction::Command(command) = serde_json::from_value(payloads[3].1.clone()).unwrap() else {
        panic!("a command interaction");
    };
    assert_eq!(command.data.name, "stage");
    assert_eq!(command.data.options[0].value, CommandDataOptionValue::Integer(4));
    assert_eq!(command.user.id.get(), MEMBER_ID);
    assert_eq!(command.token, "tok-4");

    let Interaction::Autocomplete(typing) = serde_json::from_value(payloads[4].1.clone()).unwrap() else {
        panic!("an autocomplete interaction");
    };
    let focused = typing.data.autocomplete().expect("a focused option");
    assert_eq!(
        (focused.name, focused.value, focused.kind),
        ("question", "sta", CommandOptionType::String)
    );

    let Interaction::Component(click) = serde_json::from_value(payloads[5].1.clone()).unwrap() else {
        panic!("a component interaction");
    };
    assert_eq!(click.data.custom_id, "more:stage-4");
    assert_eq!(click.message.components[0].components.len(), 1);

    let admin = with_member_permissions(payloads[3].1.clone(), Permissions::ADMINISTRATOR.bits());
    let Interaction::Command(command) = serde_json::from_value(admin).unwrap() else {
        panic!("a command interaction");
    };
    assert_eq!(
        command.member.unwrap().permissions,
        Some(Permissions::ADMINISTRATOR)
    );
}

#[test]
fn check_dispatch_names_the_missing_field() {
    let mut incomplete = message(1, CHANNEL_ID, None, MEMBER_ID, false, "hi", false);
    incomplete.as_object_mut().unwrap().remove("mention_roles");
    let problem = check_dispatch("MESSAGE_CREATE", &incomplete).unwrap_err();
    assert!(problem.contains("mention_roles"), "{problem}");
}

#[tokio::test]
async fn serenity_client_answers_messages_and_interactions() {
    let emulator = Emulator::start().await;
    let bot = start_bot(&emulator, 1).await;
    assert!(emulator.wait_ready(STEP).await, "serenity identified");
    let identify = emulator.identify().unwrap();
    assert_eq!(identify["token"], "Bot test-token");
    assert_eq!(identify["shard"], json!([0, 1]));
    assert_eq!(emulator.requests()[0].path, "/gateway");

    let ping = message(
        910000000000000301,
        CHANNEL_ID,
        Some(GUILD_ID),
        MEMBER_ID,
        false,
        "ping",
        false,
    );
    emulator.dispatch("MESSAGE_CREATE", ping).await;
    let path = messages_path(CHANNEL_ID);
    let reply = emulator
        .wait_for(STEP, is_post_to(&path))
        .await
        .expect("the bot answered");
    assert_eq!(reply.body["content"], "pong");
    assert_eq!(reply.authorization.as_deref(), Some("Bot test-token"));
    assert_eq!(reply.status, 200);

    let command = command_interaction(910000000000000302, CHANNEL_ID, MEMBER_ID, "stage", json!([]));
    emulator.dispatch("INTERACTION_CREATE", command).await;
    let callback = "/interactions/910000000000000302/tok-910000000000000302/callback";
    let answer = emulator
        .wait_for(STEP, is_post_to(callback))
        .await
        .expect("the command was answered");
    assert_eq!(
        (
            answer.body["type"].clone(),
            answer.body["data"]["content"].clone()
        ),
        (json!(4), json!("ok"))
    );
    assert_eq!(answer.status, 204);

    let click = component_interaction(910000000000000303, CHANNEL_ID, MEMBER_ID, "more");
    emulator.dispatch("INTERACTION_CREATE", click).await;
    let callback = "/interactions/910000000000000303/tok-910000000000000303/callback";
    let answer = emulator
        .wait_for(STEP, is_post_to(callback))
        .await
        .expect("the click was answered");
    assert_eq!(
        (
            answer.body["type"].clone(),
            answer.body["data"]["content"].clone()
        ),
        (json!(4), json!("clicked"))
    );

    let typing = autocomplete_interaction(
        910000000000000304,
        CHANNEL_ID,
        MEMBER_ID,
        "ask",
        "question",
        "sta",
    );
    emulator.dispatch("INTERACTION_CREATE", typing).await;
    let callback = "/interactions/910000000000000304/tok-910000000000000304/callback";
    let answer = emulator
        .wait_for(STEP, is_post_to(callback))
        .await
        .expect("autocomplete was answered");
    assert_eq!(answer.body["type"], 8);
    assert_eq!(answer.body["data"]["choices"][0]["value"], "stage-4");

    // The bot's own messages are not answered (PingBot checks author.bot).
    let own = message(
        910000000000000305,
        CHANNEL_ID,
        Some(GUILD_ID),
        BOT_USER_ID,
        true,
        "pong",
        false,
    );
    emulator.dispatch("MESSAGE_CREATE", own).await;
    let again = emulator
        .wait_for_new(Duration::from_millis(300), is_post_to(&path))
        .await;
    assert!(again.is_none());
    bot.abort();
}

// Multi-threaded, and waiting from a spawned task: the emulator's futures are Send.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_next_answers_the_next_matching_request_only() {
    let emulator = Emulator::start().await;
    let http = http_client(&emulator);
    let channel = ChannelId::new(CHANNEL_ID);
    let path = messages_path(CHANNEL_ID);
    let waiter = {
        let emulator = emulator.clone();
        tokio::spawn(async move { emulator.wait_for(STEP, |r| r.status == 200).await })
    };
    let limited = json!({"message": "You are being rate limited.", "retry_after": 0.1, "global": false});
    emulator.fail_next(&path, 429, limited);
    emulator.fail_next(
        "/channels/",
        500,
        json!({"message": "500: Internal Server Error", "code": 0}),
    );

    let error = channel.say(&http, "one").await.unwrap_err();
    assert_eq!(status_of(&error), Some(429));
    let error = channel.say(&http, "two").await.unwrap_err();
    assert_eq!(status_of(&error), Some(500));
    let sent = channel.say(&http, "three").await.expect("no fault left");
    assert_eq!(
        (sent.content.as_str(), sent.author.id.get()),
        ("three", BOT_USER_ID)
    );

    let first_success = waiter.await.unwrap().expect("the waiter saw the success");
    assert_eq!(first_success.body["content"], "three");

    let recorded = emulator.requests();
    let statuses: Vec<u16> = recorded.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 500, 200]);
    assert_eq!(recorded[0].body["content"], "one");
}

#[tokio::test]
async fn fail_next_429_carries_discords_rate_limit_headers() {
    let emulator = Emulator::start().await;
    emulator.fail_next(
        "/users/@me",
        429,
        json!({"message": "You are being rate limited.", "retry_after": 0.1, "global": false}),
    );
    let url = format!("{}/api/v10/users/@me", emulator.base_url());
    let (status, headers, _) = raw_get(&url).await;
    assert_eq!(status, 429);
    assert!(headers.contains("retry-after: 1"), "{headers}");
    assert!(headers.contains("x-ratelimit-scope: user"), "{headers}");
}

/// A bare HTTP/1.1 GET, for looking at headers serenity does not expose.
async fn raw_get(url: &str) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(STEP, stream.read_to_string(&mut response))
        .await
        .unwrap()
        .unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_lowercase(), body.to_owned())
}

#[tokio::test]
async fn rest_answers_deserialize_in_serenity() {
    let emulator = Emulator::start().await;
    let http = Arc::new(http_client(&emulator));
    http.set_application_id(APPLICATION_ID.into());

    assert_eq!(http.get_current_user().await.unwrap().id.get(), BOT_USER_ID);
    assert_eq!(
        http.get_current_application_info().await.unwrap().id.get(),
        APPLICATION_ID
    );
    assert_eq!(http.get_gateway().await.unwrap().url, emulator.ws_url());
    assert_eq!(http.get_bot_gateway().await.unwrap().shards, 1);

    let number =
        CreateCommandOption::new(CommandOptionType::Integer, "number", "Stage number").required(true);
    let commands = vec![
        CreateCommand::new("stage")
            .description("Options by stage")
            .add_option(number),
    ];
    let registered = GuildId::new(GUILD_ID)
        .set_commands(&http, commands)
        .await
        .expect("guild commands");
    assert_eq!(
        (registered[0].id.get(), registered[0].name.as_str()),
        (command_id("stage"), "stage")
    );
    assert_eq!(registered[0].guild_id.map(|g| g.get()), Some(GUILD_ID));
    assert_eq!(registered[0].options[0].kind, CommandOptionType::Integer);
    let global = vec![CreateCommand::new("help").description("How to use the bot")];
    let registered = serenity::all::Command::set_global_commands(&http, global)
        .await
        .expect("global commands");
    assert_eq!(registered[0].name, "help");

    let reply = CreateMessage::new()
        .content("see above")
        .reference_message((ChannelId::new(CHANNEL_ID), 77.into()));
    let sent = ChannelId::new(CHANNEL_ID)
        .send_message(&http, reply)
        .await
        .expect("a reply");
    assert_eq!(sent.kind, serenity::all::MessageType::InlineReply);
    assert_eq!(
        sent.message_reference.unwrap().message_id.map(|m| m.get()),
        Some(77)
    );

    let upload = serenity::all::CreateAttachment::bytes(b"stage 4".to_vec(), "notes.txt");
    let with_file = CreateMessage::new().content("with a file").add_file(upload);
    let sent = ChannelId::new(CHANNEL_ID)
        .send_message(&http, with_file)
        .await
        .expect("a message with a file");
    assert_eq!(sent.content, "with a file");
    let recorded = emulator.requests().pop().unwrap();
    assert!(recorded.is_multipart() && recorded.body.is_string());
    assert_eq!(recorded.payload()["content"], "with a file");

    let command = command_interaction(910000000000000401, CHANNEL_ID, MEMBER_ID, "stage", json!([]));
    let Interaction::Command(command) = serde_json::from_value(command).unwrap() else {
        unreachable!()
    };
    command.defer(&http).await.expect("a deferred answer");
    let followup = serenity::all::CreateInteractionResponseFollowup::new().content("later");
    let message = command
        .create_followup(&http, followup)
        .await
        .expect("a follow-up");
    assert_eq!(message.content, "later");
    let edit = serenity::all::EditInteractionResponse::new().content("edited");
    let message = command
        .edit_response(&http, edit)
        .await
        .expect("an edited answer");
    assert_eq!(message.content, "edited");
    assert!(message.edited_timestamp.is_some());

    assert!(http.get_guild(GuildId::new(GUILD_ID)).await.is_err());
    let unknown = emulator
        .wait_for(STEP, |r| r.path == format!("/guilds/{GUILD_ID}"))
        .await
        .unwrap();
    assert_eq!((unknown.status, unknown.body.clone()), (404, Value::Null));
}

#[tokio::test]
async fn discord_rejections_are_emulated() {
    let emulator = Emulator::start().await;
    let http = http_client(&emulator);
    let channel = ChannelId::new(CHANNEL_ID);

    let error = channel
        .send_message(&http, CreateMessage::new())
        .await
        .unwrap_err();
    assert_eq!(status_of(&error), Some(400), "an empty message");

    let undescribed = vec![CreateCommand::new("stage")];
    http.set_application_id(APPLICATION_ID.into());
    let error = GuildId::new(GUILD_ID)
        .set_commands(&http, undescribed)
        .await
        .unwrap_err();
    assert_eq!(status_of(&error), Some(400), "a command without description");
    let SerenityError::Http(serenity::http::HttpError::UnsuccessfulRequest(response)) = error else {
        unreachable!()
    };
    assert_eq!(response.error.code, 50035);
    assert_eq!(response.error.errors[0].path, "0.description");

    let command = command_interaction(910000000000000501, CHANNEL_ID, MEMBER_ID, "stage", json!([]));
    let Interaction::Command(command) = serde_json::from_value(command).unwrap() else {
        unreachable!()
    };
    let answer = || CreateInteractionResponse::Message(CreateInteractionResponseMessage::new().content("ok"));
    command
        .create_response(&http, answer())
        .await
        .expect("the first answer");
    let error = command.create_response(&http, answer()).await.unwrap_err();
    assert_eq!(status_of(&error), Some(400), "a second answer");
}

#[tokio::test]
async fn serenity_reconnects_after_close_and_missing_acks() {
    let emulator = Emulator::start_with(Options {
        heartbeat_interval_ms: 500,
        ..Options::default()
    })
    .await;
    let bot = start_bot(&emulator, 1).await;
    assert!(emulator.wait_ready(STEP).await);

    let heartbeat = emulator.wait_for_frame(STEP, |f| f["op"] == 1).await;
    assert!(heartbeat.is_some(), "heartbeats arrive");

    // 4000 (unknown error): serenity resumes its session.
    emulator.close_all(4000).await;
    assert!(emulator.wait_resumed(1, STEP).await, "resumed after close 4000");
    let resume = emulator.wait_for_frame(STEP, |f| f["op"] == 6).await.unwrap();
    assert_eq!(resume["d"]["session_id"], "emulator-session-1");

    // 4009 (session timed out): serenity identifies anew.
    emulator.close_all(4009).await;
    // serenity boots a re-identifying shard through its queue, 5 s after the last boot.
    assert!(
        emulator.wait_identified(2, RECONNECT).await,
        "identified again after close 4009"
    );

    // No heartbeat ACKs: at the next beat serenity restarts the shard, which identifies anew.
    emulator.stop_acks(true);
    assert!(
        emulator.wait_identified(3, RECONNECT).await,
        "identified again after missing acks"
    );
    emulator.stop_acks(false);

    let ping = message(
        910000000000000601,
        CHANNEL_ID,
        None,
        MEMBER_ID,
        false,
        "ping",
        false,
    );
    emulator.dispatch("MESSAGE_CREATE", ping).await;
    let path = messages_path(CHANNEL_ID);
    assert!(
        emulator.wait_for(STEP, is_post_to(&path)).await.is_some(),
        "answers after reconnecting"
    );
    bot.abort();
}

#[tokio::test]
async fn dispatch_to_shard_reaches_one_shard() {
    let emulator = Emulator::start().await;
    let bot = start_bot(&emulator, 2).await;
    assert!(
        emulator.wait_identified(2, RECONNECT).await,
        "both shards identified"
    );
    let mut shards: Vec<Value> = emulator.identifies().iter().map(|i| i["shard"].clone()).collect();
    shards.sort_by_key(|s| s[0].as_u64());
    assert_eq!(shards, [json!([0, 2]), json!([1, 2])]);

    let ping = message(
        910000000000000701,
        CHANNEL_ID,
        Some(GUILD_ID),
        MEMBER_ID,
        false,
        "ping",
        false,
    );
    emulator.dispatch_to_shard(1, "MESSAGE_CREATE", ping).await;
    let path = messages_path(CHANNEL_ID);
    assert!(emulator.wait_for(STEP, is_post_to(&path)).await.is_some());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answers = emulator
        .requests()
        .iter()
        .filter(|r| is_post_to(&path)(r))
        .count();
    assert_eq!(answers, 1, "only one shard got the message");
    bot.abort();
}
