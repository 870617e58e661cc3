//! The slash commands (their names and options are a contract with the outside evaluation)
//! and what each one asks the answering core.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use serenity::all::{
    AutocompleteChoice, CommandDataOption, CommandDataOptionValue, CommandInteraction, CommandOptionType,
    CreateCommand, CreateCommandOption, Permissions,
};

use super::render::{self, Card};
use crate::answer::Answerer;
use crate::knowledge::{Entry, EntryId, Kind, Stage};
use crate::matcher::Intent;
use crate::reload::{ReloadError, Reloaded};

/// The moderators' command that loads the edited knowledge folder.
pub(crate) const RELOAD: &str = "reload";

/// How much of `check`'s report fits in a reply, leaving room for the words around it.
const REPORT_CHARS: usize = 1500;

/// Discord shows at most this many autocomplete choices.
const MAX_CHOICES: usize = 25;
/// Discord's limit on a choice's name and value.
const MAX_CHOICE_CHARS: usize = 100;

/// What a command asks for, parsed once from Discord's payload.
#[derive(Debug, PartialEq)]
pub(crate) enum Request {
    Stage(Option<Stage>),
    /// A treatment topic, and maybe one part (section) of it.
    Treatment(String, Option<String>),
    Ask(String),
    Glossary(String),
    Topics,
    About,
    /// A command this version does not know (an old registration, a renamed command).
    Unknown(String),
}

/// Which entries a topic-picking command offers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Catalogue {
    /// Kinds of treatment and what shapes a plan.
    Treatments,
    /// Everything a member may ask the meaning of: the basics, the types of sarcoma, drugs by
    /// name and glossary words.
    Glossary,
}

/// The groups `/glossary` offers, in the order an empty search lists them, each with the label
/// its choices carry ("Drug: Doxorubicin (Adriamycin)").
const GLOSSARY_GROUPS: &[(Kind, &str)] = &[
    (Kind::Basics, "Basics"),
    (Kind::Type, "Type"),
    (Kind::Drug, "Drug"),
    (Kind::Term, "Word"),
];

impl Catalogue {
    fn holds(self, kind: Kind) -> bool {
        match self {
            Catalogue::Treatments => matches!(kind, Kind::Topic | Kind::Modality),
            Catalogue::Glossary => GLOSSARY_GROUPS.iter().any(|(k, _)| *k == kind),
        }
    }

    /// The label a choice carries, so types and drugs read as groups in the list.
    fn label(self, kind: Kind) -> Option<&'static str> {
        match self {
            Catalogue::Treatments => None,
            Catalogue::Glossary => GLOSSARY_GROUPS.iter().find(|(k, _)| *k == kind).map(|(_, l)| *l),
        }
    }

    pub(crate) fn for_command(name: &str) -> Option<Catalogue> {
        match name {
            "treatment" => Some(Catalogue::Treatments),
            "glossary" => Some(Catalogue::Glossary),
            _ => None,
        }
    }
}

pub(crate) fn definitions() -> Vec<CreateCommand> {
    let text = |name: &str, description: &str| {
        CreateCommandOption::new(CommandOptionType::String, name, description).required(true)
    };
    vec![
        CreateCommand::new("stage")
            .description("What a soft tissue sarcoma stage means, and its treatment")
            .add_option(
                CreateCommandOption::new(CommandOptionType::Integer, "number", "The stage, 1 to 4")
                    .required(true)
                    .min_int_value(1)
                    .max_int_value(4),
            ),
        CreateCommand::new("treatment")
            .description("A kind of treatment, or what shapes a treatment plan")
            .add_option(text("topic", "Start typing, e.g. surgery or chemo").set_autocomplete(true))
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "part", "One part, e.g. side effects")
                    .set_autocomplete(true),
            ),
        CreateCommand::new("ask")
            .description("Ask a question in your own words")
            .add_option(text("question", "Your question").max_length(4000)),
        CreateCommand::new("glossary")
            .description("A word, a type of sarcoma or a drug, e.g. margin, GIST or doxorubicin")
            .add_option(text("term", "Start typing a word").set_autocomplete(true)),
        CreateCommand::new("topics").description("Everything this bot can explain"),
        CreateCommand::new("about").description("What this bot is and is not, its sources and privacy"),
        CreateCommand::new(RELOAD)
            .description("Moderators: load the edited knowledge files now")
            .default_member_permissions(Permissions::MANAGE_GUILD)
            .dm_permission(false),
    ]
}

/// The reply to a successful `/reload`.
pub(crate) fn reloaded_text(reloaded: &Reloaded) -> String {
    let mut text = format!(
        "Knowledge reloaded: version {}, {} entries. New questions are answered from it now.",
        reloaded.version, reloaded.entries
    );
    if !reloaded.warnings.is_empty() {
        text.push_str(&format!(
            "\n\n`sarcoma-bot check` warns:\n```\n{}\n```",
            render::clip(&reloaded.warnings.join("\n"), REPORT_CHARS)
        ));
    }
    text
}

/// The reply to a `/reload` whose knowledge was refused: `check`'s own lines.
pub(crate) fn rejected_text(error: &ReloadError, version: u64) -> String {
    let report = match error {
        ReloadError::Invalid { problems, .. } => problems.join("\n"),
        other => other.to_string(),
    };
    format!(
        "The edited knowledge was not loaded; I am still answering from the last good version ({version}). \
         `sarcoma-bot check` says:\n```\n{}\n```",
        render::clip(&report, REPORT_CHARS)
    )
}

fn option<'a>(options: &'a [CommandDataOption], name: &str) -> Option<&'a CommandDataOptionValue> {
    options.iter().find(|o| o.name == name).map(|o| &o.value)
}

fn text_option(options: &[CommandDataOption], name: &str) -> String {
    match option(options, name) {
        Some(CommandDataOptionValue::String(s)) => s.clone(),
        _ => String::new(),
    }
}

pub(crate) fn parse(command: &CommandInteraction) -> Request {
    let options = &command.data.options;
    match command.data.name.as_str() {
        "stage" => Request::Stage(match option(options, "number") {
            Some(CommandDataOptionValue::Integer(n)) => u8::try_from(*n).ok().and_then(Stage::new),
            _ => None,
        }),
        "treatment" => Request::Treatment(
            text_option(options, "topic"),
            Some(text_option(options, "part")).filter(|p| !p.trim().is_empty()),
        ),
        "ask" => Request::Ask(text_option(options, "question")),
        "glossary" => Request::Glossary(text_option(options, "term")),
        "topics" => Request::Topics,
        "about" => Request::About,
        other => Request::Unknown(other.to_owned()),
    }
}

/// The entry a `/treatment` or `/glossary` value names: an id picked from autocomplete, a
/// title typed in full, or what the matcher makes of the text. Nothing looser: a wrong
/// entry shown with confidence is worse than "I couldn't find that".
pub(crate) fn resolve<'a>(answerer: &'a Answerer, catalogue: Catalogue, value: &str) -> Option<&'a Entry> {
    let kb = answerer.knowledge();
    let value = value.trim();
    let in_catalogue = |e: &&Entry| catalogue.holds(e.kind);
    if let Some(e) = EntryId::parse(value)
        .and_then(|id| kb.get(&id))
        .filter(in_catalogue)
    {
        return Some(e);
    }
    if let Some(e) = kb
        .entries()
        .iter()
        .filter(in_catalogue)
        .find(|e| e.title.eq_ignore_ascii_case(value))
    {
        return Some(e);
    }
    match answerer.matcher().find(value).intent {
        Some(Intent::Entry(id)) => kb.get(&id).filter(in_catalogue),
        _ => None,
    }
}

/// Autocomplete for `/treatment` and `/glossary`: entries whose title or alias fuzzily
/// contains what was typed, plus what the matcher makes of it (so "chemoterapy" and
/// "raditation" still find their entry). Returns (name, value) pairs, best first; `/glossary`
/// names carry their group. With nothing typed, `/glossary` lists every group in turn, each
/// with its share of Discord's 25 choices.
pub(crate) fn choices(answerer: &Answerer, catalogue: Catalogue, typed: &str) -> Vec<(String, String)> {
    let kb = answerer.knowledge();
    let typed = typed.trim();
    let pair = |e: &Entry| {
        let name = match catalogue.label(e.kind) {
            Some(label) => format!("{label}: {}", e.title),
            None => e.title.clone(),
        };
        (
            render::clip(&name, MAX_CHOICE_CHARS),
            render::clip(e.id.as_str(), MAX_CHOICE_CHARS),
        )
    };
    if typed.is_empty() && catalogue == Catalogue::Glossary {
        return grouped(kb.entries()).into_iter().map(pair).collect();
    }
    let fuzzy = SkimMatcherV2::default().ignore_case();
    let mut scored: Vec<(i64, &Entry)> = Vec::new();
    let matched = answerer.matcher().find(typed);
    let matcher_ids: Vec<EntryId> = match &matched.intent {
        Some(Intent::Entry(id)) => std::iter::once(id.clone())
            .chain(matched.alternatives.clone())
            .collect(),
        _ => matched.alternatives.clone(),
    };
    for entry in kb.entries().iter().filter(|e| catalogue.holds(e.kind)) {
        let best = if typed.is_empty() {
            Some(0)
        } else {
            std::iter::once(&entry.title)
                .chain(&entry.aliases)
                .filter_map(|name| fuzzy.fuzzy_match(name, typed))
                .max()
        };
        let boost = matcher_ids
            .iter()
            .position(|id| *id == entry.id)
            .map(|rank| 10_000 - rank as i64);
        if let Some(score) = boost.or(best) {
            scored.push((score, entry));
        }
    }
    scored.sort_by_key(|&(score, _)| std::cmp::Reverse(score));
    scored
        .into_iter()
        .take(MAX_CHOICES)
        .map(|(_, e)| pair(e))
        .collect()
}

/// The glossary's entries group by group, each group cut to its share of the choices Discord
/// shows (in proportion to its size, at least one), so no group is crowded out.
fn grouped(entries: &[Entry]) -> Vec<&Entry> {
    let groups: Vec<Vec<&Entry>> = GLOSSARY_GROUPS
        .iter()
        .map(|(kind, _)| entries.iter().filter(|e| e.kind == *kind).collect())
        .collect();
    let total: usize = groups.iter().map(Vec::len).sum();
    let mut room = MAX_CHOICES;
    let mut out = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let left: usize = groups[i..].iter().map(Vec::len).sum();
        let share = if left <= room {
            group.len()
        } else {
            (group.len() * MAX_CHOICES).div_ceil(total.max(1)).clamp(1, room)
        };
        let take = share.min(room).min(group.len());
        out.extend(group.iter().take(take));
        room -= take;
    }
    out
}

/// Autocomplete for `/treatment part:`: the sections of the topic already chosen whose
/// heading or id fuzzily contains what was typed, in the entry's order.
pub(crate) fn part_choices(answerer: &Answerer, topic: &str, typed: &str) -> Vec<(String, String)> {
    let Some(entry) = resolve(answerer, Catalogue::Treatments, topic) else {
        return Vec::new();
    };
    let fuzzy = SkimMatcherV2::default().ignore_case();
    let typed = typed.trim();
    entry
        .sections
        .iter()
        .filter(|s| {
            typed.is_empty()
                || fuzzy.fuzzy_match(&s.heading, typed).is_some()
                || fuzzy.fuzzy_match(&s.id, typed).is_some()
        })
        .take(MAX_CHOICES)
        .map(|s| {
            (
                render::clip(&s.heading, MAX_CHOICE_CHARS),
                render::clip(&s.id, MAX_CHOICE_CHARS),
            )
        })
        .collect()
}

/// The section of `entry` a `part:` value names: its id, picked from autocomplete, or its
/// heading typed in full.
fn resolve_part<'a>(entry: &'a Entry, value: &str) -> Option<&'a crate::knowledge::Section> {
    let value = value.trim();
    entry
        .sections
        .iter()
        .find(|s| s.id == value || s.heading.eq_ignore_ascii_case(value))
}

pub(crate) fn autocomplete_choices(pairs: Vec<(String, String)>) -> Vec<AutocompleteChoice> {
    pairs
        .into_iter()
        .map(|(name, value)| AutocompleteChoice::new(name, value))
        .collect()
}

/// The reply to a parsed command, and whether it is a safety reply.
pub(crate) fn respond(answerer: &Answerer, request: &Request) -> (Card, Option<Intent>) {
    let kb = answerer.knowledge();
    let entry_card = |entry: Option<&Entry>, what: &str| match entry.and_then(|e| answerer.entry(&e.id)) {
        Some(reply) => (render::card(&reply), entry.map(|e| Intent::Entry(e.id.clone()))),
        None => (
            render::note(&format!(
                "I couldn't find {what}. Try /topics to see everything I can explain, or ask in your own words with /ask."
            )),
            None,
        ),
    };
    match request {
        Request::Stage(Some(stage)) => entry_card(kb.get(&EntryId::for_stage(*stage)), "that stage"),
        Request::Stage(None) => (render::note("Please choose a stage from 1 to 4."), None),
        Request::Treatment(topic, None) => entry_card(
            resolve(answerer, Catalogue::Treatments, topic),
            "that treatment topic",
        ),
        Request::Treatment(topic, Some(part)) => match resolve(answerer, Catalogue::Treatments, topic) {
            None => entry_card(None, "that treatment topic"),
            Some(entry) => match resolve_part(entry, part).and_then(|s| answerer.part(&entry.id, &s.id)) {
                Some(reply) => (render::card(&reply), Some(Intent::Entry(entry.id.clone()))),
                None => (
                    render::note(&format!(
                        "{} has no part called \"{}\". Its parts are: {}.",
                        entry.title,
                        render::clip(part.trim(), MAX_CHOICE_CHARS),
                        entry
                            .sections
                            .iter()
                            .map(|s| s.heading.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    None,
                ),
            },
        },
        Request::Glossary(term) => entry_card(
            resolve(answerer, Catalogue::Glossary, term),
            "that word in the glossary",
        ),
        Request::Ask(question) => {
            let answer = answerer.ask(question);
            (render::answer_card(&answer), answer.matched.intent)
        }
        Request::Topics => (render::topics_card(kb), None),
        Request::About => (render::about_card(kb), None),
        Request::Unknown(_) => (
            render::note("I don't know that command (it may be from an older version). Try /topics."),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::KnowledgeBase;

    fn answerer() -> Answerer {
        Answerer::new(KnowledgeBase::embedded().unwrap().kb)
    }

    fn names(pairs: &[(String, String)]) -> Vec<&str> {
        pairs.iter().map(|(_, v)| v.as_str()).collect()
    }

    #[test]
    fn command_definitions_are_valid_for_discord() {
        let defs = serde_json::to_value(definitions()).unwrap();
        let names: Vec<&str> = defs
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "stage",
                "treatment",
                "ask",
                "glossary",
                "topics",
                "about",
                "reload"
            ]
        );
        for c in defs.as_array().unwrap() {
            let d = c["description"].as_str().unwrap();
            assert!((1..=100).contains(&d.len()), "{c}");
            for o in c["options"].as_array().into_iter().flatten() {
                let name = o["name"].as_str().unwrap();
                assert!(name.len() <= 32 && name == name.to_lowercase());
                assert!(!o["description"].as_str().unwrap().is_empty());
            }
        }
    }

    #[test]
    fn autocomplete_tolerates_typos_and_stays_in_its_catalogue() {
        let a = answerer();
        assert_eq!(
            names(&choices(&a, Catalogue::Treatments, "chemoterapy"))[0],
            "chemotherapy"
        );
        assert_eq!(
            names(&choices(&a, Catalogue::Treatments, "raditation"))[0],
            "radiation"
        );
        assert_eq!(
            names(&choices(&a, Catalogue::Treatments, "imuno"))[0],
            "immunotherapy"
        );
        assert_eq!(
            names(&choices(&a, Catalogue::Glossary, "neoadj"))[0],
            "term-neoadjuvant"
        );
        let all = choices(&a, Catalogue::Treatments, "");
        let treatments = a
            .knowledge()
            .entries()
            .iter()
            .filter(|e| Catalogue::Treatments.holds(e.kind))
            .count();
        assert_eq!(all.len(), treatments.min(MAX_CHOICES));
        assert!(
            names(&all)
                .iter()
                .all(|id| !id.starts_with("term-") && !id.starts_with("stage-"))
        );
        assert!(choices(&a, Catalogue::Glossary, "").len() <= MAX_CHOICES);
    }

    #[test]
    fn the_glossary_offers_basics_types_drugs_and_words_in_groups_within_discords_limit() {
        let a = answerer();
        let all = choices(&a, Catalogue::Glossary, "");
        assert_eq!(all.len(), MAX_CHOICES);
        let labels: Vec<&str> = all.iter().map(|(n, _)| n.split(':').next().unwrap()).collect();
        // Every group appears, and each group's choices sit together, in order.
        let mut order = labels.clone();
        order.dedup();
        assert_eq!(order, ["Basics", "Type", "Drug", "Word"], "{labels:?}");
        for (name, value) in &all {
            let e = a.knowledge().get(&EntryId::parse(value).unwrap()).unwrap();
            assert_eq!(
                *name,
                format!("{}: {}", Catalogue::Glossary.label(e.kind).unwrap(), e.title)
            );
            assert!(name.chars().count() <= MAX_CHOICE_CHARS);
        }
        let found = choices(&a, Catalogue::Glossary, "doxorubicin");
        assert_eq!(
            found[0],
            (
                "Drug: Doxorubicin (Adriamycin)".to_owned(),
                "drug-doxorubicin".to_owned()
            )
        );
        assert_eq!(
            names(&choices(&a, Catalogue::Glossary, "liposarc"))[0],
            "liposarcoma"
        );
        assert!(
            choices(&a, Catalogue::Treatments, "")
                .iter()
                .all(|(_, id)| !id.starts_with("drug-") && id != "liposarcoma" && id != "staging"),
            "/treatment stays for treatments"
        );
    }

    #[test]
    fn topic_values_resolve_from_ids_titles_and_free_text() {
        let a = answerer();
        let id = |c, v| resolve(&a, c, v).map(|e| e.id.as_str().to_owned());
        assert_eq!(id(Catalogue::Treatments, "surgery").as_deref(), Some("surgery"));
        assert_eq!(
            id(Catalogue::Treatments, "Radiation therapy").as_deref(),
            Some("radiation")
        );
        assert_eq!(id(Catalogue::Treatments, "rads").as_deref(), Some("radiation"));
        assert_eq!(id(Catalogue::Glossary, "margins").as_deref(), Some("term-margin"));
        assert_eq!(
            id(Catalogue::Glossary, "surgery"),
            None,
            "surgery is not a glossary term"
        );
    }

    #[test]
    fn part_choices_come_from_the_chosen_topic_and_a_missing_part_is_named() {
        let a = answerer();
        let parts = part_choices(&a, "radiation", "");
        let radiation = a.knowledge().get(&EntryId::parse("radiation").unwrap()).unwrap();
        assert_eq!(parts.len(), radiation.sections.len());
        assert_eq!(names(&part_choices(&a, "rads", "side"))[0], "side-effects");
        assert!(part_choices(&a, "no such topic at all", "").is_empty());
        let request = Request::Treatment("chemo".into(), Some("how-given".into()));
        let (card, intent) = respond(&a, &request);
        assert_eq!(intent.unwrap().id(), "chemotherapy");
        assert!(card.description.contains("How it is given"), "{card:?}");
        let request = Request::Treatment("chemo".into(), Some("astrology".into()));
        let (card, intent) = respond(&a, &request);
        assert!(intent.is_none());
        assert!(
            card.description.contains("has no part called \"astrology\"")
                && card.description.contains("Side effects"),
            "{card:?}"
        );
    }

    #[test]
    fn an_out_of_range_stage_gets_a_polite_note() {
        let a = answerer();
        let (card, intent) = respond(&a, &Request::Stage(None));
        assert!(card.description.contains("1 to 4") && intent.is_none());
        let (card, intent) = respond(&a, &Request::Stage(Stage::new(4)));
        assert_eq!(intent.unwrap().id(), "stage-4");
        assert!(card.footer.contains("not medical advice"));
    }
}
