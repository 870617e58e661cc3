//! End to end, for operators: shards (automatic, or split across processes by config), the
//! health check, and the invite link.

use crate::support;

use std::net::SocketAddr;
use std::time::Duration;

use support::bot::*;
use support::emulator::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CHANNEL: u64 = 730000000000000001;
const MEMBER: u64 = 630000000000000001;
/// Guilds that Discord's routing, `(guild_id >> 22) % 2`, puts on shard 0 and shard 1.
const GUILD_ON_0: u64 = 1000 << 22;
const GUILD_ON_1: u64 = 1001 << 22;
/// serenity waits 5 s between starting two shards; the second READY takes that long.
const SECOND_SHARD: Duration = Duration::from_secs(15);

fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// `GET /healthz`: the status code and the body.
async fn health(addr: SocketAddr) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .await
        .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    let code = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split("\r\n\r\n").nth(1)?.to_owned();
    Some((code, body))
}

/// The body of the first answer with status `code` and `wanted` in its body, within 10 s.
async fn wait_health(addr: SocketAddr, code: u16, wanted: &str) -> Option<String> {
    for _ in 0..200 {
        if let Some((c, body)) = health(addr).await
            && c == code
            && body.contains(wanted)
        {
            return Some(body);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

fn question(id: u64, guild: u64, text: &str) -> serde_json::Value {
    let mut m = message(id, CHANNEL, Some(guild), MEMBER, false, &mention(text), true);
    m["guild_id"] = serde_json::json!(guild.to_string());
    m
}

/// Questions the log says were answered on `shard`.
fn answered_on(log: &str, shard: u32) -> usize {
    log.lines()
        .filter(|l| l.contains(&format!(" shard={shard} ")) && l.contains("outcome=\"answered\""))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn autosharding_runs_the_recommended_shards_and_is_ready_only_when_all_are_connected() {
    let emu = Emulator::start_with(Options {
        recommended_shards: 2,
        ..Options::default()
    })
    .await;
    let addr = free_port();
    let config = write_config(
        &emu,
        "config.toml",
        &format!(
            "log_level = \"debug\"\n[discord]\nguild_ids = [{GUILD_ID}]\ncooldown_seconds = 0\n\
             [health]\nlisten = \"{addr}\"\n"
        ),
    );
    let bot = Bot::spawn(&emu, &config, scratch_dir(&emu).join("bot.log")).await;
    let starting = wait_health(addr, 503, "\"connected\":1")
        .await
        .expect("not ready with one shard of two");
    assert!(
        starting.contains("\"connected\":1") && starting.contains("\"expected\":2"),
        "{starting}"
    );

    assert!(emu.wait_identified(2, SECOND_SHARD).await, "{}", bot.log());
    let mut shards: Vec<_> = emu.identifies().iter().map(|i| i["shard"].clone()).collect();
    shards.sort_by_key(|s| s[0].as_u64());
    assert_eq!(shards, [serde_json::json!([0, 2]), serde_json::json!([1, 2])]);
    let ready = wait_health(addr, 200, "\"connected\":2")
        .await
        .expect("ready once both shards are connected");
    assert!(ready.contains("\"ready\""), "{ready}");

    emu.dispatch_routed("MESSAGE_CREATE", question(4001, GUILD_ON_0, "stage 1"))
        .await;
    emu.dispatch_routed("MESSAGE_CREATE", question(4002, GUILD_ON_1, "stage 3"))
        .await;
    for id in [4001, 4002] {
        emu.wait_for(WAIT, is_reply_to(id)).await.expect("answered");
    }
    assert_eq!(
        bot.wait_log_lines("outcome=\"answered\"", 2, WAIT).await,
        2,
        "{}",
        bot.log()
    );
    let log = bot.log();
    assert_eq!(answered_on(&log, 0), 1, "{log}");
    assert_eq!(answered_on(&log, 1), 1, "{log}");
    let registrations = emu
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path.contains("/commands"))
        .count();
    assert_eq!(registrations, 1, "commands are registered once, from shard 0");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_split_the_shards_and_each_question_is_answered_once_by_its_shard() {
    let emu = Emulator::start().await;
    let config = |name: &str, range: &str| {
        write_config(
            &emu,
            name,
            &format!(
                "log_level = \"debug\"\n[discord]\nguild_ids = [{GUILD_ID}]\ncooldown_seconds = 0\n\
                 shard_total = 2\nshard_range = {range}\n"
            ),
        )
    };
    let dir = scratch_dir(&emu);
    let first = Bot::launch(&emu, &config("first.toml", "[0, 0]"), dir.join("first.log"));
    let second = Bot::launch(&emu, &config("second.toml", "\"1-1\""), dir.join("second.log"));
    assert!(
        emu.wait_identified(2, WAIT).await,
        "{}\n{}",
        first.log(),
        second.log()
    );
    let mut shards: Vec<_> = emu.identifies().iter().map(|i| i["shard"].clone()).collect();
    shards.sort_by_key(|s| s[0].as_u64());
    assert_eq!(shards, [serde_json::json!([0, 2]), serde_json::json!([1, 2])]);

    // READY reached both; each bot learns its own user id when it handles it.
    for bot in [&first, &second] {
        assert!(bot.wait_log("connected to Discord", WAIT).await, "{}", bot.log());
    }
    let ids: Vec<u64> = (4100..4120).collect();
    for &id in &ids {
        let guild = if id % 2 == 0 { GUILD_ON_0 } else { GUILD_ON_1 };
        emu.dispatch_routed("MESSAGE_CREATE", question(id, guild, "what is chemotherapy"))
            .await;
    }
    for &id in &ids {
        emu.wait_for(WAIT, is_reply_to(id)).await.expect("answered");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for &id in &ids {
        let replies = emu.requests().into_iter().filter(is_reply_to(id)).count();
        assert_eq!(replies, 1, "question {id} answered {replies} times");
    }
    for bot in [&first, &second] {
        bot.wait_log_lines("outcome=\"answered\"", 10, WAIT).await;
    }
    let (first_log, second_log) = (first.log(), second.log());
    assert_eq!(
        (answered_on(&first_log, 0), answered_on(&first_log, 1)),
        (10, 0),
        "{first_log}"
    );
    assert_eq!(
        (answered_on(&second_log, 0), answered_on(&second_log, 1)),
        (0, 10),
        "{second_log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn invite_prints_the_link_with_the_bots_scopes_and_permissions() {
    let emu = Emulator::start().await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_sarcoma-bot"))
        .arg("invite")
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_API_BASE", emu.base_url())
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let url = String::from_utf8(output.stdout).unwrap();
    assert!(
        url.starts_with(&format!(
            "https://discord.com/oauth2/authorize?client_id={APPLICATION_ID}&"
        )),
        "{url}"
    );
    assert!(url.contains("scope=bot%20applications.commands"), "{url}");
    // View Channel, Send Messages, Send Messages in Threads, Embed Links, Read Message History.
    let wanted: u64 = (1 << 10) | (1 << 11) | (1 << 38) | (1 << 14) | (1 << 16);
    assert!(
        url.trim_end().ends_with(&format!("&permissions={wanted}")),
        "{url}"
    );

    let offline = std::process::Command::new(env!("CARGO_BIN_EXE_sarcoma-bot"))
        .args(["invite", "--client-id", "123"])
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&offline.stdout).contains("client_id=123&"));
    let no_token = std::process::Command::new(env!("CARGO_BIN_EXE_sarcoma-bot"))
        .args(["--config", "/dev/null", "invite"])
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    let error = String::from_utf8_lossy(&no_token.stderr);
    assert!(
        error.contains("--client-id") && error.contains("DISCORD_TOKEN"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_recommended_shard_count_the_bot_runs_one_shard() {
    let emu = Emulator::start().await;
    emu.fail_next(
        "/gateway/bot",
        404,
        serde_json::json!({"message": "404: Not Found", "code": 0}),
    );
    let config = write_config(&emu, "config.toml", "[discord]\ncooldown_seconds = 0\n");
    let bot = Bot::spawn(&emu, &config, scratch_dir(&emu).join("bot.log")).await;
    assert_eq!(emu.identify().unwrap()["shard"], serde_json::json!([0, 1]));
    assert!(bot.log().contains("running one shard"), "{}", bot.log());
    assert!(bot.wait_log("connected to Discord", WAIT).await, "{}", bot.log());
    emu.dispatch("MESSAGE_CREATE", question(4201, GUILD_ID, "stage 4"))
        .await;
    emu.wait_for(WAIT, is_reply_to(4201)).await.expect("answered");
}
