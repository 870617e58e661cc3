//! End to end, running as a service: signals stop the bot promptly in every state (reaching
//! the API base, connecting to a gateway that refuses, resuming, running), an API base that
//! cannot be reached is retried and then given up with exit code 3, only the configured base
//! is used, and the bot knows itself before the first message.

use crate::support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use support::bot::*;
use support::emulator::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// "Promptly": well inside a supervisor's stop timeout, and far below serenity's 5 s retry.
const PROMPT: Duration = Duration::from_secs(3);

/// A loopback address where nothing listens: connections are refused at once.
fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// `GET /healthz`: the status code and the body.
async fn health(addr: SocketAddr) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
        .await
        .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    let code = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split("\r\n\r\n").nth(1)?.to_owned();
    Some((code, body))
}

/// Signals the bot and expects a clean exit (code 0) within [`PROMPT`].
async fn stops_promptly(bot: &mut Bot, signal: &str) {
    let asked = Instant::now();
    bot.signal(signal).await;
    let exit = bot
        .wait_exit(PROMPT)
        .await
        .unwrap_or_else(|| panic!("still running {PROMPT:?} after SIG{signal}: {}", bot.log()));
    assert!(exit.success(), "{exit:?} after SIG{signal}: {}", bot.log());
    assert!(asked.elapsed() < PROMPT);
    assert!(!bot.log().contains(TOKEN), "the token reached the log");
}

/// A config in a scratch folder named after `tag`, since no emulator names one here.
fn scratch_config(tag: &str, text: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("sarcoma-bot-service-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(&config, text).unwrap();
    (config, dir.join("bot.log"))
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_and_sigint_stop_the_bot_while_the_api_base_cannot_be_reached() {
    for signal in ["TERM", "INT"] {
        let base = format!("http://{}", closed_port());
        let (config, log) = scratch_config(&format!("unreachable-{signal}"), "log_level = \"debug\"\n");
        let mut bot = Bot::launch_at(&base, &config, log);
        assert!(
            bot.wait_log("cannot reach the Discord API; retrying", WAIT).await,
            "{}",
            bot.log()
        );
        stops_promptly(&mut bot, signal).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_base_is_retried_with_its_url_then_given_up_with_exit_code_3() {
    let port = closed_port();
    let base = format!("http://{port}");
    let health_addr = closed_port();
    let (config, log) = scratch_config(
        "give-up",
        &format!("[discord]\nconnect_timeout_seconds = 3\n[health]\nlisten = \"{health_addr}\"\n"),
    );
    let started = Instant::now();
    let mut bot = Bot::launch_at(&base, &config, log);
    assert!(
        bot.wait_log("cannot reach the Discord API; retrying", WAIT).await,
        "{}",
        bot.log()
    );
    // Meanwhile the health check says why.
    let mut reported = None;
    for _ in 0..40 {
        if let Some((503, body)) = health(health_addr).await
            && body.contains("\"unreachable\"")
        {
            reported = Some(body);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let reported = reported.expect("/healthz reports the unreachable base");
    assert!(
        reported.contains(&format!("{base}/api/v10/users/@me")),
        "{reported}"
    );

    let exit = bot.wait_exit(WAIT).await.expect("gives up within the bound");
    assert_eq!(exit.code(), Some(3), "{}", bot.log());
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "gave up before the bound"
    );
    let log = bot.log();
    let retries: Vec<&str> = log.lines().filter(|l| l.contains("retrying")).collect();
    assert!(retries.len() >= 2, "{log}");
    for line in &retries {
        assert!(line.contains(&format!("url={base}/api/v10/")), "{line}");
        assert!(line.contains("Connection refused"), "{line}");
        assert_eq!(line.matches("os error").count(), 1, "{line}");
    }
    assert!(log.contains("gave up after 3 s"), "{log}");
    assert!(!log.contains(TOKEN), "the token reached the log");
    assert!(
        !log.contains("discord.gg"),
        "fell back to Discord's gateway: {log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_gateway_lookup_is_retried_on_the_configured_base_never_discord() {
    let emu = Emulator::start().await;
    // Both the autosharding lookup and the plain one fail, then work.
    emu.fail_next(
        "/gateway",
        502,
        serde_json::json!({"message": "bad gateway", "code": 0}),
    );
    emu.fail_next(
        "/gateway",
        502,
        serde_json::json!({"message": "bad gateway", "code": 0}),
    );
    let config = write_config(&emu, "config.toml", "log_level = \"debug\"\n");
    let bot = Bot::launch(&emu, &config, scratch_dir(&emu).join("bot.log"));
    assert!(emu.wait_ready(WAIT).await, "never identified: {}", bot.log());
    let log = bot.log();
    let retry = log
        .lines()
        .find(|l| l.contains("cannot reach the Discord API; retrying"))
        .unwrap_or_else(|| panic!("no retry line: {log}"));
    assert!(
        retry.contains(&format!("url={}/api/v10/gateway", emu.base_url())),
        "{retry}"
    );
    assert!(retry.contains("HTTP 502"), "{retry}");
    assert!(!log.contains("discord.gg"), "{log}");
    // Who the bot is was asked first, before the gateway.
    let paths: Vec<String> = emu.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.first().map(String::as_str), Some("/users/@me"), "{paths:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_the_bot_while_the_gateway_refuses_connections() {
    let emu = Emulator::start().await;
    emu.refuse_gateway(true);
    let config = write_config(&emu, "config.toml", "log_level = \"debug\"\n");
    let mut bot = Bot::launch(&emu, &config, scratch_dir(&emu).join("bot.log"));
    // REST works, so the bot gets as far as opening the gateway, and retries that.
    emu.wait_for(WAIT, |r| r.path.starts_with("/gateway"))
        .await
        .expect("asked for the gateway");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!emu.wait_ready(Duration::ZERO).await);
    stops_promptly(&mut bot, "TERM").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_the_bot_while_it_tries_to_resume() {
    let emu = Emulator::start().await;
    let mut bot = ready_bot(&emu, "").await;
    emu.refuse_gateway(true);
    emu.drop_all().await;
    assert!(bot.wait_log("gateway connection", WAIT).await, "{}", bot.log());
    tokio::time::sleep(Duration::from_millis(700)).await;
    stops_promptly(&mut bot, "TERM").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_a_running_bot_promptly() {
    let emu = Emulator::start().await;
    let mut bot = ready_bot(&emu, "").await;
    stops_promptly(&mut bot, "TERM").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_that_arrives_right_after_ready_is_answered() {
    let emu = Emulator::start().await;
    // Several, sent with READY in one burst: each would race the READY handler if the bot
    // learnt its own id there.
    let channel = 740000000000000001;
    for i in 0..5 {
        let question = message(
            5001 + i,
            channel,
            Some(GUILD_ID),
            640000000000000001 + i,
            false,
            &mention("what is stage 4?"),
            true,
        );
        emu.dispatch_after_ready("MESSAGE_CREATE", question);
    }
    let config = write_config(
        &emu,
        "config.toml",
        &format!("log_level = \"debug\"\n[discord]\nguild_ids = [{GUILD_ID}]\ncooldown_seconds = 0\n"),
    );
    let bot = Bot::spawn(&emu, &config, scratch_dir(&emu).join("bot.log")).await;
    for i in 0..5 {
        let reply = emu
            .wait_for(WAIT, is_reply_to(5001 + i))
            .await
            .unwrap_or_else(|| panic!("mention {i} after READY was not answered: {}", bot.log()));
        assert_eq!(reply.path, format!("/channels/{channel}/messages"));
    }
    // The race itself is rare (the READY handler had only to store the id); what closes it is
    // that the id comes from `GET /users/@me`, asked before the gateway is looked up.
    let paths: Vec<String> = emu.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.first().map(String::as_str), Some("/users/@me"), "{paths:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_past_the_cap_is_dropped_counted_and_the_bot_answers_again_after() {
    let health_addr = closed_port();
    let channel = 740000000000000002;
    let emu = Emulator::start().await;
    let config = write_config(
        &emu,
        "config.toml",
        &format!(
            "log_level = \"debug\"\n[discord]\nguild_ids = [{GUILD_ID}]\ncooldown_seconds = 0\n\
             max_waiting_questions = 5\n[health]\nlisten = \"{health_addr}\"\n"
        ),
    );
    let bot = Bot::spawn(&emu, &config, scratch_dir(&emu).join("bot.log")).await;
    // The first five replies take 2 s to be answered, so their questions keep their places.
    let messages = format!("/channels/{channel}/messages");
    for _ in 0..5 {
        emu.delay_next(&messages, Duration::from_secs(2));
    }
    for i in 0..20 {
        let question = message(
            6001 + i,
            channel,
            Some(GUILD_ID),
            650000000000000001 + i,
            false,
            &mention("what is chemo?"),
            true,
        );
        emu.dispatch("MESSAGE_CREATE", question).await;
    }
    assert!(
        bot.wait_log("dropping new ones until the queue drains", WAIT)
            .await,
        "{}",
        bot.log()
    );
    assert!(
        bot.wait_log("questions are queued again after a flood", WAIT)
            .await,
        "{}",
        bot.log()
    );
    let log = bot.log();
    let summary = log
        .lines()
        .find(|l| l.contains("queued again"))
        .expect("a summary line");
    assert!(
        summary.contains("dropped=15") && summary.contains("shed_total=15"),
        "{summary}"
    );
    let (code, body) = health(health_addr).await.expect("the health check answers");
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("\"shed\":15"), "{body}");
    let answered: Vec<u64> = (0..20)
        .filter(|i| emu.requests().iter().any(is_reply_to(6001 + i)))
        .collect();
    // serenity runs each event in a task of its own, so which five got places varies.
    assert_eq!(answered.len(), 5, "{answered:?}");

    // The flood is over: the next question is answered at once.
    let next = message(
        6100,
        channel,
        Some(GUILD_ID),
        650000000000000100,
        false,
        &mention("stage 4"),
        true,
    );
    emu.dispatch("MESSAGE_CREATE", next).await;
    emu.wait_for(WAIT, is_reply_to(6100))
        .await
        .expect("answered after the flood");
    let replies = emu
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == messages)
        .count();
    assert_eq!(replies, 6, "no question answered twice");
}
