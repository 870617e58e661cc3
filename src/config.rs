//! `config.toml`: where the knowledge comes from. Unknown keys are errors, because a
//! misspelt key that is silently ignored is a setting that silently does not apply.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::knowledge::{KnowledgeBase, LoadError, Loaded};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// A knowledge folder to use instead of the built-in one; empty means built-in.
    #[serde(default)]
    knowledge_dir: Option<PathBuf>,
    /// The folder the config file is in; relative paths are read from there.
    #[serde(skip)]
    base: PathBuf,
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
    fn unknown_keys_are_reported_with_their_line() {
        let path = write("unknown", "# comment\nknowledge_dri = \"kb\"\n");
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains(":2:") && err.contains("knowledge_dri"), "{err}");
    }
}
