//! End to end: replies that meet 429 and 5xx answers are retried within bounds and never sent
//! twice, and a shutdown finishes the replies already on their way. The real `serve` binary
//! against the loopback emulator, which injects the faults.

use crate::support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::bot::*;
use support::emulator::*;

const CHANNEL: u64 = 710000000000000001;
const MEMBER: u64 = 610000000000000001;

async fn setup() -> (Emulator, Bot) {
    let emu = Emulator::start().await;
    let bot = ready_bot(&emu, "").await;
    (emu, bot)
}

async fn ask(emu: &Emulator, id: u64, text: &str) {
    emu.dispatch(
        "MESSAGE_CREATE",
        message(id, CHANNEL, Some(GUILD_ID), MEMBER, false, &mention(text), true),
    )
    .await;
}

fn posts(emu: &Emulator) -> Vec<Recorded> {
    emu.requests().into_iter().filter(is_post_to(CHANNEL)).collect()
}

fn channel_path() -> String {
    format!("/channels/{CHANNEL}/messages")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limited_reply_waits_the_time_discord_asks_then_is_sent_once() {
    let (emu, _bot) = setup().await;
    emu.fail_next(
        &channel_path(),
        429,
        json!({"message": "You are being rate limited.", "retry_after": 0.6, "global": false}),
    );
    ask(&emu, 2001, "what is stage 2").await;
    let sent = emu
        .wait_for(WAIT, is_reply_to(2001))
        .await
        .expect("the reply, in the end");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let posts = posts(&emu);
    assert_eq!(posts.iter().map(|r| r.status).collect::<Vec<_>>(), [429, 200]);
    let waited = sent.at - posts[0].at;
    assert!(
        waited >= Duration::from_millis(600),
        "retried after {waited:?}, before the 0.6 s Discord asked for"
    );
    assert!(waited < Duration::from_secs(3), "retried only after {waited:?}");
    assert_eq!(emu.created_messages(CHANNEL).len(), 1);
    assert_eq!(embed(&sent.payload())["title"], "Stage 2 soft tissue sarcoma");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_whose_answer_was_lost_is_retried_without_posting_twice() {
    let (emu, bot) = setup().await;
    emu.fail_next_after_processing(&channel_path(), 502, json!({"message": "Bad Gateway", "code": 0}));
    emu.fail_next(
        &channel_path(),
        500,
        json!({"message": "Internal Server Error", "code": 0}),
    );
    ask(&emu, 2002, "chemo side effects").await;
    emu.wait_for(WAIT, is_reply_to(2002)).await.expect("the reply");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let posts = posts(&emu);
    assert_eq!(
        posts.iter().map(|r| r.status).collect::<Vec<_>>(),
        [502, 500, 200]
    );
    let nonces: Vec<_> = posts.iter().map(|r| r.payload()["nonce"].clone()).collect();
    assert!(
        nonces.iter().all(|n| *n == nonces[0] && n.is_string()),
        "{nonces:?}"
    );
    assert!(posts.iter().all(|r| r.payload()["enforce_nonce"] == true));
    assert_eq!(
        emu.created_messages(CHANNEL).len(),
        1,
        "the first attempt already posted the reply; the retries must not post it again"
    );
    assert!(bot.wait_log("attempts=3", WAIT).await, "{}", bot.log());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slash_command_answer_meeting_server_errors_is_retried_once_through() {
    let (emu, _bot) = setup().await;
    emu.fail_next(
        "/interactions/2003/",
        503,
        json!({"message": "Service Unavailable", "code": 0}),
    );
    emu.fail_next_after_processing(
        "/interactions/2003/",
        502,
        json!({"message": "Bad Gateway", "code": 0}),
    );
    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(
            2003,
            CHANNEL,
            MEMBER,
            "stage",
            json!([{"name": "number", "type": 4, "value": 4}]),
        ),
    )
    .await;
    let answered = emu
        .wait_for(WAIT, |r| is_callback(2003)(r) && r.status == 400)
        .await
        .expect("the third attempt, refused because the second got through");
    assert_eq!(
        answered.payload()["data"]["embeds"][0]["title"],
        "Stage 4 (metastatic) soft tissue sarcoma"
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    let statuses: Vec<u16> = emu
        .requests()
        .iter()
        .filter(|r| is_callback(2003)(r))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses,
        [503, 502, 400],
        "no attempt after Discord said it was answered"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_that_keeps_failing_is_given_up_after_bounded_attempts_and_the_bot_goes_on() {
    let (emu, bot) = setup().await;
    for _ in 0..4 {
        emu.fail_next(
            &channel_path(),
            500,
            json!({"message": "Internal Server Error", "code": 0}),
        );
    }
    let started = Instant::now();
    ask(&emu, 2004, "radiation therapy").await;
    assert!(
        bot.wait_log("gave up after 4 attempt(s)", WAIT).await,
        "{}",
        bot.log()
    );
    let took = started.elapsed();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(posts(&emu).len(), 4, "no fifth attempt");
    assert!(
        took >= Duration::from_millis(1750),
        "backed off 250 + 500 + 1000 ms, took {took:?}"
    );
    assert!(emu.created_messages(CHANNEL).is_empty());

    ask(&emu, 2005, "surgery").await;
    emu.wait_for(WAIT, is_reply_to(2005))
        .await
        .expect("the next question is answered");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limit_longer_than_the_budget_is_given_up_at_once() {
    let (emu, bot) = setup().await;
    emu.fail_next(
        &channel_path(),
        429,
        json!({"message": "You are being rate limited.", "retry_after": 120.0, "global": true}),
    );
    ask(&emu, 2006, "stage 3").await;
    assert!(
        bot.wait_log("rate limited for 120.0 s", WAIT).await,
        "{}",
        bot.log()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(posts(&emu).len(), 1, "no retry storm against a long rate limit");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_a_reply_in_flight_finish_before_the_bot_exits() {
    let (emu, mut bot) = setup().await;
    emu.delay_next(&channel_path(), Duration::from_millis(1500));
    ask(&emu, 2007, "stage 1").await;
    emu.wait_for(WAIT, is_reply_to(2007))
        .await
        .expect("the reply is on its way");
    let signalled = Instant::now();
    bot.signal("TERM").await;
    let exit = bot.wait_exit(WAIT).await.expect("exits within 10 s");
    assert!(exit.success(), "{exit:?}: {}", bot.log());
    assert!(
        signalled.elapsed() >= Duration::from_millis(1000),
        "exited {:?} after SIGTERM, before the reply's answer came back",
        signalled.elapsed()
    );
    let log = bot.log();
    assert!(log.contains("finishing replies in flight"), "{log}");
    assert!(
        log.contains("outcome=\"answered\"") && !log.contains("still in flight"),
        "{log}"
    );
}
