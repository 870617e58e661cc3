//! The reply a member gets, built from a [`Match`] and the knowledge base. Front ends (the
//! command line, Discord) only lay it out; what is said, with which source and disclaimer,
//! is decided here once.

use std::fmt::Write as _;

use serde::Serialize;

use std::path::Path;

use crate::knowledge::{
    EMOTIONAL_SUPPORT, Entry, EntryId, KnowledgeBase, LoadError, Loaded, Message, Problem, SafetyReply,
    Section, Source,
};
use crate::matcher::text::MAX_QUESTION_CHARS;
use crate::matcher::{Intent, Match, Matcher, SafetyNote};
use crate::safety::Level;

/// A knowledge base with its matcher: everything needed to answer, and nothing about how the
/// answer travels.
pub struct Answerer {
    kb: KnowledgeBase,
    matcher: Matcher,
}

/// A match and the reply it leads to.
#[derive(Debug, Serialize)]
pub struct Answer<'a> {
    #[serde(flatten)]
    pub matched: Match,
    pub reply: Reply<'a>,
    /// Set when the message was longer than the part that was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The crisis or emergency note to show before the answer, when the match carries one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety_note_text: Option<&'a str>,
}

/// A related topic or a "did you mean" suggestion.
#[derive(Debug, Serialize)]
pub struct Link<'a> {
    pub id: &'a EntryId,
    pub title: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reply<'a> {
    /// A knowledge entry with its sources and the disclaimer: the one section that answers
    /// the question, or the whole entry when `section` is `None`.
    Entry {
        entry: &'a Entry,
        section: Option<&'a Section>,
        related: Vec<Link<'a>>,
        disclaimer: &'a str,
    },
    /// What the bot can do, for "help" and empty messages.
    Help {
        message: &'a Message,
        disclaimer: &'a str,
    },
    /// Nothing matched confidently: offer the closest topics rather than guess.
    NoMatch {
        message: &'a Message,
        suggestions: Vec<Link<'a>>,
        disclaimer: &'a str,
    },
    /// The message is about a disease the base does not cover: say so plainly, and offer the
    /// entries closest to it (`message.text` leads into them).
    NotCovered {
        message: &'a Message,
        /// The lexicon's reply for that disease.
        text: &'a str,
        suggestions: Vec<Link<'a>>,
        disclaimer: &'a str,
    },
    /// Crisis or emergency: the safety text alone, no treatment content.
    Safety {
        intent: &'static str,
        reply: &'a SafetyReply,
    },
}

impl Answerer {
    pub fn new(kb: KnowledgeBase) -> Answerer {
        let matcher = Matcher::new(&kb);
        Answerer { kb, matcher }
    }

    /// A knowledge folder, checked as `sarcoma-bot check` checks it: loaded and validated,
    /// then every example question and every safety check replayed through the matcher.
    /// Returns the answerer and the warnings, or every problem.
    pub fn load(dir: &Path) -> Result<(Answerer, Vec<Problem>), LoadError> {
        let Loaded { kb, warnings } = KnowledgeBase::from_dir(dir)?;
        Answerer::checked(kb)
            .map(|a| {
                let all = warnings
                    .iter()
                    .chain(a.matcher.safety_warnings())
                    .cloned()
                    .collect();
                (a, all)
            })
            .map_err(|e| LoadError {
                problems: e.problems.into_iter().chain(warnings).collect(),
            })
    }

    /// An answerer for a knowledge version whose example questions land where they are
    /// written and which still routes every line of the safety checks
    /// (`knowledge/safety/checks.tsv`) the way it must. A version that changes any safety
    /// outcome is refused, naming each line, whatever part of the knowledge the edit touched.
    pub fn checked(kb: KnowledgeBase) -> Result<Answerer, LoadError> {
        let answerer = Answerer::new(kb);
        let problems = answerer.problems();
        if problems.is_empty() {
            Ok(answerer)
        } else {
            Err(LoadError { problems })
        }
    }

    /// Misrouted example questions and changed safety outcomes.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = crate::routes::problems(&self.kb, &self.matcher);
        problems.extend(self.safety_problems());
        problems
    }

    /// Each line of the safety checks whose outcome differs from the one it must keep.
    pub fn safety_problems(&self) -> Vec<Problem> {
        let safety = self.kb.safety();
        safety
            .checks()
            .filter_map(|(line, text, expect)| {
                let m = self.matcher.find(text);
                let got = m.outcome();
                let kept = match expect {
                    Some(Level::Crisis) => m.carries(SafetyNote::Crisis),
                    Some(Level::Emergency) => m.carries(SafetyNote::Emergency),
                    // Distress may also be answered by the topic its words name ("waiting for
                    // biopsy results is torture"): a new entry may take it, never an alarm.
                    Some(Level::Distress) => {
                        got == EMOTIONAL_SUPPORT
                            || (matches!(m.intent, Some(Intent::Entry(_))) && m.safety_note.is_none())
                    }
                    None => got != "crisis" && got != "emergency",
                };
                (!kept).then(|| {
                    let want = match expect {
                        Some(Level::Crisis) => "crisis",
                        Some(Level::Emergency) => "emergency",
                        Some(Level::Distress) => EMOTIONAL_SUPPORT,
                        None => "no crisis or emergency reply",
                    };
                    Problem::error(
                        safety.checks_file(),
                        Some(line),
                        format!("safety outcome changed: must be {want}, is now {got}"),
                    )
                })
            })
            .collect()
    }

    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.kb
    }

    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    pub fn ask(&self, question: &str) -> Answer<'_> {
        let matched = self.matcher.find(question);
        let reply = self.reply_for(&matched);
        let note = (question.chars().nth(MAX_QUESTION_CHARS).is_some())
            .then(|| format!("Only the first {MAX_QUESTION_CHARS} characters of the message were read."));
        let safety_note_text = matched.safety_note.map(|n| match n {
            SafetyNote::Crisis => self.kb.crisis().note.as_str(),
            SafetyNote::Emergency => self.kb.emergency().note.as_str(),
        });
        Answer {
            matched,
            reply,
            note,
            safety_note_text,
        }
    }

    /// The reply for one entry, as a slash command or a related-topic button shows it.
    pub fn entry(&self, id: &EntryId) -> Option<Reply<'_>> {
        self.kb.get(id).map(|e| self.entry_reply(e, None))
    }

    /// The reply for one section of an entry; `None` when either is unknown.
    pub fn part(&self, id: &EntryId, section: &str) -> Option<Reply<'_>> {
        let entry = self.kb.get(id)?;
        let section = entry.section(section)?;
        Some(self.entry_reply(entry, Some(section)))
    }

    fn entry_reply<'a>(&'a self, entry: &'a Entry, section: Option<&'a Section>) -> Reply<'a> {
        Reply::Entry {
            entry,
            section,
            related: self.links(&entry.related),
            disclaimer: &self.kb.messages().disclaimer,
        }
    }

    fn links<'a>(&'a self, ids: &[EntryId]) -> Vec<Link<'a>> {
        ids.iter()
            .filter_map(|id| self.kb.get(id))
            .map(|e| Link {
                id: &e.id,
                title: &e.title,
            })
            .collect()
    }

    fn reply_for(&self, m: &Match) -> Reply<'_> {
        let messages = self.kb.messages();
        match &m.intent {
            Some(Intent::Crisis) => Reply::Safety {
                intent: "crisis",
                reply: self.kb.crisis(),
            },
            Some(Intent::Emergency) => Reply::Safety {
                intent: "emergency",
                reply: self.kb.emergency(),
            },
            Some(Intent::Help) => Reply::Help {
                message: &messages.help,
                disclaimer: &messages.disclaimer,
            },
            Some(Intent::Entry(id)) => match self.kb.get(id) {
                Some(entry) => {
                    let section = m.section.as_deref().and_then(|s| entry.section(s));
                    self.entry_reply(entry, section)
                }
                None => self.no_match(m),
            },
            None if m.decision => Reply::NotCovered {
                message: &messages.decision,
                text: &self.kb.lexicon().decisions.reply,
                suggestions: self.links(&m.alternatives),
                disclaimer: &messages.disclaimer,
            },
            None => match m
                .not_covered
                .as_deref()
                .and_then(|n| self.kb.lexicon().not_covered_by(n))
            {
                Some(group) => Reply::NotCovered {
                    message: &messages.not_covered,
                    text: &group.reply,
                    suggestions: self.links(&m.alternatives),
                    disclaimer: &messages.disclaimer,
                },
                None => self.no_match(m),
            },
        }
    }

    fn no_match(&self, m: &Match) -> Reply<'_> {
        let messages = self.kb.messages();
        Reply::NoMatch {
            message: &messages.no_match,
            suggestions: self.links(&m.alternatives),
            disclaimer: &messages.disclaimer,
        }
    }
}

impl<'a> Reply<'a> {
    /// The same reply with the whole entry rather than one section of it.
    pub fn whole_entry(self) -> Reply<'a> {
        match self {
            Reply::Entry {
                entry,
                related,
                disclaimer,
                ..
            } => Reply::Entry {
                entry,
                section: None,
                related,
                disclaimer,
            },
            other => other,
        }
    }

    /// The reply as plain text with Discord's light markdown, the way a phone shows it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        match self {
            Reply::Entry {
                entry,
                section: Some(section),
                disclaimer,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "**{}**\n\n**{}**\n{}",
                    entry.title, section.heading, section.text
                );
                let others: Vec<&str> = entry
                    .sections
                    .iter()
                    .filter(|s| s.id != section.id)
                    .map(|s| s.heading.as_str())
                    .collect();
                if !others.is_empty() {
                    let _ = writeln!(out, "\nMore on {}: {}", entry.title, others.join(" · "));
                }
                let _ = writeln!(out, "\n{}", sources_line(&entry.sources));
                let _ = writeln!(out, "Reviewed {}. {}", entry.reviewed, disclaimer);
            }
            Reply::Entry {
                entry,
                section: None,
                related,
                disclaimer,
            } => {
                let _ = writeln!(out, "**{}**\n{}", entry.title, entry.summary);
                for s in &entry.sections {
                    let _ = writeln!(out, "\n**{}**\n{}", s.heading, s.text);
                }
                if !related.is_empty() {
                    let _ = writeln!(out, "\nRelated: {}", titles(related));
                }
                let _ = writeln!(out, "\n{}", sources_line(&entry.sources));
                let _ = writeln!(out, "Reviewed {}. {}", entry.reviewed, disclaimer);
            }
            Reply::Help { message, disclaimer } => {
                let _ = writeln!(out, "**{}**\n{}\n\n{}", message.title, message.text, disclaimer);
            }
            Reply::NoMatch {
                message,
                suggestions,
                disclaimer,
            } => {
                let _ = writeln!(out, "**{}**\n{}", message.title, message.text);
                if !suggestions.is_empty() {
                    let _ = writeln!(out, "\nDid you mean: {}?", titles(suggestions));
                }
                let _ = writeln!(out, "\n{disclaimer}");
            }
            Reply::NotCovered {
                message,
                text,
                suggestions,
                disclaimer,
            } => {
                let _ = writeln!(out, "**{}**\n{text}", message.title);
                if !suggestions.is_empty() {
                    let _ = writeln!(out, "\n{} {}", message.text, titles(suggestions));
                }
                let _ = writeln!(out, "\n{disclaimer}");
            }
            Reply::Safety { reply, .. } => {
                let _ = writeln!(
                    out,
                    "**{}**\n{}\n\n{}",
                    reply.title,
                    reply.text,
                    sources_line(&reply.sources)
                );
            }
        }
        out
    }
}

fn titles(links: &[Link<'_>]) -> String {
    links.iter().map(|l| l.title).collect::<Vec<_>>().join(" · ")
}

fn sources_line(sources: &[Source]) -> String {
    let list: Vec<String> = sources
        .iter()
        .map(|s| format!("{} <{}>", s.title, s.url))
        .collect();
    let label = if sources.len() == 1 { "Source" } else { "Sources" };
    format!("{label}: {}", list.join("; "))
}
