//! Laying a [`Reply`] out as a Discord message: an embed, and buttons for the whole entry,
//! other parts of it, or related topics.
//!
//! Everything is first built as a [`Card`] of plain strings, clipped to Discord's limits, so
//! the limits can be checked for every entry without a Discord connection; only then is it
//! turned into serenity builders.

use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponseMessage, CreateMessage,
};

use crate::answer::{Answer, Link, Reply};
use crate::knowledge::{Entry, EntryId, Kind, KnowledgeBase, Section, Source};
use crate::matcher::SafetyNote;

/// Discord's limits (discord-api-spec; serenity `src/constants.rs`).
pub(crate) mod limits {
    pub(crate) const TITLE: usize = 256;
    pub(crate) const DESCRIPTION: usize = 4096;
    pub(crate) const FIELDS: usize = 25;
    pub(crate) const FIELD_NAME: usize = 256;
    pub(crate) const FIELD_VALUE: usize = 1024;
    pub(crate) const FOOTER: usize = 2048;
    pub(crate) const EMBED_TOTAL: usize = 6000;
    pub(crate) const BUTTONS_PER_ROW: usize = 5;
    pub(crate) const BUTTON_LABEL: usize = 80;
    pub(crate) const CUSTOM_ID: usize = 100;
    pub(crate) const CONTENT: usize = 2000;
}

/// Related-topic and "did you mean" buttons shown under a reply; more crowd a phone screen.
const MAX_BUTTONS: usize = 3;
/// Buttons carry the entry id behind this prefix; the click handler reads it back.
pub(crate) const ENTRY_BUTTON: &str = "entry:";
/// Buttons for one section carry `entry#section` behind this prefix.
pub(crate) const PART_BUTTON: &str = "part:";
/// The label of the button that shows the whole entry under a section reply.
pub(crate) const WHOLE_ENTRY: &str = "Whole entry";

const ENTRY_COLOUR: Colour = Colour(0x2A9D8F);
const HELP_COLOUR: Colour = Colour(0x577590);
const SAFETY_COLOUR: Colour = Colour(0xC0392B);

/// A message's visible parts as plain text, already within Discord's limits.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Card {
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) footer: String,
    /// (custom id, label)
    pub(crate) buttons: Vec<(String, String)>,
    pub(crate) safety: bool,
    /// A crisis or emergency note, shown as the message text above the answer.
    pub(crate) safety_note: Option<(SafetyNote, String)>,
}

/// Cuts `text` to at most `max` characters, ending with "…" when something was cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

impl Card {
    fn new(title: &str, description: &str) -> Card {
        Card {
            title: clip(title, limits::TITLE),
            description: clip(description, limits::DESCRIPTION),
            ..Card::default()
        }
    }

    fn field(mut self, name: &str, value: &str) -> Card {
        if !value.trim().is_empty() && self.fields.len() < limits::FIELDS {
            self.fields
                .push((clip(name, limits::FIELD_NAME), clip(value, limits::FIELD_VALUE)));
        }
        self
    }

    fn footer(mut self, text: &str) -> Card {
        self.footer = clip(text, limits::FOOTER);
        self
    }

    fn buttons<'a>(mut self, links: impl IntoIterator<Item = &'a Link<'a>>) -> Card {
        self.buttons = links
            .into_iter()
            .take(MAX_BUTTONS)
            .map(|l| (entry_button_id(l.id), clip(l.title, limits::BUTTON_LABEL)))
            .collect();
        self
    }

    /// All the text Discord counts against an embed's 6000 characters.
    pub(crate) fn total_chars(&self) -> usize {
        let count = |s: &str| s.chars().count();
        count(&self.title)
            + count(&self.description)
            + count(&self.footer)
            + self
                .fields
                .iter()
                .map(|(n, v)| count(n) + count(v))
                .sum::<usize>()
    }

    /// Drops fields from the end until the embed fits; the summary and first sections are
    /// what matter most, and the sources stay in the footer.
    fn fit(mut self) -> Card {
        while self.total_chars() > limits::EMBED_TOTAL && !self.fields.is_empty() {
            self.fields.pop();
        }
        if self.total_chars() > limits::EMBED_TOTAL {
            let room = limits::EMBED_TOTAL
                - (self.total_chars() - self.description.chars().count()).min(limits::EMBED_TOTAL);
            self.description = clip(&self.description, room);
        }
        self
    }

    pub(crate) fn embed(&self) -> CreateEmbed {
        let colour = if self.safety {
            SAFETY_COLOUR
        } else if self.buttons.is_empty() && self.fields.is_empty() {
            HELP_COLOUR
        } else {
            ENTRY_COLOUR
        };
        let mut embed = CreateEmbed::new()
            .title(&self.title)
            .description(&self.description)
            .colour(colour);
        for (name, value) in &self.fields {
            embed = embed.field(name, value, false);
        }
        if !self.footer.is_empty() {
            embed = embed.footer(CreateEmbedFooter::new(&self.footer));
        }
        embed
    }

    pub(crate) fn components(&self) -> Vec<CreateActionRow> {
        self.buttons
            .chunks(limits::BUTTONS_PER_ROW)
            .map(|row| {
                CreateActionRow::Buttons(
                    row.iter()
                        .map(|(id, label)| CreateButton::new(id).label(label).style(ButtonStyle::Secondary))
                        .collect(),
                )
            })
            .collect()
    }

    /// A reply to a member's message: pings nobody, whatever the text holds.
    pub(crate) fn message(&self) -> CreateMessage {
        let message = match &self.safety_note {
            Some((_, note)) => CreateMessage::new().content(note),
            None => CreateMessage::new(),
        };
        message
            .embed(self.embed())
            .components(self.components())
            .allowed_mentions(CreateAllowedMentions::new())
    }

    /// A reply to a slash command or a button.
    pub(crate) fn interaction(&self, ephemeral: bool) -> CreateInteractionResponseMessage {
        let message = match &self.safety_note {
            Some((_, note)) => CreateInteractionResponseMessage::new().content(note),
            None => CreateInteractionResponseMessage::new(),
        };
        message
            .embed(self.embed())
            .components(self.components())
            .allowed_mentions(CreateAllowedMentions::new())
            .ephemeral(ephemeral)
    }
}

pub(crate) fn entry_button_id(id: &EntryId) -> String {
    clip(&format!("{ENTRY_BUTTON}{id}"), limits::CUSTOM_ID)
}

pub(crate) fn part_button_id(id: &EntryId, section: &str) -> String {
    clip(&format!("{PART_BUTTON}{id}#{section}"), limits::CUSTOM_ID)
}

/// What a button's custom id asks for: an entry, and maybe one of its sections.
pub(crate) fn parse_button(custom_id: &str) -> Option<(EntryId, Option<String>)> {
    if let Some(id) = custom_id.strip_prefix(ENTRY_BUTTON) {
        return EntryId::parse(id).map(|id| (id, None));
    }
    let (id, section) = custom_id.strip_prefix(PART_BUTTON)?.split_once('#')?;
    Some((EntryId::parse(id)?, Some(section.to_owned())))
}

fn sources_field(sources: &[Source]) -> String {
    sources
        .iter()
        .map(|s| format!("[{}]({})", s.title, s.url))
        .collect::<Vec<_>>()
        .join("\n")
}

fn titles(links: &[Link<'_>]) -> String {
    links.iter().map(|l| l.title).collect::<Vec<_>>().join(" · ")
}

/// The card for an answer: its reply, with the safety note above it when it carries one.
pub(crate) fn answer_card(answer: &Answer<'_>) -> Card {
    let mut card = card(&answer.reply);
    if let (Some(kind), Some(text)) = (answer.matched.safety_note, answer.safety_note_text) {
        card.safety_note = Some((kind, clip(text, limits::CONTENT)));
    }
    card
}

/// The card for any reply the answering core gives.
pub(crate) fn card(reply: &Reply<'_>) -> Card {
    match reply {
        Reply::Entry {
            entry,
            section: Some(section),
            disclaimer,
            ..
        } => section_card(entry, section, disclaimer),
        Reply::Entry {
            entry,
            section: None,
            related,
            disclaimer,
        } => entry_card(entry, related, disclaimer),
        Reply::Help { message, disclaimer } => Card::new(&message.title, &message.text).footer(disclaimer),
        Reply::NoMatch {
            message,
            suggestions,
            disclaimer,
        } => {
            let mut text = message.text.clone();
            if !suggestions.is_empty() {
                text.push_str("\n\nDid you mean one of these?");
            }
            Card::new(&message.title, &text)
                .footer(disclaimer)
                .buttons(suggestions)
        }
        Reply::NotCovered {
            message,
            text,
            suggestions,
            disclaimer,
        } => {
            let mut text = (*text).to_owned();
            if !suggestions.is_empty() {
                text.push_str(&format!("\n\n{}", message.text));
            }
            Card::new(&message.title, &text)
                .footer(disclaimer)
                .buttons(suggestions)
        }
        Reply::Safety { reply, .. } => Card {
            safety: true,
            ..Card::new(&reply.title, &reply.text)
        },
    }
}

fn footer_text(entry: &Entry, disclaimer: &str) -> String {
    let first_source = entry.sources.first().map_or("", |s| s.title.as_str());
    format!(
        "Source: {first_source} · Reviewed {} · {disclaimer}",
        entry.reviewed
    )
}

/// One section under its entry's title, with its sources and footer; buttons offer the
/// whole entry and up to three other parts of it.
fn section_card(entry: &Entry, section: &Section, disclaimer: &str) -> Card {
    let mut card = Card::new(
        &entry.title,
        &format!("**{}**\n{}", section.heading, section.text),
    )
    .field("Sources", &sources_field(&entry.sources))
    .footer(&footer_text(entry, disclaimer));
    card.buttons = std::iter::once((entry_button_id(&entry.id), WHOLE_ENTRY.to_owned()))
        .chain(
            entry
                .sections
                .iter()
                .filter(|s| s.id != section.id)
                .take(MAX_BUTTONS)
                .map(|s| {
                    (
                        part_button_id(&entry.id, &s.id),
                        clip(&s.heading, limits::BUTTON_LABEL),
                    )
                }),
        )
        .collect();
    card.fit()
}

fn entry_card(entry: &Entry, related: &[Link<'_>], disclaimer: &str) -> Card {
    let mut card = Card::new(&entry.title, &entry.summary);
    for s in &entry.sections {
        card = card.field(&s.heading, &s.text);
    }
    card.field("Related topics", &titles(related))
        .field("Sources", &sources_field(&entry.sources))
        .footer(&footer_text(entry, disclaimer))
        .buttons(related)
        .fit()
}

/// `/topics`: everything the bot knows, grouped the way the commands are.
pub(crate) fn topics_card(kb: &KnowledgeBase) -> Card {
    let list = |kinds: &[Kind]| {
        kb.entries()
            .iter()
            .filter(|e| kinds.contains(&e.kind))
            .map(|e| format!("• {}", e.title))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Card::new(
        "What I can explain",
        "Ask in your own words by mentioning me, or use the commands below.",
    )
    .field("Sarcoma basics (/glossary)", &list(&[Kind::Basics]))
    .field("Treatments (/treatment)", &list(&[Kind::Topic, Kind::Modality]))
    .field("Stages and recurrence (/stage)", &list(&[Kind::Stage]))
    .field("Types of sarcoma (/glossary)", &list(&[Kind::Type]))
    .field("Drugs by name (/glossary)", &list(&[Kind::Drug]))
    .field("Living with it (/ask)", &list(&[Kind::Living]))
    .field("Glossary (/glossary)", &list(&[Kind::Term]))
    .footer(&kb.messages().disclaimer)
    .fit()
}

/// `/about`: what the bot is, its sources, when content was reviewed, privacy.
pub(crate) fn about_card(kb: &KnowledgeBase) -> Card {
    let entries = kb.entries();
    let last = entries.iter().map(|e| e.reviewed).max();
    let next = entries.iter().map(|e| e.next_review).min();
    let mut sources: Vec<&str> = entries
        .iter()
        .flat_map(|e| e.sources.iter().map(|s| s.title.as_str()))
        .collect();
    sources.sort_unstable();
    sources.dedup();
    let reviewed = match (last, next) {
        (Some(l), Some(n)) => format!("Content last reviewed {l}; next review due by {n}."),
        _ => String::new(),
    };
    let about = &kb.messages().about;
    Card::new(&about.title, &about.text)
        .field("Review", &reviewed)
        .field("All sources", &sources.join("\n"))
        .footer(&kb.messages().disclaimer)
        .fit()
}

/// A short, polite text reply (cooldown, unknown command); still pings nobody.
pub(crate) fn note(text: &str) -> Card {
    Card::new("", &clip(text, limits::CONTENT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answerer;

    fn answerer() -> Answerer {
        Answerer::new(KnowledgeBase::embedded().unwrap().kb)
    }

    fn assert_within_limits(card: &Card, what: &str) {
        let n = |s: &str| s.chars().count();
        assert!(n(&card.title) <= limits::TITLE, "{what}: title");
        assert!(n(&card.description) <= limits::DESCRIPTION, "{what}: description");
        assert!(card.fields.len() <= limits::FIELDS, "{what}: field count");
        for (name, value) in &card.fields {
            assert!(
                n(name) <= limits::FIELD_NAME && n(value) <= limits::FIELD_VALUE,
                "{what}: field {name}"
            );
            assert!(!value.is_empty(), "{what}: empty field {name}");
        }
        assert!(n(&card.footer) <= limits::FOOTER, "{what}: footer");
        assert!(
            card.total_chars() <= limits::EMBED_TOTAL,
            "{what}: total {}",
            card.total_chars()
        );
        // A section reply adds "Whole entry" to its parts.
        assert!(card.buttons.len() <= MAX_BUTTONS + 1, "{what}: buttons");
        for (id, label) in &card.buttons {
            assert!(
                n(id) <= limits::CUSTOM_ID && n(label) <= limits::BUTTON_LABEL,
                "{what}: button {id}"
            );
        }
    }

    #[test]
    fn every_entry_and_fixed_reply_fits_discords_limits() {
        let a = answerer();
        let kb = a.knowledge();
        for e in kb.entries() {
            for s in &e.sections {
                let card = card(&a.part(&e.id, &s.id).unwrap());
                assert_within_limits(&card, &format!("{}#{}", e.id, s.id));
                assert!(card.footer.contains("not medical advice"), "{}: disclaimer", e.id);
                assert_eq!(card.buttons[0], (entry_button_id(&e.id), WHOLE_ENTRY.to_owned()));
                assert!(card.buttons.len() <= MAX_BUTTONS + 1);
                for (custom_id, _) in &card.buttons[1..] {
                    let (id, part) = parse_button(custom_id).unwrap();
                    assert!(id == e.id && part.is_some_and(|p| p != s.id && e.section(&p).is_some()));
                }
            }
            let card = card(&a.entry(&e.id).unwrap());
            assert_within_limits(&card, e.id.as_str());
            assert!(card.footer.contains("not medical advice"), "{}: disclaimer", e.id);
            assert!(
                card.footer.contains(&e.reviewed.to_string()),
                "{}: reviewed date",
                e.id
            );
            assert!(
                card.fields
                    .iter()
                    .any(|(n, v)| n == "Sources" && v.contains("https://")),
                "{}",
                e.id
            );
        }
        for q in [
            "",
            "qwertyuiop",
            "i want to end it all",
            "my friend is not breathing",
        ] {
            assert_within_limits(&card(&a.ask(q).reply), q);
        }
        assert_within_limits(&topics_card(kb), "topics");
        assert_within_limits(&about_card(kb), "about");
    }

    #[test]
    fn an_oversized_entry_is_cut_to_fit_rather_than_rejected_by_discord() {
        let a = answerer();
        let mut entry = a.knowledge().entries()[0].clone();
        entry.title = "T".repeat(400);
        entry.summary = "S".repeat(5000);
        for s in &mut entry.sections {
            s.heading = "H".repeat(300);
            s.text = "x".repeat(2000);
        }
        entry.sections = std::iter::repeat_n(entry.sections[0].clone(), 30).collect();
        let card = entry_card(&entry, &[], "disclaimer");
        assert_within_limits(&card, "oversized");
        assert!(card.title.ends_with('…'));
    }

    #[test]
    fn safety_replies_carry_no_buttons_and_no_treatment_fields() {
        let a = answerer();
        let card = card(&a.ask("i want to kill myself").reply);
        assert!(card.safety && card.buttons.is_empty() && card.fields.is_empty());
        assert!(card.description.contains("988"));
    }

    #[test]
    fn related_topics_become_buttons_that_name_their_entry() {
        let a = answerer();
        let id = EntryId::parse("stage-4").unwrap();
        let card = card(&a.entry(&id).unwrap());
        assert!(!card.buttons.is_empty());
        for (custom_id, _) in &card.buttons {
            let target = custom_id
                .strip_prefix(ENTRY_BUTTON)
                .and_then(EntryId::parse)
                .unwrap();
            assert!(a.knowledge().get(&target).is_some());
        }
    }

    #[test]
    fn a_question_about_one_part_gets_that_part_under_the_entry_title() {
        let a = answerer();
        let card = card(&a.ask("chemo side effects").reply);
        assert_eq!(card.title, "Chemotherapy");
        assert!(card.description.starts_with("**Side effects**"), "{card:?}");
        assert!(card.fields.iter().any(|(n, _)| n == "Sources"));
        assert_eq!(card.buttons[0].1, WHOLE_ENTRY);
    }

    #[test]
    fn button_ids_name_an_entry_or_one_of_its_parts() {
        let id = EntryId::parse("stage-2").unwrap();
        assert_eq!(parse_button(&entry_button_id(&id)), Some((id.clone(), None)));
        assert_eq!(
            parse_button(&part_button_id(&id, "treatment")),
            Some((id, Some("treatment".to_owned())))
        );
        for bad in ["", "entry:", "part:stage-2", "part:Stage 2#x", "other:stage-2"] {
            assert_eq!(parse_button(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(clip("ééé", 3), "ééé");
        assert_eq!(clip("éééé", 3), "éé…");
    }
}
