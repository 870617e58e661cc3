//! The curated knowledge base: entries (topics, modalities, stages, glossary terms, types,
//! drugs) with their sections and example questions, the two safety replies, the bot's fixed
//! messages and the matcher's lexicon, loaded from TOML.
//!
//! Loading never panics on a bad file: every problem becomes a [`Problem`] naming the file and
//! line, so `sarcoma-bot check` and the bot report the same thing in the same words.

mod date;
mod lexicon;
mod load;
mod questions;
mod readability;
mod validate;

use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::safety::SafetyData;

pub use date::Date;
pub use lexicon::Lexicon;
pub use load::{LoadError, Loaded, Problem, Severity};
pub(crate) use load::{SAFETY_DIR, line_of, read_at_top};
pub(crate) use questions::Question;

/// Ids the bot's commands and the outside evaluation rely on; a knowledge folder without
/// one of them is rejected.
pub const REQUIRED_IDS: &[&str] = &[
    "overview",
    "treatment-factors",
    "surgery",
    "chemotherapy",
    "radiation",
    "targeted-therapy",
    "immunotherapy",
    "clinical-trials",
    "stage-1",
    "stage-2",
    "stage-3",
    "stage-4",
    "recurrence",
    "term-neoadjuvant",
    "term-adjuvant",
    "term-lymphadenectomy",
    "term-palliative",
    "term-metastatic",
    "term-recurrent",
    "term-kinase-inhibitor",
    "term-margin",
    "term-grade",
    EMOTIONAL_SUPPORT,
    // The basics, the common types and the drugs by name (issue 10).
    "about-sts",
    "risk-factors",
    "symptoms",
    "diagnosis",
    "pathology-report",
    "staging",
    "sarcoma-specialists",
    "sts-types",
    "liposarcoma",
    "leiomyosarcoma",
    "undifferentiated-pleomorphic-sarcoma",
    "synovial-sarcoma",
    "myxofibrosarcoma",
    "angiosarcoma",
    "gist",
    "desmoid-tumor",
    "dfsp",
    "rhabdomyosarcoma",
    "kaposi-sarcoma",
    "mpnst",
    "drug-doxorubicin",
    "drug-ifosfamide",
    "drug-gemcitabine-docetaxel",
    "drug-trabectedin",
    "drug-eribulin",
    "drug-pazopanib",
    "drug-imatinib",
];

/// The entry distress is answered with: the safety screen routes to it by id.
pub const EMOTIONAL_SUPPORT: &str = "emotional-support";

/// Section ids the commands, buttons and evaluations rely on, per entry: these entries have
/// exactly these sections.
pub const REQUIRED_SECTIONS: &[(&str, &[&str])] = &[
    (
        "surgery",
        &[
            "what-it-is",
            "when-used",
            "limb-sparing",
            "side-effects",
            "recovery",
            "questions",
        ],
    ),
    ("chemotherapy", MODALITY_SECTIONS),
    ("radiation", MODALITY_SECTIONS),
    ("targeted-therapy", MODALITY_SECTIONS),
    ("immunotherapy", MODALITY_SECTIONS),
    (
        "clinical-trials",
        &["what-it-is", "finding-a-trial", "taking-part"],
    ),
    ("stage-1", STAGE_SECTIONS),
    ("stage-2", STAGE_SECTIONS),
    ("stage-3", STAGE_SECTIONS),
    ("stage-4", STAGE_SECTIONS),
    ("recurrence", &["what-it-is", "treatment"]),
];

const MODALITY_SECTIONS: &[&str] = &[
    "what-it-is",
    "when-used",
    "how-given",
    "side-effects",
    "recovery",
    "questions",
];

const STAGE_SECTIONS: &[&str] = &["what-it-means", "treatment"];

/// Intents the bot answers without an entry; no entry may take these ids.
pub(crate) const RESERVED_IDS: &[&str] = &["help", "crisis", "emergency"];

/// A stable, kebab-case entry id such as `stage-4`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EntryId(String);

/// Lowercase ASCII words and numbers joined by single hyphens: the form of entry and section
/// ids, which appear in links, buttons and evaluation files.
pub(crate) fn is_kebab_case(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl EntryId {
    /// Accepts lowercase ASCII words joined by single hyphens.
    pub fn parse(s: &str) -> Option<EntryId> {
        is_kebab_case(s).then(|| EntryId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id of the entry for a cancer stage.
    pub fn for_stage(stage: Stage) -> EntryId {
        EntryId(format!("stage-{}", stage.number()))
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A soft tissue sarcoma stage, 1 to 4. Sub-stages (3b) fold into their stage because the
/// knowledge base answers per stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Stage(u8);

impl Stage {
    pub fn new(number: u8) -> Option<Stage> {
        (1..=4).contains(&number).then_some(Stage(number))
    }

    pub fn number(self) -> u8 {
        self.0
    }
}

/// What kind of thing an entry describes; `/topics` groups by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Topic,
    Modality,
    Stage,
    Term,
    /// What sarcoma is and how it is found, staged and cared for: the questions of the first
    /// weeks after a diagnosis (what it is, causes, symptoms, diagnosis, the pathology
    /// report, staging, specialists, the types in general).
    Basics,
    /// A type of sarcoma (liposarcoma, GIST).
    Type,
    /// A drug by name (doxorubicin).
    Drug,
    /// Living through treatment and after it: side effects, follow-up, prognosis, daily life,
    /// caregivers, the end of life, emotional support. Asked in members' own words (`/ask`),
    /// never offered under `/treatment`, which stays for the kinds of treatment.
    Living,
}

/// One part of an entry, answerable on its own: "chemo side effects" gets the chemotherapy
/// entry's `side-effects` section rather than all of it.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// Stable kebab-case id, unique within its entry: a contract, like entry ids.
    pub id: String,
    pub heading: String,
    pub text: String,
    /// Questions in members' words that this section answers; the matcher learns the
    /// section's vocabulary from them and `check --routes` replays them.
    #[serde(skip)]
    pub(crate) examples: Vec<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// One answerable unit of the knowledge base.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub id: EntryId,
    pub kind: Kind,
    pub title: String,
    pub summary: String,
    pub sections: Vec<Section>,
    pub related: Vec<EntryId>,
    pub sources: Vec<Source>,
    pub reviewed: Date,
    pub next_review: Date,
    /// Other names members use for the thing; the matcher weighs them like the title.
    #[serde(skip)]
    pub(crate) aliases: Vec<String>,
    /// Words that hint at the entry; the matcher weighs them less than aliases.
    #[serde(skip)]
    pub(crate) keywords: Vec<String>,
    /// Questions in members' words that the whole entry answers best.
    #[serde(skip)]
    pub(crate) examples: Vec<String>,
    /// Where the entry is written, for `check`'s messages.
    #[serde(skip)]
    pub(crate) origin: Origin,
}

/// A file and line of a knowledge folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl Entry {
    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// Where the entry is written.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The example questions for the whole entry.
    pub fn examples(&self) -> &[String] {
        &self.examples
    }
}

impl Section {
    /// The example questions this section answers.
    pub fn examples(&self) -> &[String] {
        &self.examples
    }
}

/// A fixed reply with a title, such as the help text.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub title: String,
    pub text: String,
}

/// The crisis or emergency reply. It carries sources and dates like an entry because the
/// phone numbers in it must be kept current.
#[derive(Clone, Debug, Serialize)]
pub struct SafetyReply {
    pub title: String,
    pub text: String,
    /// The short form shown before an answer when the message mainly asked something else.
    pub note: String,
    pub sources: Vec<Source>,
    pub reviewed: Date,
    pub next_review: Date,
}

/// The bot's fixed texts, kept with the knowledge so moderators edit them in one place.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    pub disclaimer: String,
    pub help: Message,
    pub no_match: Message,
    /// The title of the reply for a disease the base does not cover, and the words that lead
    /// into the closest entries it offers.
    pub not_covered: Message,
    /// The title of the reply to a request that the bot make a member's own choice, and the
    /// words that lead into the pages it offers.
    pub decision: Message,
    pub about: Message,
}

#[derive(Clone, Debug)]
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    crisis: SafetyReply,
    emergency: SafetyReply,
    messages: Messages,
    safety: SafetyData,
    lexicon: Lexicon,
    questions: Vec<Question>,
}

/// The files of `knowledge/`, embedded at build time by `build.rs`.
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_knowledge.rs"));

impl KnowledgeBase {
    /// The knowledge base compiled into the binary.
    pub fn embedded() -> Result<Loaded, LoadError> {
        let files = EMBEDDED
            .iter()
            .map(|(name, text)| (format!("knowledge/{name}"), text.as_bytes().to_vec()))
            .collect();
        load::from_files(files, Date::today())
    }

    /// A knowledge folder on disk: every `*.toml` file in it.
    pub fn from_dir(dir: &Path) -> Result<Loaded, LoadError> {
        load::from_dir(dir, Date::today())
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn get(&self, id: &EntryId) -> Option<&Entry> {
        self.entries.iter().find(|e| &e.id == id)
    }

    pub fn crisis(&self) -> &SafetyReply {
        &self.crisis
    }

    pub fn emergency(&self) -> &SafetyReply {
        &self.emergency
    }

    pub fn messages(&self) -> &Messages {
        &self.messages
    }

    /// What safety routing reads: its rules, examples and checks.
    pub fn safety(&self) -> &SafetyData {
        &self.safety
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// What the router learns from besides the entries' examples: `questions.tsv`.
    pub(crate) fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The readability grade of an entry, as `check` reports it.
    pub fn grade(entry: &Entry) -> f64 {
        readability::grade(
            std::iter::once(entry.summary.as_str()).chain(entry.sections.iter().map(|s| s.text.as_str())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_must_be_kebab_case() {
        assert!(EntryId::parse("stage-4").is_some());
        assert!(EntryId::parse("term-kinase-inhibitor").is_some());
        for bad in [
            "", "Stage-4", "stage_4", "-stage", "stage--4", "stage 4", "stage-",
        ] {
            assert!(EntryId::parse(bad).is_none(), "{bad:?} accepted");
        }
    }

    #[test]
    fn stages_are_one_to_four() {
        assert!(Stage::new(0).is_none());
        assert!(Stage::new(5).is_none());
        assert_eq!(EntryId::for_stage(Stage::new(3).unwrap()).as_str(), "stage-3");
    }
}
