//! `config.toml`: where the knowledge comes from, and how the bot behaves on Discord. Unknown
//! keys are errors, because a misspelt key that is silently ignored is a setting that
//! silently does not apply.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::knowledge::{KnowledgeBase, LoadError, Loaded};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// A knowledge folder to use instead of the built-in one; empty means built-in.
    #[serde(default)]
    knowledge_dir: Option<PathBuf>,
    /// `error`, `warn`, `info`, `debug` or `trace`; `RUST_LOG` overrides it.
    #[serde(default)]
    log_level: Option<String>,
    #[serde(default)]
    pub discord: DiscordConfig,
    #[serde(default)]
    pub safety: SafetyConfig,
    #[serde(default)]
    pub health: HealthConfig,
    /// The folder the config file is in; relative paths are read from there.
    #[serde(skip)]
    base: PathBuf,
}

/// A Discord id (guild, channel, user). Accepted as a TOML integer or a string of digits,
/// since Discord's own tools copy ids as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Snowflake(pub u64);

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Text(String),
        }
        let n = match Raw::deserialize(d)? {
            Raw::Int(n) => n,
            Raw::Text(s) => s
                .trim()
                .parse()
                .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a Discord id (digits only)")))?,
        };
        if n == 0 {
            return Err(serde::de::Error::custom("0 is not a Discord id"));
        }
        Ok(Snowflake(n))
    }
}

/// `[discord]`: connection and behaviour on Discord.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// Another Discord API base, e.g. a rate-limit proxy; empty means https://discord.com.
    pub api_base: String,
    /// A file holding the bot token, when `DISCORD_TOKEN` is not set.
    token_file: Option<PathBuf>,
    /// Guilds to register slash commands in (instantly); empty registers them globally.
    pub guild_ids: Vec<Snowflake>,
    /// Channels where every message is answered, not only mentions and DMs.
    pub listen_channels: Vec<Snowflake>,
    /// Answers to /ask, /stage, /treatment and /glossary are shown only to the asker.
    pub ephemeral: bool,
    /// Seconds a member waits between questions.
    pub cooldown_seconds: u64,
    /// How many shards the bot runs as in all, across every process; absent or 0: as many as
    /// Discord recommends, all in this process.
    pub shard_total: Option<u32>,
    /// The shards this process runs, when several processes share `shard_total`.
    pub shard_range: Option<ShardRange>,
}

/// The shards one process runs, first and last included: `[0, 1]`, or `0` for one shard,
/// or text such as `"2-3"`, `"2..4"` (end excluded, as in Rust) or `"2..=3"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
}

impl<'de> Deserialize<'de> for ShardRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(u32),
            Pair(Vec<u32>),
            Text(String),
        }
        let bad = |what: &str| {
            serde::de::Error::custom(format!(
                "{what} is not a shard range: write [first, last], a single shard id, or \"first-last\""
            ))
        };
        let (first, last) = match Raw::deserialize(d)? {
            Raw::One(n) => (n, n),
            Raw::Pair(pair) => match pair.as_slice() {
                [first, last] => (*first, *last),
                _ => return Err(bad(&format!("{pair:?}"))),
            },
            Raw::Text(text) => parse_range(&text).ok_or_else(|| bad(&format!("{text:?}")))?,
        };
        if first > last {
            return Err(serde::de::Error::custom(format!(
                "the shard range starts at {first} but ends at {last}"
            )));
        }
        Ok(ShardRange { first, last })
    }
}

fn parse_range(text: &str) -> Option<(u32, u32)> {
    let number = |s: &str| s.trim().parse::<u32>().ok();
    let text = text.trim();
    if let Some((a, b)) = text.split_once("..=") {
        return Some((number(a)?, number(b)?));
    }
    if let Some((a, b)) = text.split_once("..") {
        return Some((number(a)?, number(b)?.checked_sub(1)?));
    }
    match text.split_once('-') {
        Some((a, b)) => Some((number(a)?, number(b)?)),
        None => number(text).map(|n| (n, n)),
    }
}

/// Which gateway shards this process connects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shards {
    /// As many as Discord recommends, all here.
    Auto,
    /// Shards `first..=last` of `total`.
    Range { first: u32, last: u32, total: u32 },
}

impl DiscordConfig {
    pub fn shards(&self) -> Shards {
        match (self.shard_total.filter(|&t| t > 0), self.shard_range) {
            (None, _) => Shards::Auto,
            (Some(total), None) => Shards::Range {
                first: 0,
                last: total - 1,
                total,
            },
            (Some(total), Some(r)) => Shards::Range {
                first: r.first,
                last: r.last,
                total,
            },
        }
    }

    /// Settings that each parse but do not fit together.
    fn conflict(&self) -> Option<String> {
        let range = self.shard_range?;
        match self.shard_total.filter(|&t| t > 0) {
            None => Some(
                "[discord] shard_range needs shard_total, the number of shards across all processes".into(),
            ),
            Some(total) if range.last >= total => Some(format!(
                "[discord] shard_range ends at shard {} but shard_total = {total} numbers shards 0 to {}",
                range.last,
                total - 1
            )),
            Some(_) => None,
        }
    }
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            api_base: String::new(),
            token_file: None,
            guild_ids: Vec::new(),
            listen_channels: Vec::new(),
            ephemeral: true,
            cooldown_seconds: 5,
            shard_total: None,
            shard_range: None,
        }
    }
}

/// `[safety]`: what happens around a crisis or emergency message.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SafetyConfig {
    /// A moderators' channel that gets a short notice, with a link and no quote.
    pub alert_channel: Option<Snowflake>,
}

/// `[health]`: a plain HTTP readiness check for supervisors and orchestrators.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthConfig {
    /// Address to serve `GET /healthz` on, e.g. `127.0.0.1:8080`; absent: no endpoint.
    pub listen: Option<std::net::SocketAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {source}")]
    Read { file: String, source: std::io::Error },
    #[error("{file}:{line}: {message}")]
    Parse {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
            file: file.clone(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| ConfigError::Invalid {
            file: file.clone(),
            message: "not UTF-8 text".into(),
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            line: e.span().map_or(1, |s| text[..s.start].matches('\n').count() + 1),
            message: e.message().trim().to_owned(),
            file: file.clone(),
        })?;
        if let Some(message) = config.discord.conflict() {
            return Err(ConfigError::Invalid { file, message });
        }
        config.base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(config)
    }

    /// The knowledge folder to read, if any, resolved against the config file's folder.
    pub fn knowledge_dir(&self) -> Option<PathBuf> {
        self.knowledge_dir
            .as_ref()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| self.base.join(p))
    }

    /// The token file, resolved against the config file's folder.
    pub fn token_file(&self) -> Option<PathBuf> {
        self.discord
            .token_file
            .as_ref()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| self.base.join(p))
    }

    /// The log filter: `RUST_LOG` when set, else `log_level` for this crate and warnings for
    /// the libraries under it.
    pub fn log_filter(&self) -> String {
        match std::env::var("RUST_LOG") {
            Ok(filter) if !filter.trim().is_empty() => filter,
            _ => format!("warn,sarcoma_bot={}", self.log_level.as_deref().unwrap_or("info")),
        }
    }

    /// Sets the knowledge folder from the command line, which outranks the file.
    pub fn set_knowledge_dir(&mut self, dir: PathBuf) {
        self.knowledge_dir = Some(dir);
        self.base = PathBuf::new();
    }

    /// Loads the configured knowledge: the folder if one is set, else the built-in copy.
    pub fn load_knowledge(&self) -> Result<Loaded, LoadError> {
        match self.knowledge_dir() {
            Some(dir) => KnowledgeBase::from_dir(&dir),
            None => KnowledgeBase::embedded(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sarcoma-bot-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn relative_knowledge_dir_is_read_from_the_config_folder() {
        let path = write("relative", "knowledge_dir = \"kb\"\n");
        let config = Config::load(&path).unwrap();
        assert_eq!(config.knowledge_dir(), Some(path.parent().unwrap().join("kb")));
    }

    #[test]
    fn empty_knowledge_dir_means_built_in() {
        let path = write("empty", "knowledge_dir = \"\"\n");
        assert_eq!(Config::load(&path).unwrap().knowledge_dir(), None);
    }

    #[test]
    fn discord_settings_have_safe_defaults_and_take_ids_as_numbers_or_text() {
        let path = write(
            "discord",
            "[discord]\nguild_ids = [123, \"456\"]\n[safety]\nalert_channel = \"789\"\n",
        );
        let config = Config::load(&path).unwrap();
        assert_eq!(config.discord.guild_ids, [Snowflake(123), Snowflake(456)]);
        assert!(config.discord.ephemeral);
        assert_eq!(config.discord.cooldown_seconds, 5);
        assert_eq!(config.safety.alert_channel, Some(Snowflake(789)));
        let bad = write("discord-bad", "[discord]\nlisten_channels = [\"general\"]\n");
        let err = Config::load(&bad).unwrap_err().to_string();
        assert!(err.contains("not a Discord id"), "{err}");
    }

    #[test]
    fn shards_are_automatic_unless_a_total_is_set_and_ranges_are_read_in_every_usual_form() {
        let auto = Config::load(&write("shards-auto", "")).unwrap();
        assert_eq!(auto.discord.shards(), Shards::Auto);
        let all = Config::load(&write("shards-all", "[discord]\nshard_total = 4\n")).unwrap();
        assert_eq!(
            all.discord.shards(),
            Shards::Range {
                first: 0,
                last: 3,
                total: 4
            }
        );
        for (range, first, last) in [
            ("[1, 2]", 1, 2),
            ("3", 3, 3),
            ("\"1-2\"", 1, 2),
            ("\"1..3\"", 1, 2),
            ("\"1..=2\"", 1, 2),
        ] {
            let path = write(
                "shards-range",
                &format!("[discord]\nshard_total = 4\nshard_range = {range}\n"),
            );
            let config = Config::load(&path).unwrap();
            assert_eq!(
                config.discord.shards(),
                Shards::Range {
                    first,
                    last,
                    total: 4
                },
                "{range}"
            );
        }
        for (text, wanted) in [
            ("[discord]\nshard_range = [0, 1]\n", "needs shard_total"),
            (
                "[discord]\nshard_total = 2\nshard_range = [1, 2]\n",
                "ends at shard 2",
            ),
            (
                "[discord]\nshard_total = 2\nshard_range = [1, 0]\n",
                "starts at 1",
            ),
            (
                "[discord]\nshard_total = 2\nshard_range = \"one\"\n",
                "not a shard range",
            ),
        ] {
            let err = Config::load(&write("shards-bad", text)).unwrap_err().to_string();
            assert!(err.contains(wanted), "{text}: {err}");
        }
    }

    #[test]
    fn the_health_endpoint_is_off_unless_an_address_is_given() {
        assert_eq!(
            Config::load(&write("health-off", "")).unwrap().health.listen,
            None
        );
        let on = Config::load(&write("health-on", "[health]\nlisten = \"127.0.0.1:9\"\n")).unwrap();
        assert_eq!(on.health.listen, Some("127.0.0.1:9".parse().unwrap()));
        let err = Config::load(&write("health-bad", "[health]\nlisten = \"port 80\"\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(":2:"), "{err}");
    }

    #[test]
    fn unknown_keys_are_reported_with_their_line() {
        let path = write("unknown", "# comment\nknowledge_dri = \"kb\"\n");
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains(":2:") && err.contains("knowledge_dri"), "{err}");
    }
}
