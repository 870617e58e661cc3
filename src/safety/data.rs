//! Reading the safety folder, `knowledge/safety/`: the routing rules (`rules.toml`), the
//! labelled examples the model learns from (`examples.tsv` and `examples-*.tsv`) and the lines
//! every knowledge version must keep routing the same way (`checks.tsv`).
//!
//! These files are the only way an edit reaches safety routing, so they are parsed on their
//! own and every problem names the file, line and field, like the rest of the knowledge.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::Level;
use crate::knowledge::Problem;
use crate::matcher::text;

pub(crate) const RULES_FILE: &str = "rules.toml";
pub(crate) const EXAMPLES_FILE: &str = "examples.tsv";
pub(crate) const CHECKS_FILE: &str = "checks.tsv";

/// Whether a file of the safety folder holds examples for the model: `examples.tsv`, or a batch
/// kept apart under its own name (`examples-dev-a.tsv`), so a whole set written by one helper
/// can be added, scored or taken out as one file.
pub(crate) fn holds_examples(name: &str) -> bool {
    name == EXAMPLES_FILE || (name.starts_with("examples-") && name.ends_with(".tsv"))
}

/// Everything safety routing reads, parsed and normalised once per knowledge version.
#[derive(Clone, Debug, Default)]
pub struct SafetyData {
    pub(crate) crisis: Family,
    pub(crate) emergency: Family,
    pub(crate) overdose: Family,
    pub(crate) distress: Family,
    pub(crate) guard: Guard,
    /// The words a misspelling may be read as: "sucidal" is "suicidal", "breth" is "breath".
    pub(crate) typo_targets: Vec<String>,
    /// Real words a slip away from a target, never read as it: "willing" is not "killing".
    pub(crate) real_words: Vec<String>,
    pub(crate) examples: Vec<Example>,
    pub(crate) checks: Vec<Check>,
    /// Where `checks` came from, for the lines `check` prints.
    pub(crate) checks_file: String,
    /// The words of every phrase, pattern set, idiom and guard entry, with where they are
    /// written, so `check` can say which of them safety's spelling would read as another word.
    pub(crate) rule_words: Vec<RuleWords>,
}

/// The words of one phrase, pattern set, idiom or guard entry in `rules.toml`, and where they
/// are written (a guard list's entries have no line of their own: the list is named instead).
#[derive(Clone, Debug)]
pub(crate) struct RuleWords {
    pub(crate) file: String,
    pub(crate) line: Option<usize>,
    /// The phrase or pattern, as `check` names it.
    pub(crate) rule: String,
    pub(crate) words: Vec<String>,
    /// A pattern's set: its words are alternatives, and one read as another of them still
    /// matches.
    pub(crate) alternatives: bool,
}

/// The phrases and patterns of one outcome.
#[derive(Clone, Debug, Default)]
pub(crate) struct Family {
    /// Each phrase as normalised words.
    pub(crate) phrases: Vec<Vec<String>>,
    pub(crate) patterns: Vec<Pattern>,
    /// Words one of which a sentence must hold before the model's judgement of it counts;
    /// none listed, and the model is heard on every sentence.
    pub(crate) cues: Words,
    /// The cues strong enough for the model to be heard beside a clause that asks.
    pub(crate) question_cues: Words,
}

/// Alternatives, each a run of normalised words: `["shivery", "hot and cold"]`.
pub(crate) use crate::matcher::text::PhraseIndex as Words;

/// Words from several sets that together make a sign: "took" … "all" … "pills".
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    pub(crate) sets: Vec<Words>,
    /// In order, each set within this many words of the last; `None`: anywhere in the
    /// sentence, in any order.
    pub(crate) within: Option<usize>,
    /// Any of these in the sentence cancels the pattern ("suicide squad").
    pub(crate) unless: Words,
    /// A sign that needs a call to the care team today and is usually raised beside a
    /// question the knowledge answers ("the scar is red and leaking a bit"): that answer is
    /// given with the emergency note first, and the emergency reply only when there is none.
    pub(crate) answer_too: bool,
}

/// Words that say a message is not about a person at risk now.
#[derive(Clone, Debug, Default)]
pub(crate) struct Guard {
    /// Figures of speech, blanked before anything is judged: "dying to know".
    pub(crate) idioms: Vec<Vec<String>>,
    /// A message about an animal is for a vet, not this bot's safety reply.
    pub(crate) animals: Words,
    /// Someone in general rather than a person here: "someone", "patients".
    pub(crate) anyone: Words,
    /// A story told or read, not a thing happening here: "on the news", "a documentary".
    pub(crate) stories: Words,
    /// Learning about a sign rather than having it: "reading up on sepsis".
    pub(crate) learning: Words,
    /// Helping someone else: a question on how to support a person at risk.
    pub(crate) helping: Words,
    /// Things, not people: "my laptop will not turn on" is no goodbye.
    pub(crate) things: Words,
    /// The writer says they are safe: "end of my tether, not in a dangerous way".
    pub(crate) safe: Words,
    /// The writer holds on to life: "i want as much time as i can have".
    pub(crate) hopes: Words,
    /// The writer will be back: "signing off for two weeks, off to cornwall".
    pub(crate) returning: Words,
    /// Words that name suicide or self-harm as a subject: in a question about people in
    /// general they make a question about the topic ("do people get suicidal on steroids?").
    pub(crate) topics: Words,
    /// The writer says a question is their own: "asking for me", "asking for a friend".
    pub(crate) for_oneself: Words,
    /// The wound a harm has just made ("it's still bleeding"): beside a crisis sign in one
    /// sentence it is part of the crisis, whose reply already says to call for help in danger,
    /// not a second emergency.
    pub(crate) wounds_of_harm: Words,
    /// Where a person wishes to die when the time comes ("mum wants to die at home"): end-of-life
    /// care, not a wish to die now, unless the sentence says it is now ("tonight").
    pub(crate) places_of_dying: Words,
    /// Plans made for the end of life with the care team or the family ("my funeral wishes",
    /// "a DNR form"): calm planning, which the model mistakes for a goodbye, so it is not heard
    /// on such a sentence; the crisis rules still are.
    pub(crate) plans_for_the_end: Words,
    /// A thought of what might have been ("if i had stopped smoking sooner this would not have
    /// happened"): guilt or regret, which the model hears as a wish to die, so it is not heard on
    /// a sentence that holds one unless a crisis cue is there.
    pub(crate) might_have_been: Words,
    /// A time close at hand or the nerve to act ("tonight", "just need the nerve"): beside plans
    /// for the end it may be a date set, so the model is heard again.
    pub(crate) close_at_hand: Words,
    /// The opening of a question someone asks about a death ("keeps asking if"): with the words
    /// of dying a few words on ("if mummy is going to die") it is a fear voiced, often a
    /// child's, and no wish to die.
    pub(crate) questions_of_dying: Words,
}

#[derive(Clone, Debug)]
pub(crate) struct Example {
    pub(crate) text: String,
    pub(crate) level: Option<Level>,
}

/// A line whose outcome must not change, and the outcome it must keep.
#[derive(Clone, Debug)]
pub(crate) struct Check {
    pub(crate) line: usize,
    pub(crate) text: String,
    pub(crate) expect: Option<Level>,
}

impl SafetyData {
    /// The lines every knowledge version must keep routing the same way: line number, text,
    /// and the outcome (`None`: no crisis or emergency reply).
    pub fn checks(&self) -> impl Iterator<Item = (usize, &str, Option<Level>)> {
        self.checks.iter().map(|c| (c.line, c.text.as_str(), c.expect))
    }

    /// The file the checks came from, for the problems `check` reports.
    pub fn checks_file(&self) -> &str {
        &self.checks_file
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    lists: BTreeMap<String, Spanned<Vec<String>>>,
    crisis: RawFamily,
    emergency: RawFamily,
    overdose: RawFamily,
    distress: RawFamily,
    guard: RawGuard,
    typos: RawTypos,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTypos {
    targets: Vec<String>,
    #[serde(default)]
    real_words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFamily {
    phrases: Vec<Spanned<String>>,
    #[serde(default)]
    cues: Vec<String>,
    #[serde(default)]
    cues_beside_a_question: Vec<String>,
    #[serde(default)]
    pattern: Vec<Spanned<RawPattern>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    name: String,
    sets: Vec<Vec<String>>,
    within: Option<usize>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    answer_too: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuard {
    idioms: Vec<Spanned<String>>,
    animals: Vec<String>,
    anyone: Vec<String>,
    stories: Vec<String>,
    learning: Vec<String>,
    helping: Vec<String>,
    #[serde(default)]
    things: Vec<String>,
    #[serde(default)]
    safe: Vec<String>,
    #[serde(default)]
    hopes: Vec<String>,
    #[serde(default)]
    returning: Vec<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    for_oneself: Vec<String>,
    #[serde(default)]
    wounds_of_harm: Vec<String>,
    #[serde(default)]
    places_of_dying: Vec<String>,
    #[serde(default)]
    plans_for_the_end: Vec<String>,
    #[serde(default)]
    might_have_been: Vec<String>,
    #[serde(default)]
    close_at_hand: Vec<String>,
    #[serde(default)]
    questions_of_dying: Vec<String>,
}

/// The words of a phrase as the matcher will see a message: "can't" becomes "can not".
fn normalised(phrase: &str) -> Vec<String> {
    text::words(phrase)
}

/// The most phrases one guard entry may stand for: choices multiply, and a slip in a long
/// entry should be an error, not a list of thousands.
const MAX_SPELLINGS: usize = 64;

/// Each phrase a guard entry (an idiom too) stands for. Choices in brackets stand for one word or phrase
/// each, and an empty choice for none, so a family of phrasings is written once: "not need
/// (it|them) after (the|my|) op" is six phrases.
fn spellings(entry: &str) -> Result<Vec<String>, String> {
    let mut out = vec![String::new()];
    let mut rest = entry;
    while let Some(open) = rest.find(['(', ')']) {
        let inner = &rest[open + 1..];
        let close = match (rest[open..].starts_with('('), inner.find(['(', ')'])) {
            (true, Some(at)) if inner[at..].starts_with(')') => at,
            (true, _) => {
                return Err(format!(
                    "{entry:?}: a `(` needs a `)` after it, with no `(` between"
                ));
            }
            (false, _) => return Err(format!("{entry:?}: a `)` has no `(` before it")),
        };
        let head = &rest[..open];
        out = out
            .iter()
            .flat_map(|o| inner[..close].split('|').map(move |c| format!("{o}{head}{c}")))
            .collect();
        if out.len() > MAX_SPELLINGS {
            return Err(format!(
                "{entry:?}: its choices make more than {MAX_SPELLINGS} phrases"
            ));
        }
        rest = &inner[close + 1..];
    }
    Ok(out.into_iter().map(|o| o + rest).collect())
}

/// A guard list, each entry spelt out (see [`spellings`]); an entry whose brackets do not
/// close is a problem naming the list.
fn guard_list(file: &str, name: &str, list: &[String], problems: &mut Vec<Problem>) -> Words {
    let mut all = Vec::with_capacity(list.len());
    for entry in list {
        match spellings(entry) {
            Ok(phrases) => all.extend(phrases),
            Err(e) => problems.push(Problem::error(file, None, format!("[guard] {name}: {e}"))),
        }
    }
    alternatives(&all)
}

/// Each entry of a list as its own run of words; entries with no words are dropped.
fn alternatives(list: &[String]) -> Words {
    let runs: Vec<Vec<String>> = list
        .iter()
        .map(|w| normalised(w))
        .filter(|w| !w.is_empty())
        .collect();
    Words::new(&runs)
}

/// A pattern's list with each `@name` standing for the words of `[lists] name`, so words that
/// several patterns need (the chemotherapy drugs, the weather) are written once and cannot
/// drift apart.
fn with_lists(
    list: &[String],
    lists: &BTreeMap<String, Spanned<Vec<String>>>,
) -> Result<Vec<String>, String> {
    let mut out = Vec::with_capacity(list.len());
    for entry in list {
        match entry.strip_prefix('@') {
            Some(name) => match lists.get(name) {
                Some(words) => out.extend(words.get_ref().iter().cloned()),
                None => return Err(format!("`@{name}` names no list under [lists]")),
            },
            None => out.push(entry.clone()),
        }
    }
    Ok(out)
}

/// A pattern with the lists its `sets` and `unless` name written out (see [`with_lists`]).
fn with_lists_in(p: &mut RawPattern, lists: &BTreeMap<String, Spanned<Vec<String>>>) -> Result<(), String> {
    for set in &mut p.sets {
        *set = with_lists(set, lists)?;
    }
    p.unless = with_lists(&p.unless, lists)?;
    Ok(())
}

/// Parses `rules.toml`, adding a problem for each thing wrong.
pub(crate) fn rules(file: &str, source: &str, data: &mut SafetyData, problems: &mut Vec<Problem>) {
    let raw: RawRules = match toml::from_str(source) {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map(|s| crate::knowledge::line_of(source, s.start));
            problems.push(Problem::error(file, line, e.message().trim().to_owned()));
            return;
        }
    };
    let line = |at: usize| Some(crate::knowledge::line_of(source, at));
    // A list names words, not other lists: one level keeps every pattern readable in two places.
    for (name, words) in &raw.lists {
        if let Some(inner) = words.get_ref().iter().find(|w| w.starts_with('@')) {
            problems.push(Problem::error(
                file,
                line(words.span().start),
                format!("[lists] {name}: {inner:?} names a list; a list holds words only"),
            ));
        }
    }
    let lists = raw.lists;
    let mut rule_words = Vec::new();
    let mut note_words = |line: Option<usize>, rule: String, words: Vec<String>, alternatives: bool| {
        rule_words.push(RuleWords {
            file: file.to_owned(),
            line,
            rule,
            words,
            alternatives,
        });
    };
    let mut family = |raw: RawFamily, name: &str| {
        let mut out = Family {
            cues: alternatives(&raw.cues),
            question_cues: alternatives(&raw.cues_beside_a_question),
            ..Family::default()
        };
        for p in raw.phrases {
            let words = normalised(p.get_ref());
            if words.is_empty() {
                problems.push(Problem::error(
                    file,
                    line(p.span().start),
                    format!("[{name}] phrases: {:?} has no words", p.get_ref()),
                ));
            } else {
                note_words(
                    line(p.span().start),
                    format!("[{name}] phrase {:?}", p.get_ref()),
                    words.clone(),
                    false,
                );
                out.phrases.push(words);
            }
        }
        for p in raw.pattern {
            let at = line(p.span().start);
            let mut p = p.into_inner();
            if let Err(e) = with_lists_in(&mut p, &lists) {
                problems.push(Problem::error(
                    file,
                    at,
                    format!("[[{name}.pattern]] {:?}: {e}", p.name),
                ));
                continue;
            }
            for set in &p.sets {
                let words = set.iter().flat_map(|a| normalised(a)).collect();
                note_words(at, format!("[[{name}.pattern]] {:?}", p.name), words, true);
            }
            let sets: Vec<Words> = p.sets.iter().map(|set| alternatives(set)).collect();
            if sets.len() < 2 || sets.iter().any(Words::is_empty) {
                problems.push(Problem::error(
                    file,
                    at,
                    format!(
                        "[[{name}.pattern]] {:?}: `sets` needs two or more lists of words, none empty",
                        p.name
                    ),
                ));
                continue;
            }
            if p.within == Some(0) {
                problems.push(Problem::error(
                    file,
                    at,
                    format!(
                        "[[{name}.pattern]] {:?}: `within` must be 1 or more words",
                        p.name
                    ),
                ));
                continue;
            }
            out.patterns.push(Pattern {
                sets,
                within: p.within,
                unless: alternatives(&p.unless),
                answer_too: p.answer_too,
            });
        }
        out
    };
    data.crisis = family(raw.crisis, "crisis");
    data.emergency = family(raw.emergency, "emergency");
    data.overdose = family(raw.overdose, "overdose");
    data.distress = family(raw.distress, "distress");
    let mut idioms = Vec::new();
    for i in raw.guard.idioms {
        let at = line(i.span().start);
        let phrases = match spellings(i.get_ref()) {
            Ok(phrases) => phrases,
            Err(e) => {
                problems.push(Problem::error(file, at, format!("[guard] idioms: {e}")));
                continue;
            }
        };
        for phrase in phrases {
            let words = normalised(&phrase);
            if words.is_empty() {
                problems.push(Problem::error(
                    file,
                    at,
                    format!("[guard] idioms: {:?} has no words", i.get_ref()),
                ));
            } else {
                note_words(at, format!("[guard] idiom {phrase:?}"), words.clone(), false);
                idioms.push(words);
            }
        }
    }
    let mut list = |name: &str, list: &[String]| {
        for a in list {
            note_words(None, format!("[guard] {name} {a:?}"), normalised(a), false);
        }
        guard_list(file, name, list, problems)
    };
    let guard = Guard {
        idioms,
        animals: list("animals", &raw.guard.animals),
        anyone: list("anyone", &raw.guard.anyone),
        stories: list("stories", &raw.guard.stories),
        learning: list("learning", &raw.guard.learning),
        helping: list("helping", &raw.guard.helping),
        things: list("things", &raw.guard.things),
        safe: list("safe", &raw.guard.safe),
        hopes: list("hopes", &raw.guard.hopes),
        returning: list("returning", &raw.guard.returning),
        topics: list("topics", &raw.guard.topics),
        for_oneself: list("for_oneself", &raw.guard.for_oneself),
        wounds_of_harm: list("wounds_of_harm", &raw.guard.wounds_of_harm),
        places_of_dying: list("places_of_dying", &raw.guard.places_of_dying),
        plans_for_the_end: list("plans_for_the_end", &raw.guard.plans_for_the_end),
        might_have_been: list("might_have_been", &raw.guard.might_have_been),
        close_at_hand: list("close_at_hand", &raw.guard.close_at_hand),
        questions_of_dying: list("questions_of_dying", &raw.guard.questions_of_dying),
    };
    data.rule_words = rule_words;
    data.typo_targets = raw.typos.targets.iter().flat_map(|w| normalised(w)).collect();
    data.real_words = raw.typos.real_words.iter().flat_map(|w| normalised(w)).collect();
    data.guard = guard;
}

/// The label column of `examples.tsv` and `checks.tsv`.
fn label(s: &str) -> Result<Option<Level>, ()> {
    match s.trim() {
        "crisis" => Ok(Some(Level::Crisis)),
        "emergency" => Ok(Some(Level::Emergency)),
        "emotional-support" => Ok(Some(Level::Distress)),
        "ordinary" => Ok(None),
        _ => Err(()),
    }
}

/// `text<TAB>label` lines; `#` starts a comment line.
fn labelled(file: &str, source: &str, problems: &mut Vec<Problem>) -> Vec<(usize, String, Option<Level>)> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((message, tag)) = line.split_once('\t') else {
            problems.push(Problem::error(
                file,
                Some(n),
                "want a message, a TAB, and a label (crisis, emergency, emotional-support or ordinary)"
                    .into(),
            ));
            continue;
        };
        match label(tag) {
            Ok(level) if !message.trim().is_empty() => out.push((n, message.to_owned(), level)),
            Ok(_) => problems.push(Problem::error(file, Some(n), "the message is empty".into())),
            Err(()) => problems.push(Problem::error(
                file,
                Some(n),
                format!(
                    "label {:?} is not one of crisis, emergency, emotional-support, ordinary",
                    tag.trim()
                ),
            )),
        }
    }
    out
}

pub(crate) fn examples(file: &str, source: &str, data: &mut SafetyData, problems: &mut Vec<Problem>) {
    data.examples.extend(
        labelled(file, source, problems)
            .into_iter()
            .map(|(_, text, level)| Example { text, level }),
    );
}

pub(crate) fn checks(file: &str, source: &str, data: &mut SafetyData, problems: &mut Vec<Problem>) {
    data.checks_file = file.to_owned();
    data.checks = labelled(file, source, problems)
        .into_iter()
        .map(|(line, text, expect)| Check { line, text, expect })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[crisis]
phrases = ["kill myself"]
cues = ["die"]
[emergency]
phrases = ["can't breathe"]
cues = ["breathe"]
[overdose]
phrases = ["took too many"]
cues = ["took"]
[distress]
phrases = ["so scared"]
cues = ["scared"]
[guard]
idioms = ["dying to know"]
animals = ["dog"]
anyone = ["someone"]
stories = ["on the news"]
learning = ["reading up"]
helping = ["support"]
[typos]
targets = ["suicidal"]
"#;

    #[test]
    fn phrases_are_normalised_like_messages() {
        let mut data = SafetyData::default();
        let mut problems = Vec::new();
        rules("rules.toml", MINIMAL, &mut data, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(data.emergency.phrases, vec![vec!["can", "not", "breathe"]]);
    }

    #[test]
    fn a_bad_field_is_named_with_its_line() {
        let mut data = SafetyData::default();
        let mut problems = Vec::new();
        let bad = format!("{MINIMAL}[[distress.pattern]]\nname = \"x\"\nsets = [[\"a\"]]\n");
        rules("rules.toml", &bad, &mut data, &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = problems[0].to_string();
        assert!(
            p.contains("rules.toml:") && p.contains("distress.pattern") && p.contains("sets"),
            "{p}"
        );
    }

    #[test]
    fn a_shared_list_stands_where_a_pattern_names_it_and_a_wrong_name_is_refused() {
        let pattern = "[[emergency.pattern]]\nname = \"degrees\"\nsets = [[\"degrees\"], [\"@drugs\", \"cycle\"]]\nunless = [\"@weather\"]\n";
        let lists = "[lists]\ndrugs = [\"doxo\", \"ifos\"]\nweather = [\"heat wave\"]\n";
        let mut data = SafetyData::default();
        let mut problems = Vec::new();
        rules(
            "rules.toml",
            &format!("{MINIMAL}{lists}{pattern}"),
            &mut data,
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let words: Vec<&str> = data
            .rule_words
            .iter()
            .filter(|r| r.rule.contains("degrees"))
            .flat_map(|r| r.words.iter().map(String::as_str))
            .collect();
        assert_eq!(words, ["degrees", "doxo", "ifos", "cycle"]);
        assert_eq!(data.emergency.patterns.len(), 1);

        for (lists, wrong) in [
            ("", "@drugs"),
            (
                "[lists]\ndrugs = [\"@weather\"]\nweather = [\"sun\"]\n",
                "names a list",
            ),
        ] {
            let mut problems = Vec::new();
            rules(
                "rules.toml",
                &format!("{MINIMAL}{lists}{pattern}"),
                &mut SafetyData::default(),
                &mut problems,
            );
            let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
            assert!(
                all.iter().any(|p| p.contains("rules.toml:") && p.contains(wrong)),
                "{all:?}"
            );
        }
    }

    #[test]
    fn choices_in_brackets_spell_out_every_phrase() {
        assert_eq!(
            spellings("not need (it|them) after (my|) op").unwrap(),
            [
                "not need it after my op",
                "not need it after  op",
                "not need them after my op",
                "not need them after  op",
            ]
        );
        assert_eq!(spellings("want more time").unwrap(), ["want more time"]);
        for bad in [
            "want (more time",
            "want more) time",
            "want ((more)) time",
            "(a|b) (c|d) (e|f) (g|h) (i|j) (k|l) (m|n)",
        ] {
            assert!(spellings(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_guard_list_reads_its_choices_and_names_a_bracket_left_open() {
        let mut data = SafetyData::default();
        let mut problems = Vec::new();
        let hopes = MINIMAL.replace(
            "helping = [\"support\"]",
            "helping = [\"support\"]\nhopes = [\"not need (it|them) after (my|) op\"]",
        );
        rules("rules.toml", &hopes, &mut data, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        for said in ["i will not need them after op", "i will not need it after my op"] {
            let words: Vec<String> = said.split(' ').map(str::to_owned).collect();
            assert!(data.guard.hopes.find(&words).next().is_some(), "{said}");
        }
        let open = hopes.replace("(my|) op", "(my| op");
        rules("rules.toml", &open, &mut SafetyData::default(), &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = problems[0].to_string();
        assert!(
            p.contains("rules.toml") && p.contains("[guard] hopes") && p.contains("(my| op"),
            "{p}"
        );
    }

    #[test]
    fn an_idiom_reads_its_choices_and_names_the_line_of_a_bracket_left_open() {
        let mut data = SafetyData::default();
        let mut problems = Vec::new();
        let idioms = MINIMAL.replace(
            "idioms = [\"dying to know\"]",
            "idioms = [\"dying to know\", \"(anything|said) under (38|100)\"]",
        );
        assert_ne!(idioms, MINIMAL);
        rules("rules.toml", &idioms, &mut data, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        for said in ["anything under 38", "said under 100", "dying to know"] {
            let words: Vec<String> = said.split(' ').map(str::to_owned).collect();
            assert!(data.guard.idioms.contains(&words), "{said}");
        }
        assert_eq!(data.guard.idioms.len(), 5);
        let open = idioms.replace("under (38|100)", "under (38|100");
        rules("rules.toml", &open, &mut SafetyData::default(), &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = problems[0].to_string();
        let line = open.lines().position(|l| l.contains("under (38|100")).unwrap() + 1;
        assert!(
            p.contains(&format!("rules.toml:{line}"))
                && p.contains("[guard] idioms")
                && p.contains("(38|100"),
            "{p}"
        );
    }

    #[test]
    fn a_wrong_label_names_the_line() {
        let mut data = SafetyData::default();
        let mut problems = Vec::new();
        examples(
            "examples.tsv",
            "# comment\ni want to die\tcrisis\nfever\turgent\nno tab here\n",
            &mut data,
            &mut problems,
        );
        assert_eq!(data.examples.len(), 1);
        let lines: Vec<_> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(3), Some(4)]);
    }
}
