//! `knowledge/questions.tsv`: questions in members' words, each labelled with the entry (and
//! section) that answers it. The router learns from them; they are never replayed as checks,
//! since a learnt model is not expected to fit every line it learnt from.
//!
//! Kept apart from the entries' own `examples` so that a moderator can add many phrasings
//! without crowding the entry files, and so that `check --routes` stays a short list of
//! questions each entry must answer.

use super::{Entry, EntryId, Problem};

/// The file's name in the knowledge folder.
pub(crate) const FILE: &str = "questions.tsv";

/// One labelled question.
#[derive(Clone, Debug)]
pub(crate) struct Question {
    pub(crate) text: String,
    pub(crate) entry: EntryId,
    pub(crate) section: Option<String>,
}

/// A parsed line, its label not yet checked against the entries.
pub(super) struct Unchecked {
    line: usize,
    question: Question,
}

/// Reads the file's lines: a question, a TAB, and `entry-id` or `entry-id#section-id`.
/// Blank lines and lines starting with `#` are comments.
pub(super) fn parse(file: &str, source: &str, problems: &mut Vec<Problem>) -> Vec<Unchecked> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((text, label)) = line.split_once('\t').filter(|(t, _)| !t.trim().is_empty()) else {
            problems.push(Problem::error(
                file,
                Some(n),
                "want a question, a TAB, and the entry id (or entry-id#section-id) that answers it".into(),
            ));
            continue;
        };
        let label = label.trim();
        let (id, section) = match label.split_once('#') {
            Some((id, section)) => (id, Some(section.to_owned())),
            None => (label, None),
        };
        match EntryId::parse(id) {
            Some(entry) => out.push(Unchecked {
                line: n,
                question: Question {
                    text: text.to_owned(),
                    entry,
                    section,
                },
            }),
            None => problems.push(Problem::error(
                file,
                Some(n),
                format!("label {label:?} is not an entry id (kebab-case, optionally #section-id)"),
            )),
        }
    }
    out
}

/// The questions whose labels name an entry and section that exist; each other one is a
/// problem naming its line.
pub(super) fn checked(
    file: &str,
    lines: Vec<Unchecked>,
    entries: &[&Entry],
    problems: &mut Vec<Problem>,
) -> Vec<Question> {
    let mut out = Vec::with_capacity(lines.len());
    for Unchecked { line, question } in lines {
        let Some(entry) = entries.iter().find(|e| e.id == question.entry) else {
            problems.push(Problem::error(
                file,
                Some(line),
                format!("no entry has the id `{}`", question.entry.as_str()),
            ));
            continue;
        };
        if let Some(s) = question.section.as_deref()
            && entry.section(s).is_none()
        {
            problems.push(Problem::error(
                file,
                Some(line),
                format!("entry `{}` has no section `{s}`", question.entry.as_str()),
            ));
            continue;
        }
        out.push(question);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_without_a_label_or_with_a_bad_id_is_a_problem_naming_its_line() {
        let mut problems = Vec::new();
        let lines = parse(
            "questions.tsv",
            "# comment\nwill my hair fall out\thair-loss#which-treatments\nno label here\nwhat is it\tNot_An_Id\n\n",
            &mut problems,
        );
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].question.section.as_deref(), Some("which-treatments"));
        let at: Vec<_> = problems.iter().map(|p| p.line).collect();
        assert_eq!(at, [Some(3), Some(4)], "{problems:?}");
    }
}
