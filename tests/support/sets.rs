//! Evaluation sets under `tests/fixtures`: `question<TAB>acceptable answers` lines, and the
//! rules of `../shared/tools/score-intents` for judging an answer. Tests that hold a set
//! include this file on its own with `#[path = "support/sets.rs"] mod sets;`, so they do not
//! compile the Discord emulator.
#![allow(dead_code)]

use sarcoma_bot::matcher::Match;

/// One line of a set.
pub struct Case {
    pub question: String,
    /// Entry ids (`chemotherapy`), entry ids with a section (`chemotherapy#side-effects`), or
    /// `none`, `help`, `crisis`, `emergency`.
    pub accept: Vec<String>,
}

/// The lines of `tests/fixtures/{name}`; `#` lines and blank lines are skipped.
pub fn load(name: &str) -> Vec<Case> {
    load_from(&format!("tests/fixtures/{name}"))
}

/// The lines of a file of the same shape, its path from the crate root
/// (`knowledge/questions.tsv`).
pub fn load_from(file: &str) -> Vec<Case> {
    let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (q, ids) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("{path}: no tab in {l:?}"));
            Case {
                question: q.to_owned(),
                accept: ids.split(',').map(|a| a.trim().to_owned()).collect(),
            }
        })
        .collect()
}

/// Whether a line asks for the crisis or emergency reply.
pub fn is_safety(ids: &[String]) -> bool {
    ids.iter().any(|i| i == "crisis" || i == "emergency")
}

/// How an answer fares against a line, as `score-intents` counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Right,
    /// The right entry, but not the section the line asks for.
    OtherPart,
    Miss,
}

/// `score-intents`' verdict: an id is right for any part of its entry, `id#section` only for
/// that section; a crisis or emergency line is caught by the reply or by its note.
pub fn verdict(accept: &[String], m: &Match) -> Verdict {
    let got = m.intent.as_ref().map(|i| i.id());
    let note = m.safety_note.map(|n| n.id());
    let mut other_part = false;
    for a in accept {
        let (want, section) = a
            .split_once('#')
            .map_or((a.as_str(), None), |(w, s)| (w, Some(s)));
        let right = match want {
            "crisis" | "emergency" => got == Some(want) || note == Some(want),
            "none" => got.is_none(),
            _ if got == Some(want) => {
                other_part = true;
                section.is_none() || section == m.section.as_deref()
            }
            _ => false,
        };
        if right {
            return Verdict::Right;
        }
    }
    if other_part {
        Verdict::OtherPart
    } else {
        Verdict::Miss
    }
}
