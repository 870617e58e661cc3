//! Reading knowledge files into a [`KnowledgeBase`], collecting every problem on the way
//! rather than stopping at the first, so a moderator fixes an edit in one pass.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::questions::{self, Unchecked};
use super::validate::{self, Located};
use super::{
    Date, Entry, EntryId, Kind, KnowledgeBase, Lexicon, Messages, Origin, SafetyReply, Section, Source,
};
use crate::safety::{self, SafetyData};

/// A knowledge file larger than this is refused unread: entry files are tens of kilobytes,
/// the router's questions about a megabyte, with room to grow.
const MAX_FILE_BYTES: usize = 1 << 22;

/// The folder of everything safety routing reads, beside the entries.
pub(crate) const SAFETY_DIR: &str = "safety";
/// The crisis and emergency replies, in the safety folder.
const REPLIES_FILE: &str = "replies.toml";
const MESSAGES_FILE: &str = "messages.toml";
const LEXICON_FILE: &str = "lexicon.toml";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with a knowledge folder, located as precisely as the file allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl Problem {
    pub(crate) fn error(file: &str, line: Option<usize>, message: String) -> Problem {
        Problem {
            severity: Severity::Error,
            file: file.to_owned(),
            line,
            message,
        }
    }

    pub(crate) fn warning(file: &str, line: Option<usize>, message: String) -> Problem {
        Problem {
            severity: Severity::Warning,
            file: file.to_owned(),
            line,
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.line {
            Some(line) => write!(f, "{level}: {}:{line}: {}", self.file, self.message),
            None => write!(f, "{level}: {}: {}", self.file, self.message),
        }
    }
}

/// A knowledge base that loaded, with the warnings it raised (overdue reviews, hard reading).
#[derive(Debug)]
pub struct Loaded {
    pub kb: KnowledgeBase,
    pub warnings: Vec<Problem>,
}

/// A knowledge base that could not be used; `problems` holds errors and warnings alike.
#[derive(Debug, thiserror::Error)]
#[error("{}", render(.problems))]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

fn render(problems: &[Problem]) -> String {
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let mut out = format!("the knowledge base has {errors} error(s)");
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntryFile {
    #[serde(default)]
    entry: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Spanned<String>,
    kind: Kind,
    title: String,
    summary: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    sections: Vec<RawSection>,
    #[serde(default)]
    sources: Vec<Source>,
    reviewed: Option<Datetime>,
    next_review: Option<Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: String,
    heading: String,
    text: String,
    #[serde(default)]
    examples: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSafetyFile {
    crisis: Option<Spanned<RawSafety>>,
    emergency: Option<Spanned<RawSafety>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSafety {
    title: String,
    text: String,
    note: String,
    #[serde(default)]
    sources: Vec<Source>,
    reviewed: Option<Datetime>,
    next_review: Option<Datetime>,
}

/// Reads every `*.toml` file of a folder, in name order.
pub(super) fn from_dir(dir: &Path, today: Date) -> Result<Loaded, LoadError> {
    let shown = dir.display().to_string();
    let fail = |message: String| LoadError {
        problems: vec![Problem::error(&shown, None, message)],
    };
    let listing = std::fs::read_dir(dir).map_err(|e| fail(format!("cannot read the folder: {e}")))?;
    let mut paths: Vec<_> = listing
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && read_at_top(p))
        .collect();
    // The safety folder's files are all read, whatever their kind, so that a stray file is
    // reported rather than silently ignored.
    let safety = dir.join(SAFETY_DIR);
    if let Ok(listing) = std::fs::read_dir(&safety) {
        paths.extend(
            listing
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file()),
        );
    }
    paths.sort();
    if paths.is_empty() {
        return Err(fail("no .toml knowledge files in this folder".into()));
    }
    let mut files = Vec::with_capacity(paths.len());
    let mut problems = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        match std::fs::metadata(&path) {
            Ok(m) if m.len() > MAX_FILE_BYTES as u64 => problems.push(Problem::error(
                &name,
                None,
                format!(
                    "the file is {} bytes; knowledge files are limited to {MAX_FILE_BYTES}",
                    m.len()
                ),
            )),
            _ => match std::fs::read(&path) {
                Ok(bytes) => files.push((name, bytes)),
                Err(e) => problems.push(Problem::error(&name, None, format!("cannot read: {e}"))),
            },
        }
    }
    let mut result = from_files(files, today);
    if !problems.is_empty() {
        let mut all = problems;
        match result {
            Ok(loaded) => all.extend(loaded.warnings),
            Err(e) => all.extend(e.problems),
        }
        result = Err(LoadError { problems: all });
    }
    result
}

/// What a knowledge file holds, from its name and folder.
enum Role {
    Entries,
    Messages,
    Lexicon,
    Replies,
    SafetyRules,
    /// `main` for `examples.tsv`, which must be there; `examples-*.tsv` batches may be.
    SafetyExamples {
        main: bool,
    },
    SafetyChecks,
    Questions,
    Unknown,
}

fn role(name: &str) -> Role {
    let mut parts = name.rsplit(['/', '\\']);
    let base = parts.next().unwrap_or(name);
    if parts.next() == Some(SAFETY_DIR) {
        return match base {
            REPLIES_FILE => Role::Replies,
            safety::RULES_FILE => Role::SafetyRules,
            _ if safety::holds_examples(base) => Role::SafetyExamples {
                main: base == safety::EXAMPLES_FILE,
            },
            safety::CHECKS_FILE => Role::SafetyChecks,
            _ => Role::Unknown,
        };
    }
    match base {
        MESSAGES_FILE => Role::Messages,
        LEXICON_FILE => Role::Lexicon,
        questions::FILE => Role::Questions,
        _ if base.ends_with(".toml") => Role::Entries,
        _ => Role::Unknown,
    }
}

/// Whether a file at the top of a knowledge folder is read: entry files and the other `.toml`
/// files, and the router's questions. (Every file of the safety folder is read.)
pub(crate) fn read_at_top(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "toml") || path.file_name().is_some_and(|n| n == questions::FILE)
}

/// Parses and validates a set of named files. File roles come from their names:
/// `messages.toml`, `lexicon.toml`, the files of `safety/`, and entries in every other `.toml` file.
pub(super) fn from_files(files: Vec<(String, Vec<u8>)>, today: Date) -> Result<Loaded, LoadError> {
    let mut problems = Vec::new();
    let mut entries: Vec<Located> = Vec::new();
    let mut safety = None;
    let mut messages = None;
    let mut safety_data = SafetyData::default();
    let mut safety_files = (false, false);
    let mut unread_entries = false;
    let mut lexicon = None;
    let mut lexicon_file = LEXICON_FILE;
    let mut asked: Option<(String, Vec<Unchecked>)> = None;

    for (name, bytes) in &files {
        if bytes.len() > MAX_FILE_BYTES {
            problems.push(Problem::error(
                name,
                None,
                format!("the file is larger than {MAX_FILE_BYTES} bytes"),
            ));
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            problems.push(Problem::error(name, None, "the file is not UTF-8 text".into()));
            continue;
        };
        match role(name) {
            Role::Replies => {
                if let Some(raw) = parse::<RawSafetyFile>(name, text, &mut problems) {
                    safety = Some(convert_safety(name, text, raw, &mut problems));
                }
            }
            Role::SafetyRules => {
                safety_files.0 = true;
                safety::parse_rules(name, text, &mut safety_data, &mut problems);
            }
            Role::SafetyExamples { main } => {
                safety_files.1 |= main;
                safety::examples(name, text, &mut safety_data, &mut problems);
            }
            Role::SafetyChecks => safety::checks(name, text, &mut safety_data, &mut problems),
            Role::Unknown => problems.push(Problem::error(
                name,
                None,
                format!(
                    "not a knowledge file: the {SAFETY_DIR}/ folder holds {REPLIES_FILE}, {}, {} (and more examples in examples-*.tsv) and {}",
                    safety::RULES_FILE,
                    safety::EXAMPLES_FILE,
                    safety::CHECKS_FILE
                ),
            )),
            Role::Questions => asked = Some((name.clone(), questions::parse(name, text, &mut problems))),
            Role::Messages => messages = parse::<Messages>(name, text, &mut problems),
            Role::Lexicon => {
                lexicon = parse::<Lexicon>(name, text, &mut problems);
                lexicon_file = name;
                if let Some(l) = &lexicon {
                    l.validate(name, &mut problems);
                }
            }
            Role::Entries => match parse::<RawEntryFile>(name, text, &mut problems) {
                Some(raw) => {
                    for r in raw.entry {
                        if let Some(located) = convert_entry(name, text, r, &mut problems) {
                            entries.push(located);
                        }
                    }
                }
                None => unread_entries = true,
            },
        }
    }

    let (crisis, emergency) = match safety {
        Some((c, e)) => (c, e),
        None => {
            problems.push(Problem::error(
                &format!("{SAFETY_DIR}/{REPLIES_FILE}"),
                None,
                format!("missing: the crisis and emergency replies must be in {SAFETY_DIR}/{REPLIES_FILE}"),
            ));
            (None, None)
        }
    };
    for (present, file, what) in [
        (
            safety_files.0,
            safety::RULES_FILE,
            "the phrases and patterns of safety routing",
        ),
        (
            safety_files.1,
            safety::EXAMPLES_FILE,
            "the examples the safety model learns from",
        ),
    ] {
        if !present {
            problems.push(Problem::error(
                &format!("{SAFETY_DIR}/{file}"),
                None,
                format!("missing: {what} must be in {SAFETY_DIR}/{file}"),
            ));
        }
    }
    if messages.is_none() && !problems.iter().any(|p| p.file.ends_with(MESSAGES_FILE)) {
        problems.push(Problem::error(
            MESSAGES_FILE,
            None,
            "missing: the disclaimer, help, no_match, not_covered, decision and about texts must be in a file named messages.toml"
                .into(),
        ));
    }

    let before = problems.len();
    if lexicon.is_none() && !problems.iter().any(|p| p.file.ends_with(LEXICON_FILE)) {
        problems.push(Problem::error(
            LEXICON_FILE,
            None,
            "missing: the matcher's word lists must be in a file named lexicon.toml".into(),
        ));
    }

    validate::entries(&entries, today, &mut problems);
    if unread_entries {
        // An entries file that does not parse hides its ids: every reference to them would
        // be reported too (one unclosed `[[entry]` gave 21 such errors). Its parse error is
        // the one to fix; references are checked once every file reads.
        let mut index = 0;
        problems.retain(|p| {
            index += 1;
            index <= before
                || !(p.message.contains("`related` names an unknown id")
                    || p.message.starts_with("required entry"))
        });
    }
    // The lexicon's entry ids, like `related`, are checked once every entries file reads.
    if let Some(l) = lexicon.as_ref().filter(|_| !unread_entries) {
        let ids = entries.iter().map(|e| e.entry.id.as_str()).collect();
        l.validate_ids(lexicon_file, &ids, &mut problems);
    }
    // Like `related`, labels are checked once every entries file reads.
    let questions = match asked.filter(|_| !unread_entries) {
        Some((file, lines)) => {
            let all: Vec<&Entry> = entries.iter().map(|l| &l.entry).collect();
            questions::checked(&file, lines, &all, &mut problems)
        }
        None => Vec::new(),
    };
    if let Some(m) = &messages {
        validate::messages(m, &mut problems);
    }
    for reply in [&crisis, &emergency].into_iter().flatten() {
        validate::safety(reply, today, &mut problems);
    }

    let has_errors = problems.iter().any(|p| p.severity == Severity::Error);
    match (crisis, emergency, messages, lexicon) {
        (Some(crisis), Some(emergency), Some(messages), Some(lexicon)) if !has_errors => Ok(Loaded {
            kb: KnowledgeBase {
                entries: entries.into_iter().map(|l| l.entry).collect(),
                crisis: crisis.reply,
                emergency: emergency.reply,
                messages,
                safety: safety_data,
                lexicon,
                questions,
            },
            warnings: problems,
        }),
        _ => Err(LoadError { problems }),
    }
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str, problems: &mut Vec<Problem>) -> Option<T> {
    match toml::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            problems.push(Problem::error(name, line, e.message().trim().to_owned()));
            None
        }
    }
}

fn date_field(
    value: Option<Datetime>,
    field: &str,
    what: &str,
    file: &str,
    line: usize,
    problems: &mut Vec<Problem>,
) -> Option<Date> {
    let Some(value) = value else {
        problems.push(Problem::error(
            file,
            Some(line),
            format!("{what}: `{field}` is missing (a date like 2026-11-27)"),
        ));
        return None;
    };
    let date = match (value.date, value.time) {
        (Some(d), None) => Date::new(d.year, d.month, d.day),
        _ => None,
    };
    if date.is_none() {
        problems.push(Problem::error(
            file,
            Some(line),
            format!("{what}: `{field}` must be a plain date like 2026-11-27, not {value}"),
        ));
    }
    date
}

fn convert_entry(file: &str, text: &str, raw: RawEntry, problems: &mut Vec<Problem>) -> Option<Located> {
    let line = line_of(text, raw.id.span().start);
    let id_text = raw.id.into_inner();
    let Some(id) = EntryId::parse(&id_text) else {
        problems.push(Problem::error(
            file,
            Some(line),
            format!("entry id {id_text:?} is not kebab-case (lowercase words joined by hyphens)"),
        ));
        return None;
    };
    let what = format!("entry `{id}`");
    let mut related = Vec::new();
    for r in &raw.related {
        match EntryId::parse(r) {
            Some(r) => related.push(r),
            None => problems.push(Problem::error(
                file,
                Some(line),
                format!("{what}: related id {r:?} is not kebab-case"),
            )),
        }
    }
    let reviewed = date_field(raw.reviewed, "reviewed", &what, file, line, problems);
    let next_review = date_field(raw.next_review, "next_review", &what, file, line, problems);
    let (reviewed, next_review) = (reviewed?, next_review?);
    Some(Located {
        file: file.to_owned(),
        line,
        entry: Entry {
            id,
            kind: raw.kind,
            title: raw.title,
            summary: raw.summary,
            sections: raw
                .sections
                .into_iter()
                .map(|s| Section {
                    id: s.id,
                    heading: s.heading,
                    text: s.text,
                    examples: s.examples,
                })
                .collect(),
            related,
            sources: raw.sources,
            reviewed,
            next_review,
            aliases: raw.aliases,
            keywords: raw.keywords,
            examples: raw.examples,
            origin: Origin {
                file: file.to_owned(),
                line,
            },
        },
    })
}

/// A safety reply with where it was written, for later messages.
pub(super) struct LocatedSafety {
    pub(super) file: String,
    pub(super) line: usize,
    pub(super) name: &'static str,
    pub(super) reply: SafetyReply,
}

type SafetyPair = (Option<LocatedSafety>, Option<LocatedSafety>);

fn convert_safety(file: &str, text: &str, raw: RawSafetyFile, problems: &mut Vec<Problem>) -> SafetyPair {
    let mut one = |raw: Option<Spanned<RawSafety>>, name: &'static str| {
        let Some(raw) = raw else {
            problems.push(Problem::error(
                file,
                None,
                format!("the [{name}] reply is missing"),
            ));
            return None;
        };
        let line = line_of(text, raw.span().start);
        let raw = raw.into_inner();
        let what = format!("[{name}]");
        let reviewed = date_field(raw.reviewed, "reviewed", &what, file, line, problems);
        let next_review = date_field(raw.next_review, "next_review", &what, file, line, problems);
        Some(LocatedSafety {
            file: file.to_owned(),
            line,
            name,
            reply: SafetyReply {
                title: raw.title,
                text: raw.text,
                note: raw.note,
                sources: raw.sources,
                reviewed: reviewed?,
                next_review: next_review?,
            },
        })
    };
    (one(raw.crisis, "crisis"), one(raw.emergency, "emergency"))
}

/// Messages are validated without a line: serde gives none for a table as a whole.
pub(super) fn message_problem(field: &str, message: String) -> Problem {
    Problem::error(MESSAGES_FILE, None, format!("`{field}`: {message}"))
}
