//! From a member's own words to one answer: a knowledge entry, the help reply, or a safety
//! reply — or, below a confidence threshold, no match, so the bot offers the closest topics
//! instead of guessing.
//!
//! The order of checks is the order of what matters: safety first (its own module, on the
//! member's words before anything derived from the knowledge entries touches them), then an
//! explicit cancer stage, then the vocabulary of the knowledge base (titles, aliases,
//! keywords) with typo tolerance; when none of that is confident, a router learnt from
//! labelled questions (`router.rs`), then "what can you do" questions. Once an entry is
//! chosen, its example questions pick the section that answers. Everything is deterministic
//! and in memory.

mod router;
mod section;
mod stage;
pub(crate) mod text;
pub(crate) mod typo;
pub(crate) mod words;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};

use serde::Serialize;

use crate::knowledge::{EMOTIONAL_SUPPORT, EntryId, Kind, KnowledgeBase, Lexicon};
use crate::safety::{Level, Screen, Verdict};
use router::Router;
use section::Sections;
use stage::StageMention;
use text::PhraseIndex;
use typo::Corrector;

/// A score at or above this is an answer; below it the bot asks instead of guessing. One
/// alias ("chemo"), or a keyword plus a clear sarcoma context, reaches it.
const THRESHOLD: f32 = 0.75;
/// One full alias or title.
const STRONG: f32 = 1.0;
/// One keyword: a hint, not an answer on its own.
const WEAK: f32 = 0.4;
/// Keywords add up, but never to more than an alias and a half.
const WEAK_CAP: f32 = 0.9;
/// Each extra word of a matched phrase makes it more specific.
const PER_EXTRA_WORD: f32 = 0.2;
/// "sarcoma", "cancer", "tumour" in the message: a hint is then probably meant medically.
const CONTEXT: f32 = 0.35;
/// "stage 4" named outright outweighs any topic word in the same message.
const NAMED_STAGE: f32 = 3.0;
/// "5 year survival stage 3", "stage 4 and so tired": a stage named beside a topic of living
/// with sarcoma named outright is the member's situation, and the topic is what they ask.
const STAGE_AS_SITUATION: f32 = 0.9;
/// "spread to the lungs" points to a stage less surely than a number.
const SPREAD_STAGE: f32 = 1.2;
/// "what does X mean" asks for the glossary entry, not the topic around it.
const DEFINITION: f32 = 0.5;
/// Otherwise a topic is the more useful answer than its glossary term on a tie.
const TERM_PENALTY: f32 = 0.1;
/// A name used only as a point in time ("after surgery") keeps this share of its weight.
const ANCHORED: f32 = 0.8;
/// Of two named treatments, the one named first is usually the subject ("rads before the
/// op?"); it gets up to this much more.
const FIRST_MENTION: f32 = 0.15;
/// A sarcoma type or a drug named outright is the subject: a kind of treatment or a glossary
/// word named beside it is asked about for it ("chemo for LMS", "will I lose my hair on
/// doxorubicin"), so those entries give up this much. A drug is the more specific of the two
/// ("imatinib for GIST"), so a type named beside a drug gives it up too. Stages keep their
/// weight: "metastatic LMS" asks about spread.
const YIELD_TO_NAMED: f32 = 0.3;
/// A message about laptops, courts or exams that borrows a medical word ("my laptop needs
/// surgery") keeps this share of its score.
const OTHER_DOMAIN_FACTOR: f32 = 0.3;
/// Typo searches one message may make. A search for a long unknown word and its spellings
/// by ear costs tens of microseconds; real questions have a handful of unknown words, and a
/// 4000-character message of distinct misspellings would otherwise take about 20 ms. Repeats
/// of a word are searched once.
const TYPO_SEARCHES: usize = 40;
/// The router's probability at or above which it answers a message the vocabulary found no
/// confident answer for. Chosen on the development sets once the router had questions for
/// every section: 0.75 left more living-with-it questions unanswered, 0.5 answered a few
/// chatty older lines ("love you all, this group is amazing").
const HEARD: f32 = 0.6;
/// The same bar when the message uses a word of another domain ("grade 2 piano exam tips").
/// Not refused outright: "school photos" and "the kids' school" come up in real questions.
const HEARD_OTHER_DOMAIN: f32 = 0.9;
/// The [`HEARD`] bar for a message that tells a feeling ("can't stop crying, scan is
/// friday"): support answers it unless the router is sure of a topic. At [`HEARD`], topics
/// heard at 0.6 took distress from emotional-support.
const HEARD_BESIDE_A_FEELING: f32 = 0.75;
/// The score a topic needs to answer a message that tells a feeling and asks nothing, where
/// only safety's model heard the feeling. "the oncologist said 'months not years' today and
/// i've been staring at the wall since" names prognosis, but the member needs kindness first.
/// At [`THRESHOLD`] (0.75) a named topic took 10 more of 720 distress lines of the development
/// sets; at 0.95 four of 24,500 member questions go to support as well, all feelings about
/// caring ("I snapped at my dad today and felt awful after").
const SURE_BESIDE_A_FEELING: f32 = 0.95;
/// The router's probability at or above which an entry it hears competes with the entries a
/// message names, its probability added to what the vocabulary gave it. Chosen on the
/// development sets once the router had questions for every section: 0.7 gained fewer
/// living-with-it questions ("fingertips gone tingly since chemo" stayed with chemotherapy),
/// 0.4 lost older lines. Counting the probability more than once made "how is sarcoma
/// treated" a question about recurrence.
const SURE_BESIDE_A_NAME: f32 = 0.5;
/// The router's probability at or above which its entry answers over the entries a message
/// names. Chosen on the development sets: at 0.9 issue 11's 710 lines gained 6 and the blind
/// development set of 300 gained 3, the older 2,615 lost 2 (one line asked twice); 0.8 gained
/// 5 more and lost 7 more older lines, 0.95 gained 3 and lost none.
const SURE_OVER_A_NAME: f32 = 0.9;
/// The same for a glossary term. "If it spreads to the lungs is it lung cancer now" names the
/// spread, which points to stage 4, but asks what the glossary's "metastatic" answers. Chosen
/// on the development sets: terms kept out altogether (as until 2026-12-07) answered 38 fewer
/// of 8,355 readable member questions and 5 fewer of a new section-aimed set of 400; at 0.9
/// six more were answered, but "recurrent sarcoma options" went to the word, not the topic.
const SURE_OF_A_TERM_OVER_A_NAME: f32 = 0.95;
/// Beside a treatment, drug or type named outright, the router's probability for a topic of
/// living with sarcoma counts this many times: the named treatment is usually the member's
/// situation and the living-with-it topic the question ("gym during radiotherapy?", "will
/// the cut heal worse after radiation first?"). A topic of living with it named beside
/// another keeps the plain sum, and so does a message that tells a feeling, which support
/// answers unless a topic is sure (without that, a held-out distress line went to a topic).
/// Chosen on the development sets: 1.2 gains 3 of issue 11's 710 lines and loses 1 of 2,665
/// older ones; before the feeling was left out, 1.3 gained one more line and lost one more.
const LIVING_BESIDE_A_TREATMENT: f32 = 1.2;
/// The section model's share, among the chosen entry's sections, at or above which it picks
/// the part instead of the section index. Chosen on the development sets: at 0.8 issue 11's
/// 710 lines gained 18 and a new blind development set of 300 gained 10, the older 2,615
/// lost 1; 0.7 was the same within a line, 0.5 gained fewer.
const SECTION_HEARD: f32 = 0.8;
/// How many runners-up a match reports ("did you mean").
const ALTERNATIVES: usize = 3;
/// A runner-up below this is noise, not a suggestion.
const ALTERNATIVE_FLOOR: f32 = 0.3;

/// What the bot answers with.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Intent {
    Entry(EntryId),
    Help,
    Crisis,
    Emergency,
}

impl Intent {
    /// The id used in `match` output and evaluation files.
    pub fn id(&self) -> &str {
        match self {
            Intent::Entry(id) => id.as_str(),
            Intent::Help => "help",
            Intent::Crisis => "crisis",
            Intent::Emergency => "emergency",
        }
    }
}

impl Serialize for Intent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// The helpline or urgent-care note an answer carries when the message mainly asks something
/// else but holds a risk sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SafetyNote {
    Crisis,
    Emergency,
}

impl SafetyNote {
    /// The id used in logs and evaluation files.
    pub fn id(self) -> &'static str {
        match self {
            SafetyNote::Crisis => "crisis",
            SafetyNote::Emergency => "emergency",
        }
    }
}

/// The outcome of matching one message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// `None` when no answer is confident enough: the bot falls back to help.
    #[serde(rename = "id")]
    pub intent: Option<Intent>,
    /// The id of the entry's section that answers; `None` when the whole entry does (or
    /// there is no entry).
    pub section: Option<String>,
    pub score: f32,
    /// The closest other entries, best first.
    pub alternatives: Vec<EntryId>,
    /// Shown before the answer: the message also carries a sign of crisis or emergency.
    pub safety_note: Option<SafetyNote>,
    /// The disease the message is about when the base does not cover it ("osteosarcoma"), as
    /// `knowledge/lexicon.toml` names it; the reply then says so, offering `alternatives`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_covered: Option<String>,
    /// The message asks the bot to make the member's own choice; the reply says that is for
    /// them and their care team, offering `alternatives`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub decision: bool,
}

impl Match {
    /// What a member is shown first, as one word for checks and tests: the safety reply or
    /// note if there is one, else the entry's id, else "no match".
    pub fn outcome(&self) -> &str {
        match (&self.intent, self.safety_note) {
            (Some(Intent::Crisis), _) => "crisis",
            (Some(Intent::Emergency), _) => "emergency",
            (_, Some(SafetyNote::Crisis)) => "crisis",
            (_, Some(SafetyNote::Emergency)) => "emergency",
            (Some(intent), None) => intent.id(),
            (None, None) => "no match",
        }
    }

    /// Whether the member is shown this kind of safety help: its reply, or its note above
    /// another reply (an emergency reply may carry the crisis note).
    pub fn carries(&self, kind: SafetyNote) -> bool {
        let reply = match kind {
            SafetyNote::Crisis => Intent::Crisis,
            SafetyNote::Emergency => Intent::Emergency,
        };
        self.intent.as_ref() == Some(&reply) || self.safety_note == Some(kind)
    }

    fn safety(intent: Intent) -> Match {
        Match {
            intent: Some(intent),
            section: None,
            score: 1.0,
            alternatives: Vec::new(),
            safety_note: None,
            not_covered: None,
            decision: false,
        }
    }

    /// No answer: nothing confident enough, or a message not meant for the base.
    fn none() -> Match {
        Match {
            intent: None,
            section: None,
            score: 0.0,
            alternatives: Vec::new(),
            safety_note: None,
            not_covered: None,
            decision: false,
        }
    }
}

type Sym = u32;

struct Phrase {
    entry: usize,
    /// Distinct symbols of the phrase's words, sorted.
    syms: Vec<Sym>,
    weight: f32,
    /// A title or alias names the entry; a keyword only hints at it.
    strong: bool,
}

/// An index over one knowledge base. Build it once per knowledge version; matching borrows
/// it immutably, so one index serves any number of concurrent questions.
pub struct Matcher {
    ids: Vec<EntryId>,
    kinds: Vec<Kind>,
    symbols: FxHashMap<String, Sym>,
    /// The stem behind each symbol.
    names: Vec<String>,
    phrases: Vec<Phrase>,
    /// For each symbol, the phrases that contain it.
    phrases_with: Vec<Vec<usize>>,
    corrector: Corrector,
    /// Words that are never corrected: the vocabulary, stopwords and everyday words.
    known: FxHashSet<String>,
    /// Words that name a topic on their own ("chemo", "immunotherapy"): one-word titles and
    /// aliases. A verb such as "treat" inside a longer name does not.
    naming: HashSet<Sym>,
    screen: Screen,
    /// Where distress is answered (its index and id), when the knowledge base has that entry.
    emotional_support: Option<(usize, EntryId)>,
    /// Each entry's section ids, in order.
    section_ids: Vec<Vec<String>>,
    sections: Sections,
    router: Router,
    /// Word lists of `knowledge/lexicon.toml`.
    other_domains: FxHashSet<String>,
    animals: FxHashSet<String>,
    uncovered: FxHashSet<String>,
    phrasings: Phrasings,
    lexicon: Lexicon,
}

/// The phrase lists a message is read against, each indexed once per knowledge version.
struct Phrasings {
    idioms: PhraseIndex,
    other_conditions: PhraseIndex,
    pet_care: PhraseIndex,
    not_covered: PhraseIndex,
    decisions: PhraseIndex,
    about_the_bot: PhraseIndex,
    about_the_disease: PhraseIndex,
    news: PhraseIndex,
    definition: PhraseIndex,
    /// "Not asking about", "not mean": the words after them are not what the member wants.
    not_meant: PhraseIndex,
}

impl Phrasings {
    fn new(lexicon: &Lexicon) -> Phrasings {
        let names: Vec<&String> = lexicon.not_covered.iter().flat_map(|g| &g.names).collect();
        Phrasings {
            idioms: PhraseIndex::of(&lexicon.idioms),
            other_conditions: PhraseIndex::of(&lexicon.other_conditions),
            pet_care: PhraseIndex::of(&lexicon.pet_care),
            not_covered: PhraseIndex::of(&names),
            decisions: PhraseIndex::of(&lexicon.decisions.names),
            about_the_bot: PhraseIndex::of(&lexicon.about_the_bot),
            about_the_disease: PhraseIndex::of(&lexicon.about_the_disease),
            news: PhraseIndex::of(words::NEWS),
            definition: PhraseIndex::of(words::DEFINITION_CUES),
            not_meant: PhraseIndex::of(&["not asking about", "not talking about", "not mean", "not about"]),
        }
    }
}

impl Matcher {
    pub fn new(kb: &KnowledgeBase) -> Matcher {
        // The two models are most of a load's work and need nothing from each other.
        let (screen, router) = std::thread::scope(|s| {
            let screen = s.spawn(|| Screen::new(kb.safety()));
            let router = Router::new(kb);
            (
                screen
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                router,
            )
        });
        // Training is done, and most of what it allocated is free.
        crate::memory::release_freed();
        let mut m = Matcher {
            ids: Vec::new(),
            kinds: Vec::new(),
            symbols: FxHashMap::default(),
            names: Vec::new(),
            phrases: Vec::new(),
            phrases_with: Vec::new(),
            corrector: Corrector::new([]),
            known: FxHashSet::default(),
            naming: HashSet::new(),
            screen,
            emotional_support: kb
                .entries()
                .iter()
                .position(|e| e.id.as_str() == EMOTIONAL_SUPPORT)
                .map(|i| (i, kb.entries()[i].id.clone())),
            section_ids: kb
                .entries()
                .iter()
                .map(|e| e.sections.iter().map(|s| s.id.clone()).collect())
                .collect(),
            sections: Sections::new(kb),
            router,
            other_domains: kb.lexicon().other_domains.iter().cloned().collect(),
            animals: kb.lexicon().animals.iter().cloned().collect(),
            uncovered: kb.lexicon().uncovered.iter().cloned().collect(),
            phrasings: Phrasings::new(kb.lexicon()),
            lexicon: kb.lexicon().clone(),
        };
        let mut surface: Vec<String> = words::RULE_WORDS
            .iter()
            .chain(words::CANCER_WORDS)
            .chain(words::CONTEXT_WORDS)
            .map(|w| (*w).to_owned())
            .collect();
        // (entry, stems, strong)
        let mut raw: Vec<(usize, Vec<String>, bool)> = Vec::new();
        for (i, entry) in kb.entries().iter().enumerate() {
            m.ids.push(entry.id.clone());
            m.kinds.push(entry.kind);
            let strong = std::iter::once(&entry.title).chain(&entry.aliases);
            for (phrase, is_strong) in strong
                .map(|p| (p, true))
                .chain(entry.keywords.iter().map(|p| (p, false)))
            {
                let all = text::words(phrase);
                let content: Vec<String> = all
                    .iter()
                    .filter(|w| !words::FILLERS.contains(&w.as_str()))
                    .cloned()
                    .collect();
                // A phrase made only of fillers is still a phrase worth matching.
                let words = if content.is_empty() { all } else { content };
                if words.is_empty() {
                    continue;
                }
                surface.extend(words.iter().cloned());
                let stems: Vec<String> = words.iter().map(|w| text::stem(w).into_owned()).collect();
                raw.push((i, stems, is_strong));
            }
        }
        let mut seen = HashSet::new();
        for (entry, stems, strong) in raw {
            if !seen.insert((entry, stems.clone())) {
                continue;
            }
            let base = if strong { STRONG } else { WEAK };
            let weight = base + PER_EXTRA_WORD * (stems.len() - 1) as f32;
            let mut syms: Vec<Sym> = stems.iter().map(|s| m.intern(s)).collect();
            syms.sort_unstable();
            syms.dedup();
            let index = m.phrases.len();
            for &s in &syms {
                m.phrases_with[s as usize].push(index);
            }
            if strong && syms.len() == 1 {
                m.naming.extend(syms.iter().copied());
            }
            m.phrases.push(Phrase {
                entry,
                syms,
                weight,
                strong,
            });
        }
        // A word the lexicon lists is meant as written: "court" is not a slip for "count".
        let lexicon_words = kb.lexicon().words();
        let corrector = Corrector::new(surface.iter().map(String::as_str));
        let asked = typo::words_members_write(kb.questions().iter().map(|q| q.text.as_str()), &corrector);
        m.known = surface
            .iter()
            .map(String::as_str)
            .chain(words::STOPWORDS.iter().copied())
            .chain(words::EVERYDAY.iter().copied())
            .chain(lexicon_words.iter().map(String::as_str))
            .chain(asked.iter().map(String::as_str))
            .map(str::to_owned)
            .chain(words::english().map(str::to_owned))
            .collect();
        m.corrector = corrector;
        m
    }

    fn intern(&mut self, stem: &str) -> Sym {
        if let Some(&s) = self.symbols.get(stem) {
            return s;
        }
        let s = self.symbols.len() as Sym;
        self.symbols.insert(stem.to_owned(), s);
        self.names.push(stem.to_owned());
        self.phrases_with.push(Vec::new());
        s
    }

    /// Warnings about the safety rules found while the screen was built: words its spelling
    /// reads as others, so the rule holding them can never match as written.
    pub fn safety_warnings(&self) -> &[crate::knowledge::Problem] {
        self.screen.misread_rule_words()
    }

    /// Matches one message. Never fails: an empty message asks for help, and anything past
    /// Discord's 4000-character limit is not read.
    pub fn find(&self, question: &str) -> Match {
        // Safety judges the message as the member wrote it, before typo correction into the
        // knowledge base's vocabulary can change a word ("stick" into "sick").
        let verdict = self.screen.judge(question);
        let content = self.content(question, verdict.as_ref().map(|v| v.level));
        match verdict {
            // A question about suicide as a subject that no topic answers: emotional support,
            // with the crisis note first.
            Some(Verdict {
                level: Level::Crisis,
                topic: true,
                ..
            }) if !matches!(content.intent, Some(Intent::Entry(_))) => self
                .support(question, Some(SafetyNote::Crisis))
                .unwrap_or_else(|| Match::safety(Intent::Crisis)),
            Some(Verdict {
                level: Level::Emergency,
                crisis_too: true,
                ..
            }) => Match {
                safety_note: Some(SafetyNote::Crisis),
                ..Match::safety(Intent::Emergency)
            },
            Some(Verdict {
                level: level @ (Level::Crisis | Level::Emergency),
                note,
                ..
            }) => {
                let (intent, safety_note) = match level {
                    Level::Crisis => (Intent::Crisis, SafetyNote::Crisis),
                    _ => (Intent::Emergency, SafetyNote::Emergency),
                };
                match content {
                    // Mainly a question that the knowledge base answers: answer it, note first.
                    Match {
                        intent: Some(Intent::Entry(_)),
                        ..
                    } if note => Match {
                        safety_note: Some(safety_note),
                        ..content
                    },
                    _ => Match::safety(intent),
                }
            }
            Some(Verdict {
                level: Level::Distress,
                note,
                asks,
                ..
            }) => match (&content.intent, &self.emotional_support) {
                // A question the knowledge base answers is answered, even asked in fear; a
                // feeling told is met with support, whatever topic it names ("starting chemo,
                // terrified"). Distress only the model heard yields to a topic the message
                // surely names, but a sarcoma type named is the member's diagnosis, not what
                // they ask about.
                (Some(Intent::Entry(got)), _)
                    if asks
                        || (note
                            && content.score >= SURE_BESIDE_A_FEELING
                            && !self.is_kind(got, Kind::Type)) =>
                {
                    content
                }
                (Some(Intent::Entry(got)), Some((_, id))) if got == id => content,
                _ => self.support(question, None).unwrap_or(content),
            },
            // A feeling told that no topic answers: support rather than "not sure what you meant".
            None if content.intent.is_none() && self.screen.tells_a_feeling(question) => {
                self.support(question, None).unwrap_or(content)
            }
            None => content,
        }
    }

    /// The emotional-support entry, at the part the question asks for, if the knowledge has
    /// that entry.
    fn support(&self, question: &str, safety_note: Option<SafetyNote>) -> Option<Match> {
        let (i, id) = self.emotional_support.as_ref()?;
        Some(Match {
            intent: Some(Intent::Entry(id.clone())),
            section: self
                .sections
                .pick(*i, &text::words(question))
                .and_then(|s| self.section_ids[*i].get(s).cloned()),
            score: 1.0,
            alternatives: Vec::new(),
            safety_note,
            not_covered: None,
            decision: false,
        })
    }

    /// What the knowledge base answers. Safety's verdict reaches it only as its level, which
    /// sets how far the router is heard.
    fn content(&self, question: &str, safety: Option<Level>) -> Match {
        // A crisis is answered with a note beside a question only when the member named its
        // topic outright: a topic the router merely hears ("what do i do" after a goodbye
        // text) must not turn the crisis reply into a footnote. A feeling told yields only
        // to a topic the router is sure of.
        let heard = match safety {
            Some(Level::Crisis) => None,
            Some(Level::Distress) => Some(HEARD_BESIDE_A_FEELING),
            _ => Some(HEARD),
        };
        let feeling = safety == Some(Level::Distress);
        let mut searches_left = TYPO_SEARCHES;
        let mut fixed: HashMap<String, String> = HashMap::new();
        let words: Vec<String> = text::words(question)
            .into_iter()
            .map(|w| {
                if !self.unknown(&w) {
                    return w;
                }
                if let Some(f) = fixed.get(&w) {
                    return f.clone();
                }
                if searches_left == 0 {
                    return w;
                }
                searches_left -= 1;
                let f = self.corrected(&w).map_or_else(|| w.clone(), str::to_owned);
                fixed.insert(w, f.clone());
                f
            })
            .collect();
        if words.is_empty() {
            // Nothing at all asks for help; punctuation or emoji alone is not a question.
            let intent = question.trim().is_empty().then_some(Intent::Help);
            return Match {
                score: if intent.is_some() { 1.0 } else { 0.0 },
                intent,
                ..Match::none()
            };
        }
        let lists = &self.phrasings;
        if is_chatter(&words, &lists.news, question.contains('?'))
            || about_another_condition(&words, &lists.other_conditions)
        {
            return Match::none();
        }
        let not_covered = self.not_covered(&words);
        let mut words = set_aside(words, lists);
        // "The anger stage of grief", "stage 2 of the renovation": the word names no topic.
        if stage::other_sense(&words) {
            for w in words.iter_mut().filter(|w| text::stem(w) == "stag") {
                w.clear();
            }
        }
        let (mut scores, by_name, other_domain) = self.score(&words);
        // The router hears the topic in everyday words. Where nothing is named with
        // confidence it may answer alone, at the bar `heard` sets ("how do you pace
        // yourselves?"). Where something is named, an entry it is fairly sure of joins the
        // contest with its probability: "will ifosfamide make me infertile" names a drug but asks
        // about fertility. Glossary terms are left out of that contest, since the router hears
        // "recurrent" in "recurrent sarcoma options" as the word, not the topic; they answer
        // over a name only where the router is surer still (below).
        if let Some(heard) = heard {
            let named = scores.iter().any(|s| *s >= THRESHOLD);
            let bar = if other_domain { HEARD_OTHER_DOMAIN } else { heard };
            let treatment_named = !feeling
                && by_name.iter().zip(&self.kinds).any(|(by_name, kind)| {
                    *by_name && matches!(kind, Kind::Modality | Kind::Drug | Kind::Type)
                });
            let hears = self.router.hear(&words);
            for ((s, p), kind) in scores.iter_mut().zip(&hears).zip(&self.kinds) {
                let p = *p;
                if !named && p >= bar {
                    *s = s.max(THRESHOLD.max(p));
                } else if named && p >= SURE_BESIDE_A_NAME && *kind != Kind::Term {
                    *s += if treatment_named && *kind == Kind::Living {
                        p * LIVING_BESIDE_A_TREATMENT
                    } else {
                        p
                    };
                }
            }
            // An entry the router is all but sure of answers, whatever the message names: the
            // names tell the member's situation, and the router what they ask ("she finished
            // treatment at 8, what checks should she still get" asks about growing up after
            // treatment, not the scans it names).
            let top = scores.iter().copied().fold(0.0, f32::max);
            let bar_over_a_name = |i: usize| match self.kinds[i] {
                Kind::Term => SURE_OF_A_TERM_OVER_A_NAME,
                _ => SURE_OVER_A_NAME,
            };
            let sure = hears
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .filter(|(i, p)| {
                    **p >= bar_over_a_name(*i)
                        && !(self.kinds[*i] == Kind::Stage && compares_grade_with_one_stage(&words))
                });
            if let Some((i, _)) = sure.filter(|_| top >= THRESHOLD) {
                scores[i] = scores[i].max(top + f32::EPSILON.max(top * 1e-3));
            }
        }
        let mut ranked: Vec<(usize, f32)> =
            scores.into_iter().enumerate().filter(|(_, s)| *s > 0.0).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let best = ranked.first().copied();
        let confident = best.filter(|(_, s)| *s >= THRESHOLD).map(|(i, _)| i);
        // A disease the base does not cover, as the subject, gets the honest reply; only the
        // feelings of the person asking are answered whatever the disease.
        if let Some(name) = not_covered
            && confident.is_none_or(|i| self.emotional_support.as_ref().is_none_or(|(e, _)| *e != i))
        {
            let closest = self
                .lexicon
                .not_covered_by(&name)
                .map(|g| g.closest.iter().filter_map(|id| EntryId::parse(id)).collect())
                .unwrap_or_default();
            return Match {
                alternatives: closest,
                not_covered: Some(name),
                ..Match::none()
            };
        }
        // "Which would you pick if you were me": no page makes a member's choice. The topics it
        // names are offered to help them prepare for the talk with their team.
        if self.phrasings.decisions.anywhere(&words) {
            return Match {
                alternatives: self.alternatives(&ranked, None),
                decision: true,
                ..Match::none()
            };
        }
        // Phrasings are compared without hedges: "what even is sarcoma" is "what is sarcoma".
        let plain: Vec<String> = words
            .iter()
            .filter(|w| !words::HEDGES.contains(&w.as_str()))
            .cloned()
            .collect();
        // A message that is nothing but a phrasing about the bot ("who are you") asks about the
        // bot, whatever topic the router hears in so few words; an entry named outright still
        // answers.
        let about_bot = match confident {
            None => asks_about_the_bot(&words, &plain, &lists.about_the_bot),
            Some(i) => !by_name[i] && (lists.about_the_bot.is_whole(&plain) || only_asks_for_help(&words)),
        };
        // "What is a sarcoma" names nothing the index can weigh ("sarcoma" is in nearly every
        // message): its phrasing says which entry answers, unless an entry is named outright.
        let about_disease = (!about_bot && !confident.is_some_and(|i| by_name[i]))
            .then(|| self.about_the_disease(&plain))
            .flatten();
        let answer = about_disease.or(confident.filter(|_| !about_bot));
        let intent = match answer {
            Some(i) => Some(Intent::Entry(self.ids[i].clone())),
            None if about_bot => Some(Intent::Help),
            None => None,
        };
        // The section model, where it is sure, picks the part; otherwise the section index
        // does, and its "the whole entry" (no part) stands.
        let section = answer
            .and_then(|i| {
                let picked = self.sections.pick(i, &words)?;
                let heard = self
                    .router
                    .section(i, &words)
                    .filter(|(_, p)| *p >= SECTION_HEARD);
                Some((i, heard.map_or(picked, |(s, _)| s)))
            })
            .and_then(|(i, s)| self.section_ids[i].get(s).cloned());
        // "What is MPNST? my cousin with NF1 has just been told she has one": a sentence that
        // asks only what the entry is gets its first part, which says what it is, whatever the
        // story beside it leans toward. So does "what is it" after a type, drug or treatment
        // named ("my husband has been offered eribulin. what is it"); after a topic of living
        // with it, "what is that" points at a phrase ("advance care planning"), not the entry.
        let named_thing = |i: usize| matches!(self.kinds[i], Kind::Type | Kind::Drug | Kind::Modality);
        let section = match answer {
            Some(i)
                if text::sentences(question).any(|s| {
                    self.sections.asks_what_it_is(i, &s) || (named_thing(i) && section::asks_what_that_is(&s))
                }) =>
            {
                self.section_ids[i].first().cloned().or(section)
            }
            _ => section,
        };
        let alternatives = self.alternatives(&ranked, answer);
        let score = match (&intent, best) {
            (Some(Intent::Help), _) => 1.0,
            // A phrasing that asks what the disease is answers as surely as a name.
            _ if about_disease.is_some() => STRONG,
            (_, Some((_, s))) => (s * 100.0).round() / 100.0,
            (_, None) => 0.0,
        };
        Match {
            intent,
            section,
            score,
            alternatives,
            safety_note: None,
            not_covered: None,
            decision: false,
        }
    }

    /// The closest entries of `ranked` other than `answer`, best first.
    fn alternatives(&self, ranked: &[(usize, f32)], answer: Option<usize>) -> Vec<EntryId> {
        ranked
            .iter()
            .filter(|(i, s)| Some(*i) != answer && *s >= ALTERNATIVE_FLOOR)
            .take(ALTERNATIVES)
            .map(|(i, _)| self.ids[*i].clone())
            .collect()
    }

    /// Whether a word may be a typo: one the index does not know. Everyday words and numbers
    /// are left alone.
    fn unknown(&self, word: &str) -> bool {
        if word.len() < 4 || word.bytes().any(|b| b.is_ascii_digit()) || self.known.contains(word) {
            return false;
        }
        let stem = text::stem(word);
        !(self.known.contains(stem.as_ref()) || self.symbols.contains_key(stem.as_ref()))
    }

    /// The word the index knows closest to an unknown one, within the typo budget for its
    /// length, as written or as spelt by ear.
    fn corrected(&self, word: &str) -> Option<&str> {
        self.corrector.correct_or_by_ear(word)
    }

    /// Each entry's score, whether a title, alias or stage named it (rather than hints), and
    /// whether the message is about another domain or an animal ("grade 2 piano exam").
    fn score(&self, words: &[String]) -> (Vec<f32>, Vec<bool>, bool) {
        let n = self.ids.len();
        let mut strong = vec![0.0f32; n];
        let mut weak = vec![0.0f32; n];
        let mut first = vec![f32::MAX; n];
        // Named by a title or alias used as more than a point in time.
        let mut outright = vec![false; n];
        let stems: Vec<_> = words.iter().map(|w| text::stem(w)).collect();
        let positions: Vec<(Sym, usize)> = stems
            .iter()
            .enumerate()
            .filter_map(|(pos, stem)| self.symbols.get(stem.as_ref()).map(|&s| (s, pos)))
            .collect();
        // Each symbol's first position, and whether every use of it is a time anchor.
        let mut seen: FxHashMap<Sym, (usize, bool)> = FxHashMap::default();
        for &(s, pos) in &positions {
            let anchored = is_anchored(words, pos);
            seen.entry(s)
                .and_modify(|e| e.1 &= anchored)
                .or_insert((pos, anchored));
        }
        let mut query: Vec<Sym> = seen.keys().copied().collect();
        query.sort_unstable();
        // Each phrase that holds a word of the message, once for every such word.
        let mut hits: Vec<usize> = query
            .iter()
            .flat_map(|&s| self.phrases_with[s as usize].iter().copied())
            .collect();
        hits.sort_unstable();
        let mut matched: Vec<&Phrase> = Vec::new();
        // The symbols of each entry's matched hints: a hint ("scan" for the diagnosis entry)
        // does not vouch for itself as context.
        let mut own: Vec<Vec<Sym>> = vec![Vec::new(); n];
        for run in hits.chunk_by(|a, b| a == b) {
            let (phrase, count) = (&self.phrases[run[0]], run.len());
            let len = phrase.syms.len();
            let complete = count == len
                || (len >= 2 && count == len - 1 && self.completes(phrase, &query, words, &stems));
            if complete && close_together(&phrase.syms, &positions) {
                matched.push(phrase);
            }
        }
        // Names first, so a hint made only of words a matched name already used adds nothing:
        // "treatment options" is one name, not a name plus the hints "treatment" and "options".
        matched.sort_by_key(|p| !p.strong);
        let mut named: Vec<(usize, Sym)> = Vec::new();
        // Symbols some matched phrase uses: "golf" in the hint "golf ball", "pet" in "PET scan".
        let used: FxHashSet<Sym> = matched.iter().flat_map(|p| p.syms.iter().copied()).collect();
        for phrase in matched {
            if !phrase.strong {
                own[phrase.entry].extend(&phrase.syms);
            }
            let found = phrase.syms.iter().filter_map(|s| seen.get(s));
            let anchored = found.clone().all(|(_, a)| *a);
            let at = found.map(|(p, _)| *p).min().unwrap_or(0) as f32;
            if phrase.strong {
                // Named only as a time ("after the op") it still answers when nothing else is
                // named, but yields to any topic named outright.
                let weight = if anchored {
                    phrase.weight * ANCHORED
                } else {
                    phrase.weight
                };
                strong[phrase.entry] = strong[phrase.entry].max(weight);
                if !anchored {
                    first[phrase.entry] = first[phrase.entry].min(at);
                    outright[phrase.entry] = true;
                }
                named.extend(phrase.syms.iter().map(|&s| (phrase.entry, s)));
            } else if !phrase.syms.iter().all(|&s| named.contains(&(phrase.entry, s))) {
                weak[phrase.entry] += phrase.weight.min(WEAK + PER_EXTRA_WORD);
                // A hint counts half as much as a name for being mentioned first.
                first[phrase.entry] = first[phrase.entry].min(at + words.len() as f32 / 2.0);
            }
        }
        let has = |list: &[&str]| {
            words
                .iter()
                .zip(&stems)
                .any(|(w, stem)| list.contains(&w.as_str()) || list.contains(&stem.as_ref()))
        };
        // A word of another domain counts unless a matched phrase uses it.
        let has_word = |set: &FxHashSet<String>| {
            words.iter().zip(&stems).any(|(w, stem)| {
                (set.contains(w.as_str()) || set.contains(stem.as_ref()))
                    && !self.symbols.get(stem.as_ref()).is_some_and(|s| used.contains(s))
            })
        };
        let named_kind = |kind: Kind| (0..n).any(|i| outright[i] && self.kinds[i] == kind);
        let (drug, sarcoma_type) = (named_kind(Kind::Drug), named_kind(Kind::Type));
        // A sarcoma type or a cancer drug named outright is as plain a cancer word as "sarcoma".
        let cancer = has(words::CANCER_WORDS) || drug || sarcoma_type;
        // Cancer and context words as symbols, to tell an entry's own hint from context it gets
        // from the rest of the message.
        let context_syms: Vec<Sym> = positions
            .iter()
            .filter(|(_, pos)| {
                let (w, stem) = (words[*pos].as_str(), &stems[*pos]);
                [words::CANCER_WORDS, words::CONTEXT_WORDS]
                    .iter()
                    .any(|list| list.contains(&w) || list.contains(&stem.as_ref()))
            })
            .map(|(s, _)| *s)
            .collect();
        // Context words the index does not know (most cancer words) always count.
        let unindexed_context = words.iter().zip(&stems).any(|(w, stem)| {
            !self.symbols.contains_key(stem.as_ref())
                && (words::CANCER_WORDS.contains(&w.as_str()) || words::CONTEXT_WORDS.contains(&w.as_str()))
        });
        // An animal makes the message about the animal, unless it is a pet cared for beside
        // the member's treatment.
        let about_an_animal = has_word(&self.animals) && !self.phrasings.pet_care.anywhere(words);
        let other_domain = (!cancer && has_word(&self.other_domains)) || about_an_animal;
        let uncovered = has_word(&self.uncovered);
        let definition = self.phrasings.definition.anywhere(words);
        let mut scores: Vec<f32> = (0..n)
            .map(|i| {
                let mut s = strong[i] + weak[i].min(WEAK_CAP);
                let context = unindexed_context || context_syms.iter().any(|c| !own[i].contains(c));
                if s > 0.0 {
                    if context {
                        s += CONTEXT;
                    }
                    if first[i] != f32::MAX {
                        s += FIRST_MENTION * (1.0 - first[i] / words.len() as f32).max(0.0);
                    }
                    if self.kinds[i] == Kind::Term {
                        s += if definition { DEFINITION } else { -TERM_PENALTY };
                    }
                    if other_domain || (uncovered && strong[i] == 0.0) {
                        s *= OTHER_DOMAIN_FACTOR;
                    }
                }
                s
            })
            .collect();
        if drug || sarcoma_type {
            for (i, kind) in self.kinds.iter().enumerate() {
                let yields = match kind {
                    Kind::Modality | Kind::Term => true,
                    Kind::Type => drug,
                    Kind::Topic | Kind::Basics | Kind::Stage | Kind::Drug | Kind::Living => false,
                };
                if yields && scores[i] > 0.0 {
                    scores[i] = (scores[i] - YIELD_TO_NAMED).max(0.0);
                }
            }
        }
        if stage::other_sense(words) {
            for (i, kind) in self.kinds.iter().enumerate() {
                if *kind == Kind::Stage {
                    scores[i] = 0.0;
                }
            }
        }
        let grade_not_stage = compares_grade_with_stage(words);
        // "Does DFSP spread to the lungs?" asks how that type behaves, not about stage 4.
        let spread_of_named =
            |mention: &StageMention| matches!(mention, StageMention::Spread(_)) && (drug || sarcoma_type);
        let mut by_name: Vec<bool> = strong.iter().map(|&s| s > 0.0).collect();
        if let Some(mention) = stage::find(words).filter(|m| !grade_not_stage && !spread_of_named(m)) {
            let id = EntryId::for_stage(mention.stage());
            if let Some(i) = self.ids.iter().position(|x| *x == id) {
                by_name[i] = true;
                scores[i] += match mention {
                    StageMention::Named(_) if named_kind(Kind::Living) => STAGE_AS_SITUATION,
                    StageMention::Named(_) => NAMED_STAGE,
                    StageMention::Spread(_) => SPREAD_STAGE,
                };
            }
        }
        (scores, by_name, other_domain)
    }

    /// The disease a message is about when the base does not cover it, as the lexicon names
    /// it. "My dad has bowel cancer, what chemo do they use", "what is osteosarcoma": a disease
    /// named before any topic is the subject; named after one ("immunotherapy? it worked for
    /// melanoma") it is an aside. A message that compares it with something, or names
    /// sarcoma apart from the disease's own name, is about soft tissue sarcoma.
    fn not_covered(&self, words: &[String]) -> Option<String> {
        if words
            .iter()
            .any(|w| words::COMPARING.contains(&w.as_str()) || words::SPREAD.contains(&w.as_str()))
        {
            return None;
        }
        // The first name, and the longest that starts there.
        let (from, len) = self.phrasings.not_covered.spans(words).next()?;
        let to = from + len;
        let outside = |i: usize| i < from || i >= to;
        if words
            .iter()
            .enumerate()
            .any(|(i, w)| outside(i) && w.contains("sarcoma"))
        {
            return None;
        }
        let first_topic = words.iter().enumerate().position(|(i, w)| {
            outside(i)
                && !words::is_stopword(w)
                && self
                    .symbols
                    .get(text::stem(w).as_ref())
                    .is_some_and(|s| self.naming.contains(s))
        });
        // "chemo for leukaemia", "the outlook for stage 3 bowel cancer": the disease is what
        // the treatment or the question is for.
        let treated_for = match &words[..from] {
            [.., w] if w == "for" => true,
            [.., f, s, _] => f == "for" && s == "stage",
            _ => false,
        };
        (treated_for || first_topic.is_none_or(|t| from <= t)).then(|| words[from..to].join(" "))
    }

    fn is_kind(&self, id: &EntryId, kind: Kind) -> bool {
        self.ids
            .iter()
            .position(|x| x == id)
            .is_some_and(|i| self.kinds[i] == kind)
    }

    /// "What is a sarcoma", "is sarcoma cancer": the entry that says what the disease is, when the
    /// message asks it in one of the lexicon's phrasings.
    fn about_the_disease(&self, plain: &[String]) -> Option<usize> {
        self.phrasings
            .about_the_disease
            .anywhere(plain)
            .then(|| {
                self.ids
                    .iter()
                    .position(|id| id.as_str() == self.lexicon.about_the_disease_entry)
            })
            .flatten()
    }

    /// A phrase missing one word still matches when the message holds that word with a slip
    /// that made another real word ("clinical trails"): the rest of the phrase vouches for it.
    /// A slip keeps the first letter: "survival rate" is no slip for "late stage".
    fn completes(&self, phrase: &Phrase, query: &[Sym], words: &[String], stems: &[Cow<str>]) -> bool {
        let Some(missing) = phrase.syms.iter().find(|s| query.binary_search(s).is_err()) else {
            return true;
        };
        let target = &self.names[*missing as usize];
        target.len() >= 4
            && words.iter().zip(stems).any(|(w, stem)| {
                w.len() >= 4
                    && stem.as_bytes().first() == target.as_bytes().first()
                    && typo::distance(stem.as_bytes(), target.as_bytes(), 1).is_some()
            })
    }
}

/// "my knee replacement", "immunotherapy for hay fever": conditions that are not cancer.
fn about_another_condition(words: &[String], conditions: &PhraseIndex) -> bool {
    conditions.anywhere(words)
        && !words.iter().any(|w| {
            w.contains("sarcoma")
                || words::CANCER_WORDS.contains(&w.as_str())
                || words::TREATMENT_WORDS.contains(&w.as_str())
        })
}

/// Marks idioms ("trial and error") and negated topics ("not chemo, radiation") as not
/// meant: their words are blanked, keeping the positions of the rest.
fn set_aside(mut words: Vec<String>, lists: &Phrasings) -> Vec<String> {
    let mut blank = vec![false; words.len()];
    for (from, n) in lists.idioms.spans(&words) {
        blank[from..from + n].fill(true);
    }
    // "not chemo — radiation", "not asking about X", "I do not mean X": the next words are
    // what the member does not want.
    let mut negate = |from: usize, n: usize| blank[from..(from + n).min(words.len())].fill(true);
    if words.first().is_some_and(|w| w == "not") {
        negate(1, 2);
    }
    for (at, n) in lists.not_meant.spans(&words) {
        negate(at + n, 2);
    }
    for (w, blank) in words.iter_mut().zip(blank) {
        if blank {
            w.clear();
        }
    }
    words
}
/// A phrase's words must stand near each other: "type of sarcoma ... the treatment" is not
/// "types of treatment". Words of a phrase may sit at most two apart on average.
fn close_together(syms: &[Sym], positions: &[(Sym, usize)]) -> bool {
    if syms.len() < 2 {
        return true;
    }
    let reach = 3 * syms.len();
    // Words matched only through a typo ("trails" for "trial") have no position to check.
    let present: Vec<Sym> = syms
        .iter()
        .copied()
        .filter(|&s| positions.iter().any(|&(p, _)| p == s))
        .collect();
    let Some((&first, rest)) = present.split_first() else {
        return true;
    };
    let near = |sym: Sym, at: usize| {
        positions
            .iter()
            .any(|&(s, p)| s == sym && p.abs_diff(at) <= reach)
    };
    // Some use of the first word must have every other word of the phrase within reach.
    positions
        .iter()
        .filter(|(s, _)| *s == first)
        .any(|&(_, at)| rest.iter().all(|&other| near(other, at)))
}

/// Whether the word at `pos` only dates something ("after the operation"), looking past
/// a determiner or two.
fn is_anchored(words: &[String], pos: usize) -> bool {
    words[..pos]
        .iter()
        .rev()
        .take(3)
        .take_while(|w| {
            words::TIME_ANCHORS.contains(&w.as_str())
                || matches!(
                    w.as_str(),
                    "the" | "an" | "a" | "my" | "his" | "her" | "their" | "your" | "of"
                )
        })
        .any(|w| words::TIME_ANCHORS.contains(&w.as_str()))
}

/// "grade 3, is that the same as stage 3?" asks about grade, not about the stage, however sure
/// the router is of the stage it names.
fn compares_grade_with_stage(words: &[String]) -> bool {
    words.iter().any(|w| w == "grade") && words.iter().any(|w| words::COMPARING.contains(&w.as_str()))
}

/// A grade compared with the one stage named ("is grade 2 the same as stage 2"): the router,
/// sure of that stage, must not answer over the grade. Two stages named ("stage 2, small but high
/// grade: how is that different from stage 3?") compare stages.
fn compares_grade_with_one_stage(words: &[String]) -> bool {
    compares_grade_with_stage(words) && words.iter().filter(|w| *w == "stage").count() == 1
}

/// Thanks and news ("thanks, that helped", "finished my last rads today!") are for the group,
/// not questions for the bot, unless they also ask something.
fn is_chatter(words: &[String], news: &PhraseIndex, question_mark: bool) -> bool {
    let asks = question_mark || words.iter().any(|w| words::QUESTION_WORDS.contains(&w.as_str()));
    !asks && (words.iter().any(|w| words::THANKS.contains(&w.as_str())) || news.anywhere(words))
}

/// The words of a message that asks for nothing but the bot's help.
const ABOUT_BOT: &[&str] = &[
    "help", "command", "commands", "menu", "topics", "topic", "info", "start", "bot", "me", "please", "pls",
];

/// "What can you do?", "help", "who are you": questions about the bot itself.
fn asks_about_the_bot(words: &[String], plain: &[String], phrasings: &PhraseIndex) -> bool {
    const BOT: &[&str] = &["you", "u", "bot", "yourself"];
    const ASKING: &[&str] = &["ask", "talk", "use", "help", "cover", "answer", "show"];
    const LISTS: &[&str] = &["menu", "commands", "command", "topics", "features"];
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    if only_asks_for_help(words) || has(LISTS) || (has(BOT) && has(ASKING)) {
        return true;
    }
    phrasings.anywhere(plain)
}

/// "help", "!help", "help me please": the command members know from other bots, however
/// surely the router hears a cry for support in the word alone.
fn only_asks_for_help(words: &[String]) -> bool {
    words.iter().any(|w| w == "help")
        && words
            .iter()
            .all(|w| ABOUT_BOT.contains(&w.as_str()) || words::is_stopword(w))
}
