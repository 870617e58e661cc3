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
    log_level: Option<LogLevel>,
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

/// How much the bot logs. A closed set, so that a misspelt level is a config error rather than
/// a filter that silences the bot's own logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    const NAMES: [(&str, LogLevel); 5] = [
        ("error", LogLevel::Error),
        ("warn", LogLevel::Warn),
        ("info", LogLevel::Info),
        ("debug", LogLevel::Debug),
        ("trace", LogLevel::Trace),
    ];

    fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, l)| *l == self)
            .map_or("info", |(n, _)| n)
    }
}

impl<'de> Deserialize<'de> for LogLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = toml::Value::deserialize(d)?;
        let found = text.as_str().and_then(|t| {
            LogLevel::NAMES
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(t.trim()))
        });
        match found {
            Some((_, level)) => Ok(*level),
            None => Err(serde::de::Error::custom(format!(
                "{text} is not a log level; use \"error\", \"warn\", \"info\", \"debug\" or \"trace\""
            ))),
        }
    }
}

/// A Discord id (guild, channel, user). Accepted as a TOML integer or a string of digits,
/// since Discord's own tools copy ids as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Snowflake(pub u64);

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// A visitor rather than an untagged enum, so that a wrong value gets a sentence about
        /// Discord ids, not serde's internal type names.
        struct Id;
        impl serde::de::Visitor<'_> for Id {
            type Value = Snowflake;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Discord id: a whole number above 0, or the same digits in quotes")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Snowflake, E> {
                match n {
                    0 => Err(E::custom(
                        "0 is not a Discord id; copy the id with Developer Mode on",
                    )),
                    n => Ok(Snowflake(n)),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Snowflake, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(format!("{n} is not a Discord id (ids are above 0)"))),
                }
            }
            fn visit_i128<E: serde::de::Error>(self, n: i128) -> Result<Snowflake, E> {
                Err(E::custom(format!(
                    "{n} is not a Discord id (ids have at most 20 digits)"
                )))
            }
            fn visit_u128<E: serde::de::Error>(self, n: u128) -> Result<Snowflake, E> {
                self.visit_i128(i128::try_from(n).unwrap_or(i128::MAX))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Snowflake, E> {
                match s.trim().parse::<u64>() {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(format!(
                        "{s:?} is not a Discord id (digits only, as Developer Mode copies them)"
                    ))),
                }
            }
        }
        d.deserialize_any(Id)
    }
}

/// `[discord]`: connection and behaviour on Discord.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[serde(expecting = "a table: [discord] with keys such as guild_ids, listen_channels and cooldown_seconds")]
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
    /// How long start-up keeps retrying an API base that cannot be reached before the bot
    /// exits (code 3), so that a supervisor sees the failure instead of a silent loop.
    pub connect_timeout_seconds: u64,
    /// Questions waiting for their reply at most; past it new ones are dropped with a counted
    /// warning, so a flood cannot grow memory without bound.
    pub max_waiting_questions: usize,
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
        /// A visitor rather than an untagged enum, so that a wrong value gets a sentence about
        /// shard ranges, not serde's internal type names.
        struct Range;
        const ALLOWED: &str = "write [first, last], a single shard id, or \"first-last\"";
        fn checked<E: serde::de::Error>(first: u64, last: u64) -> Result<ShardRange, E> {
            let (Ok(first), Ok(last)) = (u32::try_from(first), u32::try_from(last)) else {
                return Err(E::custom(format!(
                    "shard ids run from 0 to {}; {ALLOWED}",
                    u32::MAX
                )));
            };
            if first > last {
                return Err(E::custom(format!(
                    "the shard range starts at {first} but ends at {last}"
                )));
            }
            Ok(ShardRange { first, last })
        }
        impl<'de> serde::de::Visitor<'de> for Range {
            type Value = ShardRange;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a shard range: {ALLOWED}")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<ShardRange, E> {
                checked(n, n)
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<ShardRange, E> {
                match u64::try_from(n) {
                    Ok(n) => checked(n, n),
                    Err(_) => Err(E::custom(format!("{n} is not a shard range: {ALLOWED}"))),
                }
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ShardRange, E> {
                match parse_range(text) {
                    Some((first, last)) => checked(first.into(), last.into()),
                    None => Err(E::custom(format!("{text:?} is not a shard range: {ALLOWED}"))),
                }
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<ShardRange, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<toml::Value>()? {
                    items.push(item);
                }
                let id = |v: &toml::Value| v.as_integer().and_then(|n| u64::try_from(n).ok());
                if let [first, last] = &items[..]
                    && let (Some(first), Some(last)) = (id(first), id(last))
                {
                    return checked(first, last);
                }
                let shown: Vec<String> = items.iter().map(toml::Value::to_string).collect();
                Err(serde::de::Error::custom(format!(
                    "[{}] is not a shard range: {ALLOWED}",
                    shown.join(", ")
                )))
            }
        }
        d.deserialize_any(Range)
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

    /// Settings that each parse but do not fit together, or are out of range.
    fn conflict(&self) -> Option<String> {
        if self.max_waiting_questions == 0 {
            return Some(
                "[discord] max_waiting_questions = 0 would drop every question; use 1 or more \
                 (default 2000)"
                    .into(),
            );
        }
        let range = self.shard_range?;
        match self.shard_total.filter(|&t| t > 0) {
            None => Some(match self.shard_total {
                Some(0) => "[discord] shard_range needs shard_total set to the number of shards across \
                            all processes; shard_total = 0 means automatic, which runs every shard in \
                            this process: set both, or remove shard_range"
                    .into(),
                _ => "[discord] shard_range needs shard_total, the number of shards across all \
                      processes: set both, or remove shard_range for automatic sharding"
                    .into(),
            }),
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
            connect_timeout_seconds: 120,
            max_waiting_questions: 2000,
        }
    }
}

/// `[safety]`: what happens around a crisis or emergency message.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[serde(expecting = "a table: [safety] with alert_channel")]
pub struct SafetyConfig {
    /// A moderators' channel that gets a short notice, with a link and no quote.
    pub alert_channel: Option<Snowflake>,
}

/// `[health]`: a plain HTTP readiness check for supervisors and orchestrators.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[serde(expecting = "a table: [health] with listen")]
pub struct HealthConfig {
    /// Address to serve `GET /healthz` on, e.g. `127.0.0.1:8080`; absent: no endpoint.
    pub listen: Option<std::net::SocketAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The I/O error is in the message and not a `source`, so that it is printed once.
    #[error("{file}: cannot read: {error}")]
    Read { file: String, error: std::io::Error },
    #[error("{file}:{line}: {message}")]
    Parse {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// The key whose value starts at byte `at` of a TOML text, with its table: `[discord]
/// guild_ids`, or `log_level` at the top. `None` when `at` is not on a `key = value` line.
fn key_at(text: &str, at: usize) -> Option<String> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let bare = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    };
    if !bare(key) {
        return None;
    }
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|header| header.split('#').next().unwrap_or(header).trim());
    Some(match table {
        Some(table) => format!("{table} {key}"),
        None => key.to_owned(),
    })
}

/// serde's words for Rust types, in words an operator knows.
fn plain(message: &str) -> String {
    let mut message = message.replace(" as i128", "").replace(" as u128", "");
    for (rust, words) in [
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected a boolean", "expected true or false"),
        (
            "expected socket address",
            "expected an address and port such as \"127.0.0.1:8080\"",
        ),
        ("expected a string", "expected text in quotes"),
    ] {
        if let Some(head) = message.strip_suffix(rust) {
            message = format!("{head}{words}");
        }
    }
    message
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|error| ConfigError::Read {
            file: file.clone(),
            error,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| ConfigError::Invalid {
            file: file.clone(),
            message: "not UTF-8 text".into(),
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start.min(text.len()));
            let message = plain(e.message().trim());
            ConfigError::Parse {
                line: text[..at].matches('\n').count() + 1,
                message: match key_at(&text, at) {
                    Some(key) if !message.starts_with("unknown field") => format!("{key}: {message}"),
                    _ => message,
                },
                file: file.clone(),
            }
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
            _ => format!(
                "warn,sarcoma_bot={}",
                self.log_level.map_or("info", LogLevel::name)
            ),
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
                "[discord]\nshard_total = 0\nshard_range = [0, 1]\n",
                "shard_total = 0 means automatic",
            ),
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
    fn each_bad_value_gets_one_sentence_naming_the_key_and_what_is_allowed() {
        for (text, wanted) in [
            (
                "log_level = \"verbose\"\n",
                "log_level: \"verbose\" is not a log level; use \"error\"",
            ),
            ("log_level = 3\n", "3 is not a log level"),
            ("discord = 5\n", "expected a table: [discord]"),
            (
                "[discord]\nguild_ids = [\"general\"]\n",
                ":2: [discord] guild_ids: \"general\" is not a Discord id",
            ),
            ("[discord]\nguild_ids = [-5]\n", "-5 is not a Discord id"),
            (
                "[safety]\nalert_channel = 18446744073709551616\n",
                "[safety] alert_channel: 18446744073709551616 is not a Discord id",
            ),
            (
                "[discord]\ncooldown_seconds = -1\n",
                "[discord] cooldown_seconds: invalid value: integer `-1`, expected a whole number, 0 or more",
            ),
            (
                "[discord]\nephemeral = \"yes\"\n",
                "[discord] ephemeral: invalid type: string \"yes\", expected true or false",
            ),
            (
                "[health]\nlisten = 5\n",
                "[health] listen: invalid type: integer `5`, expected an address and port",
            ),
            (
                "[discord]\nshard_total = 2\nshard_range = [0, \"x\"]\n",
                "[discord] shard_range: [0, \"x\"] is not a shard range",
            ),
            ("[discord]\nmax_waiting_questions = 0\n", "use 1 or more"),
        ] {
            let err = Config::load(&write("sentences", text)).unwrap_err().to_string();
            assert!(err.contains(wanted), "{text}: {err}");
            assert!(err.contains("config.toml"), "{err}");
            for internal in ["untagged", "enum", "struct", "i128", "u64", "u32", "Raw"] {
                assert!(!err.contains(internal), "{text}: {err}");
            }
        }
    }

    #[test]
    fn a_missing_file_names_the_os_error_once() {
        let err = Config::load(Path::new("/nonexistent/sarcoma-bot.toml")).unwrap_err();
        let shown = format!("{:#}", anyhow::Error::from(err));
        assert_eq!(shown.matches("os error").count(), 1, "{shown}");
    }

    #[test]
    fn log_levels_are_read_in_any_case_and_become_the_filter() {
        let config = Config::load(&write("level", "log_level = \"DEBUG\"\n")).unwrap();
        assert_eq!(config.log_level, Some(LogLevel::Debug));
    }

    #[test]
    fn unknown_keys_are_reported_with_their_line() {
        let path = write("unknown", "# comment\nknowledge_dri = \"kb\"\n");
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains(":2:") && err.contains("knowledge_dri"), "{err}");
    }
}
