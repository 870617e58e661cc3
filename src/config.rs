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
            file,
        })?;
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
    fn unknown_keys_are_reported_with_their_line() {
        let path = write("unknown", "# comment\nknowledge_dri = \"kb\"\n");
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains(":2:") && err.contains("knowledge_dri"), "{err}");
    }
}
