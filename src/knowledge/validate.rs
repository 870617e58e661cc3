//! Checks that a parsed knowledge base is safe to answer from: ids, links, Discord's size
//! limits, sources and review dates. Shared by `sarcoma-bot check` and the bot's loader.

use std::collections::HashMap;

use super::load::{LocatedSafety, Problem, message_problem};
use super::{
    Date, Entry, Messages, REQUIRED_IDS, REQUIRED_SECTIONS, RESERVED_IDS, Source, is_kebab_case, readability,
};
use crate::matcher::text;

/// Discord's embed field value limit is 1024; 1000 leaves room for a continuation mark.
pub(crate) const MAX_SECTION_CHARS: usize = 1000;
/// Discord's limit for an embed title and a field name.
pub(crate) const MAX_TITLE_CHARS: usize = 256;
/// A summary is one or two sentences; longer ones stop being a summary on a phone.
const MAX_SUMMARY_CHARS: usize = 400;
/// Discord allows 25 fields; more than a handful of sections no longer reads on a phone.
const MAX_SECTIONS: usize = 6;
/// Discord's limit for all text in one embed.
pub(crate) const MAX_EMBED_CHARS: usize = 6000;
/// A footer carries the source, the date and the disclaimer; Discord allows 2048.
const MAX_DISCLAIMER_CHARS: usize = 300;
/// NIH and AMA guidance for patient material.
const MAX_GRADE: f64 = 8.0;
/// Example questions an entry or a section carries: enough to show its range of wording,
/// few enough that they stay examples rather than a list of questions to memorise.
const EXAMPLES: std::ops::RangeInclusive<usize> = 3..=8;

pub(super) struct Located {
    pub(super) file: String,
    pub(super) line: usize,
    pub(super) entry: Entry,
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn check_text(out: &mut Vec<String>, field: &str, text: &str, max: usize) {
    let n = chars(text);
    if text.trim().is_empty() {
        out.push(format!("`{field}` is empty"));
    } else if n > max {
        out.push(format!("`{field}` is {n} characters; the limit is {max}"));
    }
}

fn check_sources(out: &mut Vec<String>, sources: &[Source]) {
    if sources.is_empty() {
        out.push("no `sources`: every answer must name where its facts come from".into());
    }
    for (i, s) in sources.iter().enumerate() {
        check_text(out, &format!("sources[{i}].title"), &s.title, MAX_TITLE_CHARS);
        if !(s.url.starts_with("https://") || s.url.starts_with("http://")) {
            out.push(format!("`sources[{i}].url` {:?} is not a web address", s.url));
        }
    }
}

/// Review dates: an overdue review is a warning (the bot keeps answering), an impossible
/// order of dates is an error.
fn check_dates(
    file: &str,
    line: usize,
    what: &str,
    reviewed: Date,
    next: Date,
    today: Date,
    problems: &mut Vec<Problem>,
) {
    if next <= reviewed {
        problems.push(Problem::error(
            file,
            Some(line),
            format!("{what}: `next_review` {next} is not after `reviewed` {reviewed}"),
        ));
    }
    if next < today {
        problems.push(Problem::warning(
            file,
            Some(line),
            format!("{what}: review overdue: `next_review` was {next}"),
        ));
    }
    if reviewed > today {
        problems.push(Problem::warning(
            file,
            Some(line),
            format!("{what}: `reviewed` {reviewed} is in the future"),
        ));
    }
}

pub(super) fn entries(entries: &[Located], today: Date, problems: &mut Vec<Problem>) {
    let mut first_seen: HashMap<&str, &Located> = HashMap::new();
    for l in entries {
        let id = l.entry.id.as_str();
        if let Some(first) = first_seen.get(id) {
            problems.push(Problem::error(
                &l.file,
                Some(l.line),
                format!(
                    "duplicate id `{id}` (first defined at {}:{})",
                    first.file, first.line
                ),
            ));
        } else {
            first_seen.insert(id, l);
        }
        if RESERVED_IDS.contains(&id) {
            problems.push(Problem::error(
                &l.file,
                Some(l.line),
                format!("`{id}` is reserved for a built-in reply"),
            ));
        }
        entry(l, today, problems);
    }
    for l in entries {
        for r in &l.entry.related {
            if r == &l.entry.id {
                problems.push(Problem::error(
                    &l.file,
                    Some(l.line),
                    format!("entry `{r}` lists itself in `related`"),
                ));
            } else if !first_seen.contains_key(r.as_str()) {
                problems.push(Problem::error(
                    &l.file,
                    Some(l.line),
                    format!("entry `{}`: `related` names an unknown id `{r}`", l.entry.id),
                ));
            }
        }
    }
    names_claimed_twice(entries, problems);
    for required in REQUIRED_IDS {
        if !first_seen.contains_key(required) {
            problems.push(Problem::error(
                "knowledge",
                None,
                format!("required entry `{required}` is missing (commands and evaluations rely on it)"),
            ));
        }
    }
}

fn entry(l: &Located, today: Date, problems: &mut Vec<Problem>) {
    let e = &l.entry;
    let mut out = Vec::new();
    check_text(&mut out, "title", &e.title, MAX_TITLE_CHARS);
    check_text(&mut out, "summary", &e.summary, MAX_SUMMARY_CHARS);
    if e.sections.is_empty() || e.sections.len() > MAX_SECTIONS {
        out.push(format!(
            "has {} sections; it needs 1 to {MAX_SECTIONS}",
            e.sections.len()
        ));
    }
    for (i, s) in e.sections.iter().enumerate() {
        check_text(
            &mut out,
            &format!("sections[{i}].heading"),
            &s.heading,
            MAX_TITLE_CHARS,
        );
        check_text(
            &mut out,
            &format!("sections[{i}].text"),
            &s.text,
            MAX_SECTION_CHARS,
        );
    }
    for (field, words) in [("aliases", &e.aliases), ("keywords", &e.keywords)] {
        if words.iter().any(|w| w.trim().is_empty()) {
            out.push(format!("`{field}` holds an empty string"));
        }
    }
    check_examples(&mut out, "examples", &e.examples);
    let mut ids = Vec::new();
    for (i, s) in e.sections.iter().enumerate() {
        if !is_kebab_case(&s.id) {
            out.push(format!(
                "`sections[{i}].id` {:?} is not kebab-case (lowercase words joined by hyphens)",
                s.id
            ));
        } else if ids.contains(&s.id.as_str()) {
            out.push(format!(
                "`sections[{i}].id` {:?} repeats an earlier section's id",
                s.id
            ));
        }
        ids.push(s.id.as_str());
        check_examples(&mut out, &format!("sections[{i}].examples"), &s.examples);
    }
    if let Some((_, wanted)) = REQUIRED_SECTIONS.iter().find(|(id, _)| *id == e.id.as_str()) {
        let missing: Vec<&str> = wanted.iter().copied().filter(|w| !ids.contains(w)).collect();
        let extra: Vec<&str> = ids.iter().copied().filter(|i| !wanted.contains(i)).collect();
        if !missing.is_empty() || !extra.is_empty() {
            out.push(format!(
                "`sections` must have exactly the ids {} (missing: {}; not in the contract: {})",
                wanted.join(", "),
                list_or_none(&missing),
                list_or_none(&extra)
            ));
        }
    }
    check_sources(&mut out, &e.sources);
    let embed: usize = chars(&e.title)
        + chars(&e.summary)
        + e.sections
            .iter()
            .map(|s| chars(&s.heading) + chars(&s.text))
            .sum::<usize>()
        + e.sources.first().map_or(0, |s| chars(&s.title))
        + MAX_DISCLAIMER_CHARS;
    if embed > MAX_EMBED_CHARS {
        out.push(format!(
            "all text comes to {embed} characters with its footer; one embed holds {MAX_EMBED_CHARS}"
        ));
    }
    let what = format!("entry `{}`", e.id);
    for message in out {
        problems.push(Problem::error(
            &l.file,
            Some(l.line),
            format!("{what}: {message}"),
        ));
    }
    check_dates(&l.file, l.line, &what, e.reviewed, e.next_review, today, problems);
    let grade = super::KnowledgeBase::grade(e);
    if grade > MAX_GRADE {
        problems.push(Problem::warning(
            &l.file,
            Some(l.line),
            format!(
                "{what}: reads at grade {grade:.1}; patient material should be at most grade {MAX_GRADE}"
            ),
        ));
    }
}

/// A safety note sits above an answer on a phone screen: a few lines at most.
const MAX_NOTE_CHARS: usize = 400;

fn list_or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn check_examples(out: &mut Vec<String>, field: &str, examples: &[String]) {
    if !EXAMPLES.contains(&examples.len()) {
        out.push(format!(
            "`{field}` has {} example questions; it needs {} to {}",
            examples.len(),
            EXAMPLES.start(),
            EXAMPLES.end()
        ));
    }
    for (i, q) in examples.iter().enumerate() {
        if !q.chars().any(char::is_alphanumeric) {
            out.push(format!("`{field}[{i}]` has no words"));
        }
    }
}

/// An alias names one entry: on two, the matcher could only guess between them. Aliases are
/// compared the way the matcher reads them ("Recurrent" and "recurrent" are one). A title may
/// share a word with another entry's alias: a glossary term is titled by the word a topic
/// answers to ("Metastatic"), and the matcher tells them apart by how the question asks.
fn names_claimed_twice(entries: &[Located], problems: &mut Vec<Problem>) {
    let key = |name: &str| -> String {
        text::words(name)
            .iter()
            .map(|w| text::stem(w).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut owner: HashMap<String, (&Located, String)> = HashMap::new();
    for l in entries {
        let mut own = Vec::new();
        for (i, name) in l.entry.aliases.iter().enumerate() {
            let field = format!("aliases[{i}]");
            let k = key(name);
            if k.is_empty() || own.contains(&k) {
                continue;
            }
            own.push(k.clone());
            match owner.get(&k) {
                Some((first, first_field)) if first.entry.id != l.entry.id => {
                    problems.push(Problem::error(
                        &l.file,
                        Some(l.line),
                        format!(
                            "entry `{}`: `{field}` {name:?} is already an alias of entry `{}` (its `{first_field}`, {}:{}); an alias may belong to one entry only",
                            l.entry.id, first.entry.id, first.file, first.line
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    owner.insert(k, (l, field));
                }
            }
        }
    }
}

pub(super) fn safety(s: &LocatedSafety, today: Date, problems: &mut Vec<Problem>) {
    let mut out = Vec::new();
    check_text(&mut out, "title", &s.reply.title, MAX_TITLE_CHARS);
    check_text(&mut out, "text", &s.reply.text, MAX_SECTION_CHARS);
    check_text(&mut out, "note", &s.reply.note, MAX_NOTE_CHARS);
    check_sources(&mut out, &s.reply.sources);
    let what = format!("[{}]", s.name);
    for message in out {
        problems.push(Problem::error(
            &s.file,
            Some(s.line),
            format!("{what}: {message}"),
        ));
    }
    check_dates(
        &s.file,
        s.line,
        &what,
        s.reply.reviewed,
        s.reply.next_review,
        today,
        problems,
    );
    let grade = readability::grade([s.reply.text.as_str()]);
    if grade > MAX_GRADE {
        problems.push(Problem::warning(
            &s.file,
            Some(s.line),
            format!("{what}: reads at grade {grade:.1}"),
        ));
    }
}

pub(super) fn messages(m: &Messages, problems: &mut Vec<Problem>) {
    let mut out = Vec::new();
    check_text(&mut out, "disclaimer", &m.disclaimer, MAX_DISCLAIMER_CHARS);
    for (name, msg) in [
        ("help", &m.help),
        ("no_match", &m.no_match),
        ("not_covered", &m.not_covered),
        ("decision", &m.decision),
        ("about", &m.about),
    ] {
        check_text(&mut out, &format!("{name}.title"), &msg.title, MAX_TITLE_CHARS);
        check_text(&mut out, &format!("{name}.text"), &msg.text, MAX_SECTION_CHARS);
    }
    problems.extend(out.into_iter().map(|m| message_problem("messages", m)));
}
