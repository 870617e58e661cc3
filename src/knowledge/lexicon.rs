//! The matcher's content lists, kept as data in `knowledge/lexicon.toml`: what lies outside
//! the knowledge base (other domains, other cancers and conditions, uncovered questions),
//! idioms that borrow its words, and how members ask about the bot. They change with what
//! the base covers, so moderators edit them beside the entries; the language machinery
//! (stopwords, stemming) stays in the code.

use serde::Deserialize;

use super::load::Problem;
use crate::matcher::text;

/// The lists, each a set of normalised words or phrases.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    /// Words of everyday life outside medicine ("laptop", "profit"): with no cancer word
    /// beside them, a medical word is probably meant in another sense.
    pub(crate) other_domains: Vec<String>,
    /// Animals: they get sarcomas and surgery too, but the base is about people.
    pub(crate) animals: Vec<String>,
    /// Other cancers, by name: the base covers soft tissue sarcoma only.
    pub(crate) other_cancers: Vec<String>,
    /// Conditions that are not cancer ("knee replacement", "hay fever").
    pub(crate) other_conditions: Vec<String>,
    /// Words of questions the base does not answer yet; a hint word alone is then no answer.
    pub(crate) uncovered: Vec<String>,
    /// Idioms that use a knowledge word in another sense ("trial and error").
    pub(crate) idioms: Vec<String>,
    /// Phrasings that ask about the bot itself ("what can you do").
    pub(crate) about_the_bot: Vec<String>,
}

impl Lexicon {
    fn lists(&self) -> [(&'static str, &[String]); 7] {
        [
            ("other_domains", &self.other_domains),
            ("animals", &self.animals),
            ("other_cancers", &self.other_cancers),
            ("other_conditions", &self.other_conditions),
            ("uncovered", &self.uncovered),
            ("idioms", &self.idioms),
            ("about_the_bot", &self.about_the_bot),
        ]
    }

    /// Every item must be written the way the matcher reads a message (lowercase words
    /// separated by single spaces), or it could never match; lists of single words must hold
    /// single words; nothing may repeat.
    pub(super) fn validate(&self, file: &str, problems: &mut Vec<Problem>) {
        const SINGLE_WORDS: &[&str] = &["other_domains", "animals", "uncovered"];
        for (field, items) in self.lists() {
            let mut seen = std::collections::HashSet::new();
            for (i, item) in items.iter().enumerate() {
                // Lowercase ASCII words separated by single spaces are already in the
                // matcher's form; anything else is normalised to compare.
                let plain = item.split(' ').all(|w| {
                    !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                });
                let normal = if plain {
                    item.clone()
                } else {
                    text::words(item).join(" ")
                };
                let what = format!("`{field}[{i}]` {item:?}");
                if normal.is_empty() {
                    problems.push(Problem::error(file, None, format!("{what} is empty")));
                } else if normal != *item {
                    problems.push(Problem::error(
                        file,
                        None,
                        format!("{what} can never match: write it as the matcher reads it, {normal:?}"),
                    ));
                } else if SINGLE_WORDS.contains(&field) && item.contains(' ') {
                    problems.push(Problem::error(
                        file,
                        None,
                        format!("{what}: this list holds single words"),
                    ));
                } else if !seen.insert(item.as_str()) {
                    problems.push(Problem::error(file, None, format!("{what} is listed twice")));
                }
            }
        }
    }
}
