//! The real `sarcoma-bot serve` binary as a child process pointed at an [`Emulator`], for the
//! end-to-end tests: spawn it with a config, read its log, signal it, wait for its exit.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::process::{Child, Command};

use super::emulator::{BOT_USER_ID, Emulator, GUILD_ID, Recorded};

/// How long a test waits for something the bot should do at once.
pub const WAIT: Duration = Duration::from_secs(10);
/// A fake token: the emulator accepts any, and tests check it never reaches a log.
pub const TOKEN: &str = "emulator-token-not-a-secret";

pub struct Bot {
    pub child: Child,
    log: PathBuf,
}

/// A scratch folder for one emulator's bots (configs, logs, knowledge copies).
pub fn scratch_dir(emu: &Emulator) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sarcoma-bot-e2e-{}-{}",
        std::process::id(),
        emu.base_url().rsplit(':').next().unwrap_or("0")
    ));
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// Writes `text` as `name` in the emulator's scratch folder and returns its path.
pub fn write_config(emu: &Emulator, name: &str, text: &str) -> PathBuf {
    let path = scratch_dir(emu).join(name);
    std::fs::write(&path, text).expect("write a config");
    path
}

impl Bot {
    /// Runs `serve` with a config file, the way an operator would, and waits until it has
    /// identified on the gateway.
    pub async fn spawn(emu: &Emulator, config: &Path, log: PathBuf) -> Bot {
        let bot = Bot::launch(emu, config, log);
        assert!(emu.wait_ready(WAIT).await, "the bot never identified");
        bot
    }

    /// Runs `serve` without waiting for anything; for bots expected to fail or to shard.
    pub fn launch(emu: &Emulator, config: &Path, log: PathBuf) -> Bot {
        Bot::launch_at(&emu.base_url(), config, log)
    }

    /// Runs `serve` against any API base, such as one where nothing listens.
    pub fn launch_at(base: &str, config: &Path, log: PathBuf) -> Bot {
        let child = Command::new(env!("CARGO_BIN_EXE_sarcoma-bot"))
            .args(["serve", "--config", config.to_str().expect("a UTF-8 path")])
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_API_BASE", base)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("create the bot's log"))
            .kill_on_drop(true)
            .spawn()
            .expect("start sarcoma-bot serve");
        Bot { child, log }
    }

    /// Everything the bot has written to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends a Unix signal (`"TERM"`, `"HUP"`, ...) to the bot.
    pub async fn signal(&self, name: &str) {
        let pid = self.child.id().expect("the bot is running");
        let status = Command::new("kill")
            .args([format!("-{name}"), pid.to_string()])
            .status()
            .await
            .expect("run kill");
        assert!(status.success(), "kill -{name} {pid} failed");
    }

    /// The bot's exit status, or `None` if it is still running after `timeout`.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        tokio::time::timeout(timeout, self.child.wait())
            .await
            .ok()
            .map(|status| status.expect("wait for the bot"))
    }

    /// Waits until the log contains `text`.
    pub async fn wait_log(&self, text: &str, timeout: Duration) -> bool {
        self.wait_log_lines(text, 1, timeout).await >= 1
    }

    /// Waits until `count` log lines contain `text`, or `timeout` passes; returns how many do.
    pub async fn wait_log_lines(&self, text: &str, count: usize, timeout: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let seen = self.log().lines().filter(|l| l.contains(text)).count();
            if seen >= count || tokio::time::Instant::now() >= deadline {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A bot in [`GUILD_ID`] with no cooldown (every answer is a real one), debug logs, and the
/// `extra` config lines; returned once it has registered its commands, ready to answer.
pub async fn ready_bot(emu: &Emulator, extra: &str) -> Bot {
    let config = write_config(
        emu,
        "config.toml",
        &format!(
            "log_level = \"debug\"\n{extra}\n[discord]\nguild_ids = [{GUILD_ID}]\ncooldown_seconds = 0\n"
        ),
    );
    let bot = Bot::spawn(emu, &config, scratch_dir(emu).join("bot.log")).await;
    emu.wait_for(WAIT, |r| r.method == "PUT" && r.path.contains("/commands"))
        .await
        .expect("commands registered");
    bot
}

/// `text` addressed to the bot, as Discord's client writes a mention.
pub fn mention(text: &str) -> String {
    format!("<@{BOT_USER_ID}> {text}")
}

/// A channel message posted in `channel`.
pub fn is_post_to(channel: u64) -> impl Fn(&Recorded) -> bool {
    move |r| r.method == "POST" && r.path == format!("/channels/{channel}/messages")
}

/// The response to interaction `interaction`.
pub fn is_callback(interaction: u64) -> impl Fn(&Recorded) -> bool {
    move |r| {
        r.method == "POST"
            && r.path.starts_with(&format!("/interactions/{interaction}/"))
            && r.path.ends_with("/callback")
    }
}

/// The first embed of a channel message or an interaction response.
pub fn embed(body: &Value) -> &Value {
    let embeds = if body["data"].is_object() {
        &body["data"]["embeds"]
    } else {
        &body["embeds"]
    };
    &embeds[0]
}

/// A successful channel message answering message `question`.
pub fn is_reply_to(question: u64) -> impl Fn(&Recorded) -> bool {
    move |r| {
        r.method == "POST"
            && r.status == 200
            && r.path.starts_with("/channels/")
            && r.payload()["message_reference"]["message_id"]
                .as_str()
                .and_then(|id| id.parse::<u64>().ok())
                == Some(question)
    }
}
