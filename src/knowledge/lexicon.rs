//! The matcher's content lists, kept as data in `knowledge/lexicon.toml`: what lies outside
//! the knowledge base (other domains, diseases it does not cover, other conditions, uncovered
//! questions), idioms that borrow its words, and how members ask about the bot. They change
//! with what the base covers, so moderators edit them beside the entries; the language
//! machinery (stopwords, stemming) stays in the code.

use std::collections::HashSet;

use serde::Deserialize;

use super::load::Problem;
use super::validate::MAX_SECTION_CHARS;
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
    /// Care of a pet beside the member's own treatment ("who does the litter tray while my
    /// counts are low"): a message that names one is about the person, whatever animal it
    /// names.
    #[serde(default)]
    pub(crate) pet_care: Vec<String>,
    /// Diseases the base does not cover (other cancers, bone sarcomas, rarer types), by name,
    /// each group with its own honest reply and the entries closest to it.
    pub(crate) not_covered: Vec<NotCovered>,
    /// Conditions that are not cancer ("knee replacement", "hay fever").
    pub(crate) other_conditions: Vec<String>,
    /// Words of questions the base does not answer yet; a hint word alone is then no answer.
    pub(crate) uncovered: Vec<String>,
    /// Idioms that use a knowledge word in another sense ("trial and error").
    pub(crate) idioms: Vec<String>,
    /// Phrasings that ask about the bot itself ("what can you do").
    pub(crate) about_the_bot: Vec<String>,
    /// Phrasings that ask what the disease itself is ("what is a sarcoma"): a name alone
    /// cannot route them, since "sarcoma" is in nearly every question.
    pub(crate) about_the_disease: Vec<String>,
    /// The entry that answers them.
    pub(crate) about_the_disease_entry: String,
    /// Requests that the bot make a member's own choice ("which would you pick if you were
    /// me"): no page can, so the reply says so and offers the pages that help prepare.
    #[serde(default)]
    pub decisions: Decisions,
}

/// Phrasings that ask the bot to choose for the member, and the reply they get.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    /// Written the way the matcher reads a message.
    pub(crate) names: Vec<String>,
    /// Says kindly that the choice belongs to the member and their care team.
    #[serde(default)]
    pub reply: String,
}

/// Diseases a member may name that the base does not cover. Named as the subject of a
/// message ("chondrosarcoma of the pelvis treatment") they get `reply` and the `closest`
/// entries, never an entry that would answer as if it were about soft tissue sarcoma.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotCovered {
    /// The names members use, written the way the matcher reads them.
    pub(crate) names: Vec<String>,
    /// Says plainly that the base does not cover them, and where to ask instead.
    pub reply: String,
    /// Entries that may still help, offered as buttons; none for other cancers.
    #[serde(default)]
    pub(crate) closest: Vec<String>,
}

impl Lexicon {
    fn lists(&self) -> Vec<(String, &[String])> {
        let mut lists: Vec<(String, &[String])> = vec![
            ("other_domains".into(), &self.other_domains),
            ("animals".into(), &self.animals),
            ("pet_care".into(), &self.pet_care),
            ("other_conditions".into(), &self.other_conditions),
            ("uncovered".into(), &self.uncovered),
            ("idioms".into(), &self.idioms),
            ("about_the_bot".into(), &self.about_the_bot),
            ("about_the_disease".into(), &self.about_the_disease),
        ];
        for (i, group) in self.not_covered.iter().enumerate() {
            lists.push((format!("not_covered[{i}].names"), &group.names));
        }
        lists.push(("decisions.names".into(), &self.decisions.names));
        lists
    }

    /// Every word of every list: words the matcher must take as written, never as a slip for
    /// a knowledge word.
    pub(crate) fn words(&self) -> std::collections::BTreeSet<String> {
        self.lists()
            .into_iter()
            .flat_map(|(_, items)| items.iter())
            .flat_map(|item| item.split(' '))
            .map(str::to_owned)
            .collect()
    }

    /// The not-covered group that lists `name`.
    pub(crate) fn not_covered_by(&self, name: &str) -> Option<&NotCovered> {
        self.not_covered
            .iter()
            .find(|g| g.names.iter().any(|n| n == name))
    }

    /// The entries the lexicon names must exist: a not-covered group's closest entries (or its
    /// buttons would lead nowhere) and the entry that says what the disease is.
    pub(super) fn validate_ids(&self, file: &str, ids: &HashSet<&str>, problems: &mut Vec<Problem>) {
        if !ids.contains(self.about_the_disease_entry.as_str()) {
            problems.push(Problem::error(
                file,
                None,
                format!(
                    "`about_the_disease_entry` names an unknown entry `{}`",
                    self.about_the_disease_entry
                ),
            ));
        }
        for (i, group) in self.not_covered.iter().enumerate() {
            for (j, id) in group.closest.iter().enumerate() {
                if !ids.contains(id.as_str()) {
                    problems.push(Problem::error(
                        file,
                        None,
                        format!("`not_covered[{i}].closest[{j}]` names an unknown entry `{id}`"),
                    ));
                }
            }
        }
    }

    /// Every item must be written the way the matcher reads a message (lowercase words
    /// separated by single spaces), or it could never match; lists of single words must hold
    /// single words; nothing may repeat.
    pub(super) fn validate(&self, file: &str, problems: &mut Vec<Problem>) {
        const SINGLE_WORDS: &[&str] = &["other_domains", "animals", "uncovered"];
        let mut reply = |field: String, text: &str| {
            let n = text.chars().count();
            if text.trim().is_empty() || n > MAX_SECTION_CHARS {
                problems.push(Problem::error(
                    file,
                    None,
                    format!("`{field}` must hold 1 to {MAX_SECTION_CHARS} characters; it has {n}"),
                ));
            }
        };
        for (i, group) in self.not_covered.iter().enumerate() {
            reply(format!("not_covered[{i}].reply"), &group.reply);
        }
        if !self.decisions.names.is_empty() {
            reply("decisions.reply".into(), &self.decisions.reply);
        }
        // A disease named in two groups would get whichever reply came first.
        let mut named = HashSet::new();
        for (field, items) in self.lists() {
            let field = field.as_str();
            let mut seen = HashSet::new();
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
                } else if !seen.insert(item.as_str())
                    || (field.starts_with("not_covered") && !named.insert(item.as_str()))
                {
                    problems.push(Problem::error(file, None, format!("{what} is listed twice")));
                }
            }
        }
    }
}
