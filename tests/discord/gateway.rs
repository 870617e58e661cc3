//! End to end: gateway faults. The real `sarcoma-bot serve` binary against the loopback
//! emulator, which drops, closes, reconnects and invalidates sessions on cue.
//!
//! A support-group bot runs unattended for months while Discord drops connections and asks for
//! reconnects; a member's question must never be lost or answered twice because of it. So after
//! each recoverable fault, the tests count every answer to every question (across all REST
//! requests, not just the first match), including questions asked right before the fault and
//! during it. The fatal close codes must end the process at once with a message an operator can
//! act on, instead of retrying a token or intent Discord will keep refusing.

use crate::support;

use std::future::Future;
use std::time::Duration;

use serde_json::json;
use support::bot::*;
use support::emulator::*;

const CHANNEL: u64 = 700000000000000001;
const LISTENED: u64 = 700000000000000002;
const MEMBER: u64 = 600000000000000001;
/// How long a duplicate answer gets to show up once every question has one.
const QUIET: Duration = Duration::from_millis(1000);
/// serenity boots a re-identifying shard through its queue, 5 s after the last boot.
const REIDENTIFY: Duration = Duration::from_secs(20);

/// A bot with no cooldown (every answer is a real one) and no listened channel, so it asks for
/// no privileged intent; it has registered its commands, so it is ready to answer.
async fn setup(options: Options) -> (Emulator, Bot) {
    let emu = Emulator::start_with(options).await;
    let bot = ready_bot(&emu, "").await;
    (emu, bot)
}

/// Asks question `id`: an even id as a mention, an odd one as `/ask`, so both gateway events
/// (MESSAGE_CREATE and INTERACTION_CREATE) go through every fault.
async fn ask(emu: &Emulator, id: u64) {
    if id.is_multiple_of(2) {
        let text = mention("what are the side effects of chemotherapy");
        let question = message(id, CHANNEL, Some(GUILD_ID), MEMBER, false, &text, true);
        emu.dispatch("MESSAGE_CREATE", question).await;
    } else {
        let options = json!([{"name": "question", "type": 3, "value": "what is a sarcoma"}]);
        let question = command_interaction(id, CHANNEL, MEMBER, "ask", options);
        emu.dispatch("INTERACTION_CREATE", question).await;
    }
}

/// Whether `request` answers question `id`: a channel message referencing it, or any request on
/// the interaction's routes (a second callback counts too, even though Discord refuses it).
fn answers(id: u64) -> impl Fn(&Recorded) -> bool {
    move |r| {
        let channel_reply = r.method == "POST"
            && r.path == format!("/channels/{CHANNEL}/messages")
            && r.payload()["message_reference"]["message_id"].as_str() == Some(id.to_string().as_str());
        channel_reply || r.path.starts_with(&format!("/interactions/{id}/"))
    }
}

fn answer_count(emu: &Emulator, id: u64) -> usize {
    emu.requests().iter().filter(|r| answers(id)(r)).count()
}

/// Waits for an answer to each of `ids`, then a little longer, and checks none got two.
async fn assert_each_answered_once(emu: &Emulator, bot: &Bot, ids: &[u64]) {
    for &id in ids {
        assert!(
            emu.wait_for(WAIT, answers(id)).await.is_some(),
            "question {id} was never answered; bot log:\n{}",
            bot.log()
        );
    }
    tokio::time::sleep(QUIET).await;
    for &id in ids {
        assert_eq!(answer_count(emu, id), 1, "answers to question {id}");
    }
}

/// How the bot should come back from a fault.
enum Recovery {
    /// RESUME of the same session: the emulator replays what it missed, as Discord does, so a
    /// question asked during the fault must be answered too.
    Resume,
    /// A new session (IDENTIFY): as on Discord, what was dispatched in between is gone, but
    /// nothing may be answered twice.
    Reidentify,
}

/// Asks a question and sees it answered, asks one just before `fault` and one right after it,
/// waits for the bot to recover as `recovery` says, asks four more, then counts the answers.
async fn survives(emu: &Emulator, bot: &Bot, fault: impl Future<Output = ()>, recovery: Recovery) {
    ask(emu, 1).await;
    assert_each_answered_once(emu, bot, &[1]).await;
    // On the old connection, just before the fault: answered there, and not again after it.
    ask(emu, 2).await;
    fault.await;
    // Right after the fault, before the bot has recovered from it.
    ask(emu, 3).await;
    match recovery {
        Recovery::Resume => assert!(emu.wait_resumed(1, WAIT).await, "no RESUME; log:\n{}", bot.log()),
        Recovery::Reidentify => assert!(
            emu.wait_identified(2, REIDENTIFY).await,
            "no new IDENTIFY; log:\n{}",
            bot.log()
        ),
    }
    for id in 4..=7 {
        ask(emu, id).await;
    }
    match recovery {
        Recovery::Resume => {
            assert_each_answered_once(emu, bot, &[2, 3, 4, 5, 6, 7]).await;
            assert_eq!(emu.connections(), 1, "the session was resumed, not replaced");
        }
        Recovery::Reidentify => {
            assert_each_answered_once(emu, bot, &[2, 4, 5, 6, 7]).await;
            assert!(answer_count(emu, 3) <= 1, "question 3 was answered twice");
            assert_eq!(emu.resumes(), 0, "a new session, not a resumed one");
            assert_eq!(emu.connections(), 2, "one new session, not a string of them");
        }
    }
    assert!(!bot.log().contains(TOKEN), "the token must never be logged");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_closed_with_4000_is_resumed_without_losing_or_repeating_answers() {
    let (emu, bot) = setup(Options::default()).await;
    survives(&emu, &bot, emu.close_all(4000), Recovery::Resume).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_dropped_without_a_close_frame_is_resumed_without_losing_or_repeating_answers() {
    let (emu, bot) = setup(Options::default()).await;
    survives(&emu, &bot, emu.drop_all(), Recovery::Resume).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn op_7_reconnect_is_resumed_without_losing_or_repeating_answers() {
    let (emu, bot) = setup(Options::default()).await;
    survives(
        &emu,
        &bot,
        emu.send_raw(json!({"op": 7, "d": null})),
        Recovery::Resume,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn op_9_resumable_invalid_session_is_resumed_without_losing_or_repeating_answers() {
    let (emu, bot) = setup(Options::default()).await;
    survives(
        &emu,
        &bot,
        emu.send_raw(json!({"op": 9, "d": true})),
        Recovery::Resume,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn op_9_invalid_session_starts_a_new_session_and_answers_once() {
    let (emu, bot) = setup(Options::default()).await;
    survives(
        &emu,
        &bot,
        emu.send_raw(json!({"op": 9, "d": false})),
        Recovery::Reidentify,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn heartbeat_acks_that_stop_coming_start_a_new_session_and_answers_once() {
    let (emu, bot) = setup(Options {
        heartbeat_interval_ms: 500,
        ..Options::default()
    })
    .await;
    let stop_acks = async {
        emu.stop_acks(true);
        // The emulator goes quiet for every connection; the new one must be acknowledged again.
        let emu = emu.clone();
        tokio::spawn(async move {
            emu.wait_identified(2, REIDENTIFY).await;
            emu.stop_acks(false);
        });
    };
    survives(&emu, &bot, stop_acks, Recovery::Reidentify).await;
}

/// Launches a bot on an emulator that refuses every IDENTIFY with `close_code`, and returns its
/// exit code, its stderr and the IDENTIFY payloads the emulator received.
async fn refused(close_code: u16, config: &str) -> (Option<i32>, String, Vec<serde_json::Value>) {
    let emu = Emulator::start().await;
    emu.close_on_identify(close_code);
    let config = write_config(&emu, "config.toml", config);
    let mut bot = Bot::launch(&emu, &config, scratch_dir(&emu).join("bot.log"));
    let exit = bot.wait_exit(WAIT).await;
    let log = bot.log();
    let exit =
        exit.unwrap_or_else(|| panic!("still running 10 s after close code {close_code}; log:\n{log}"));
    (exit.code(), log, emu.identifies())
}

#[tokio::test(flavor = "multi_thread")]
async fn close_code_4004_exits_at_once_saying_the_token_was_refused() {
    let (code, log, identifies) = refused(4004, "[discord]\ncooldown_seconds = 0\n").await;
    assert_eq!(code, Some(2), "{log}");
    let message = log
        .lines()
        .find(|line| line.starts_with("sarcoma-bot: "))
        .unwrap_or_else(|| panic!("no error line: {log}"));
    assert!(
        message.contains("refused the bot token") && message.contains("DISCORD_TOKEN"),
        "{message}"
    );
    assert!(!log.contains(TOKEN), "the token must never be printed: {log}");
    // The process is gone, so these are all the attempts there will ever be.
    assert_eq!(identifies.len(), 1, "a refused token is not retried");
}

#[tokio::test(flavor = "multi_thread")]
async fn close_code_4014_exits_at_once_naming_the_message_content_intent() {
    let config = format!("[discord]\nlisten_channels = [{LISTENED}]\n");
    let (code, log, identifies) = refused(4014, &config).await;
    assert_eq!(code, Some(2), "{log}");
    let message = log
        .lines()
        .find(|line| line.starts_with("sarcoma-bot: "))
        .unwrap_or_else(|| panic!("no error line: {log}"));
    assert!(
        message.contains("Message Content Intent")
            && message.contains("Developer Portal")
            && message.contains("listen_channels")
            && message.contains("slash commands"),
        "{message}"
    );
    assert_eq!(identifies.len(), 1, "refused intents are not retried");
    let intents = identifies[0]["intents"]
        .as_u64()
        .expect("IDENTIFY names its intents");
    assert_ne!(intents & (1 << 15), 0, "listen_channels asks for Message Content");
}
