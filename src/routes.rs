//! The knowledge base tests itself: every example question written beside an entry or a
//! section is run through the matcher, and one that lands elsewhere is a problem, reported
//! with its file, entry and field. A content editor sees a misroute in `check` (and a live
//! reload refuses it) before a member does.

use std::fmt;

use crate::knowledge::{EntryId, KnowledgeBase, Problem};
use crate::matcher::{Intent, Match, Matcher};

/// An example question that does not reach the entry (and section) it was written for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Misroute {
    pub file: String,
    pub line: usize,
    pub entry: EntryId,
    /// `examples[2]` or `sections[1].examples[0]`.
    pub field: String,
    pub question: String,
    /// Where it should land: `entry` or `entry#section`.
    pub want: String,
    /// Where it lands.
    pub got: String,
}

impl fmt::Display for Misroute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: entry `{}`: `{}` {:?} lands on {}, not {}",
            self.file, self.line, self.entry, self.field, self.question, self.got, self.want
        )
    }
}

/// Where a match lands, written the way `Misroute` names places.
pub fn place(m: &Match) -> String {
    match (&m.intent, &m.section) {
        (Some(Intent::Entry(id)), Some(s)) => format!("{id}#{s}"),
        (Some(intent), _) => intent.id().to_owned(),
        (None, _) => "no match".to_owned(),
    }
}

/// Every example question of the knowledge base that lands elsewhere, in file order.
pub fn misroutes(kb: &KnowledgeBase, matcher: &Matcher) -> Vec<Misroute> {
    let mut out = Vec::new();
    for entry in kb.entries() {
        let origin = entry.origin();
        // A whole-entry example ("what is doxorubicin") may be answered by the entry's
        // closest part; a section's example must reach that section.
        let mut check = |field: String, question: &str, want: String| {
            let found = matcher.find(question);
            let got = place(&found);
            let landed = if want.contains('#') {
                got == want
            } else {
                matches!(&found.intent, Some(Intent::Entry(id)) if *id == entry.id)
            };
            if !landed {
                out.push(Misroute {
                    file: origin.file.clone(),
                    line: origin.line,
                    entry: entry.id.clone(),
                    field,
                    question: question.to_owned(),
                    want,
                    got,
                });
            }
        };
        for (i, q) in entry.examples().iter().enumerate() {
            check(format!("examples[{i}]"), q, entry.id.to_string());
        }
        for (j, section) in entry.sections.iter().enumerate() {
            for (i, q) in section.examples().iter().enumerate() {
                check(
                    format!("sections[{j}].examples[{i}]"),
                    q,
                    format!("{}#{}", entry.id, section.id),
                );
            }
        }
    }
    out
}

impl Misroute {
    /// The misroute as a `check` error.
    pub fn problem(&self) -> Problem {
        Problem::error(
            &self.file,
            Some(self.line),
            format!(
                "entry `{}`: `{}` {:?} lands on {}, not {} (an example question must reach its own entry and section)",
                self.entry, self.field, self.question, self.got, self.want
            ),
        )
    }
}

/// The misroutes as `check` errors.
pub fn problems(kb: &KnowledgeBase, matcher: &Matcher) -> Vec<Problem> {
    misroutes(kb, matcher).iter().map(Misroute::problem).collect()
}
