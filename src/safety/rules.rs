//! The grammar of safety routing: finding the phrases and patterns of `rules.toml` in a
//! sentence, and reading what the sentence around them says — negated ("no fever"), over
//! ("back in March"), asked about in general ("what is neutropenic fever?"), about an animal,
//! or a condition ("if I get a fever"). The words of this grammar are English itself, not
//! content, so they live here; everything a moderator may extend lives in the data.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::data::{Family, Guard, Pattern};
use crate::matcher::text::PhraseIndex;

/// Words that turn the next few words around: "no fever", "not suicidal", "never wanted to die".
const NEGATORS: &[&str] = &[
    "not", "no", "never", "without", "nor", "none", "nothing", "hardly",
];
/// How far back a negator reaches: "i have not had a fever" puts it three words before.
const NEGATION_REACH: usize = 3;
/// Words after another negator that keep it from negating: "can't stop digging my nails in",
/// "can't help thinking about ending it" tell what keeps happening.
const NOT_NEGATING_AFTER_NOT: &[&str] = &["stop", "help"];
/// Words after "no" that keep it from negating: "no longer want to live", "no one would miss me".
const NOT_NEGATING_AFTER_NO: &[&str] = &["longer", "one", "more", "point", "reason", "way", "hope"];

/// A sentence that opens with one of these asks something.
const QUESTION_OPENERS: &[&str] = &[
    "can", "could", "will", "would", "does", "do", "did", "is", "are", "should", "might", "may", "what",
    "why", "how", "when", "which", "who", "whats", "any", "anyone", "has", "have",
];
/// What may follow "did it" when it tells what was done rather than asks: "did it again",
/// "did it an hour ago", "did it last night". A verb after it asks: "did it spread".
const DONE_WHEN: &[&str] = &[
    "again",
    "tonight",
    "today",
    "earlier",
    "last",
    "an",
    "a",
    "twice",
    "yesterday",
    "this",
    "just",
    "already",
    "once",
    "properly",
    "before",
    "anyway",
    "finally",
];
/// What may follow a plea and still end its sentence: "who do i call tonight", "what do i do
/// now". A blank is an idiom set aside.
const AFTER_A_PLEA: &[&str] = &[
    "", "now", "tonight", "here", "please", "pls", "plz", "first", "right", "asap",
];
/// How far into a clause an animal may stand and still be what the clause is about: "my
/// daughter's puppy has been sick" names it third.
const ANIMAL_SUBJECT_WORDS: usize = 4;
/// A stretch of time that is over: "two years ago", "back in march", "last year".
const PAST: &[&str] = &[
    "years ago",
    "year ago",
    "yrs ago",
    "months ago",
    "month ago",
    "decade ago",
    // "Back in" only before a time: "it creeps back in", "back in hospital" are now. The
    // months are added from [`MONTHS`] ("back in march").
    "back in spring",
    "back in the spring",
    "back in summer",
    "back in the summer",
    "back in autumn",
    "back in the autumn",
    "back in the fall",
    "back in winter",
    "back in the winter",
    "back in the day",
    "back in cycle",
    "back in round",
    "back in week",
    "back in the first",
    "back in my first",
    "back in the early",
    "last year",
    "last month",
    "a while ago",
    "a while back",
    // A follow-up to an earlier post: "the chest pain i posted about on friday was indigestion".
    "i posted about",
    // "throwback to when i fainted at my biopsy", "i once fainted at the sight of a needle"
    "throwback to",
    "throw back to",
    "i once",
    "months on",
    "years on",
    "finally stopped",
    // An alarm that turned out to be something else: "back from a&e, it was costochondritis"
    // ("a&e" is read as "a e").
    "back from a e",
    "back from the er",
    "ecg was normal",
    "ecg normal",
    "nothing sinister",
    "now she is good",
    "now he is good",
    "now i am good",
    "now she is fine",
    "now he is fine",
    "now i am fine",
    "last winter",
    "last summer",
    "last spring",
    "last autumn",
    "last fall",
    "last christmas",
    "last time",
    "used to",
    "years back",
    "when i was",
    "when he was",
    "when she was",
    "when we were",
    "when they were",
    "as a teenager",
    "in my teens",
    "previously",
    "in the past",
    "home now",
    "all clear",
    "turned out",
    "got over",
    "that was",
    "at the time",
    "it passed",
    "before my diagnosis",
    "before diagnosis",
    "before i was diagnosed",
    "i remember",
    "remember when",
    "home again",
    // Told as settled, the "now" in them is not the present: "doing really well now".
    "doing well now",
    "doing really well now",
    "doing so well now",
    "doing great now",
    "doing much better now",
    "doing so much better now",
    "behind me now",
    "long behind me",
    "well behind me",
    "years clear",
    "years free",
    "free of it now",
    "clear of it now",
];
/// Phrases that tell a recovery rather than a time ("fine ever since", not "last month"): they
/// end a sign as [`PAST`] does, and a short sentence of them ends the sentence before it.
const RECOVERED: &[&str] = &[
    "all fine now",
    "all good now",
    "all better now",
    "all sorted now",
    "all clear now",
    "all healed now",
    "all better",
    "all fine",
    "all healed",
    "all good",
    "all sorted",
    "all dry now",
    "went away",
    "cleared up",
    "it cleared",
    "sorted now",
    "fine now",
    "better now",
    "good now",
    "ok now",
    "okay now",
    "none since",
    "nothing since",
    // "since then" alone tells what has gone on up to now ("since then i've been shivering");
    // only a recovery told with it is over.
    "fine since then",
    "been fine since",
    "fine ever since",
    "fine every time since",
    "fine each time since",
    "ok since then",
    "okay since then",
    "good since then",
    "well since then",
    "all good since",
    "no problems since",
    "no issues since",
    "recovered",
    "resolved",
    "all normal",
    "came back normal",
    "nothing serious",
    "false alarm",
    "panic over",
];
/// Words that bring a sentence back to now, whatever else it says of the past.
const PRESENT: &[&str] = &[
    "now",
    "today",
    "tonight",
    "currently",
    "still",
    "again",
    "right now",
    "this morning",
    "this evening",
    "keeps",
    "keep",
    "getting",
    "started",
];
/// Words that start a new clause after "and": "fainted two years ago and the family still
/// tease me" tells two things, "shivering and feel awful" one.
const NEW_SUBJECT: &[&str] = &[
    "the", "my", "i", "he", "she", "they", "we", "it", "his", "her", "our", "their", "now",
];
/// Words by which a clause of now points back at a sign told as past: "it is happening again".
const POINTS_BACK: &[&str] = &["again", "back", "same", "happening", "returned"];
/// A condition or a hypothetical: "if i get a fever", "in case he faints", "what if".
const CONDITIONS: &[&str] = &[
    "if",
    "in case",
    "what if",
    "should i get",
    "supposing",
    "unless",
    "whenever",
    "at what point",
    "when should",
    "when do we",
    "when do i",
    "when to call",
    "when to go",
    "how do i know when",
    "how will i know",
];
/// Who a sentence is about: the writer or a particular person, rather than people in general.
const PERSONS: &[&str] = &[
    "i",
    "me",
    "my",
    "im",
    "we",
    "us",
    "our",
    "he",
    "she",
    "him",
    "her",
    "his",
    "hers",
    "mum",
    "mom",
    "mother",
    "dad",
    "father",
    "husband",
    "wife",
    "partner",
    "son",
    "daughter",
    "brother",
    "sister",
    "boyfriend",
    "girlfriend",
    "friend",
    "grandma",
    "grandpa",
    "nan",
    "child",
    "kid",
    "baby",
];
const FIRST_PERSON: &[&str] = &["i", "me", "my", "im", "myself", "we", "us", "our"];

/// One outcome's compiled phrases and patterns.
pub(crate) struct Rules {
    phrases: PhraseIndex,
    patterns: Vec<Pattern>,
    /// For each word, the patterns and sets that have an alternative starting with it. A
    /// pattern can only hit a sentence that holds a first word of each of its sets, and most
    /// sentences hold none: one lookup a word rules out every such pattern, where trying each
    /// pattern costs a lookup a word for every set.
    starts: FxHashMap<String, Vec<(usize, usize)>>,
    cues: PhraseIndex,
    question_cues: PhraseIndex,
}

impl Rules {
    pub(crate) fn new(family: &Family) -> Rules {
        let mut starts: FxHashMap<String, Vec<(usize, usize)>> = FxHashMap::default();
        for (p, pattern) in family.patterns.iter().enumerate() {
            for (s, set) in pattern.sets.iter().enumerate() {
                for first in set.first_words() {
                    starts.entry(first.clone()).or_default().push((p, s));
                }
            }
        }
        Rules {
            phrases: PhraseIndex::new(&family.phrases),
            patterns: family.patterns.clone(),
            starts,
            cues: family.cues.clone(),
            question_cues: family.question_cues.clone(),
        }
    }

    /// The patterns whose every set has an alternative starting somewhere in `words`.
    fn candidates(&self, words: &[String]) -> impl Iterator<Item = &Pattern> {
        let mut missing: Vec<usize> = self.patterns.iter().map(|p| p.sets.len()).collect();
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for &(p, s) in words.iter().filter_map(|w| self.starts.get(w)).flatten() {
            if !seen.contains(&(p, s)) {
                seen.push((p, s));
                missing[p] -= 1;
            }
        }
        self.patterns
            .iter()
            .zip(missing)
            .filter(|&(_, missing)| missing == 0)
            .map(|(p, _)| p)
    }

    /// Whether the sentence holds a phrase of this outcome that is negated ("i do not want to
    /// die"): then the writer has said what they do not mean, and the model is not asked.
    pub(crate) fn denied(&self, words: &[String]) -> bool {
        self.phrases.find(words).any(|at| negated(words, at))
    }

    /// Whether the sentence holds one of the words that make the model's view of it worth
    /// hearing: without one, a sentence about lasagne is not weighed for risk at all. A
    /// family that lists no cues lets the model hear every sentence.
    pub(crate) fn cued(&self, words: &[String]) -> bool {
        self.cues.is_empty() || self.cues.anywhere(words)
    }

    /// Whether the sentence holds a cue strong enough for the model to be heard beside a
    /// clause that asks: "she says she will jump, what do i tell the nurses" is a crisis, where
    /// "my letter says pT3 N0 M0, what do those mean" is a question the word "letter" cues.
    pub(crate) fn cued_beside_a_question(&self, words: &[String]) -> bool {
        self.question_cues.anywhere(words)
    }

    /// Whether the words state one of the phrases, not negated; patterns are not read.
    pub(crate) fn states(&self, words: &[String]) -> bool {
        stated(&self.phrases, words)
    }

    /// Whether the sentence holds a phrase or pattern that is not negated.
    pub(crate) fn hit(&self, words: &[String]) -> bool {
        self.sign(words).is_some()
    }

    /// The sign the sentence holds, if any: a phrase that is not negated, or a pattern.
    /// `Some(true)` when every sign found may be answered beside the question it comes with
    /// (see [`Pattern::answer_too`]).
    pub(crate) fn sign(&self, words: &[String]) -> Option<bool> {
        if stated(&self.phrases, words) {
            return Some(false);
        }
        let mut hits = self.candidates(words).filter(|p| pattern_hit(p, words));
        let first = hits.next()?;
        Some(first.answer_too && hits.all(|p| p.answer_too))
    }
}

fn pattern_hit(p: &Pattern, words: &[String]) -> bool {
    if p.unless.anywhere(words) {
        return false;
    }
    match p.within {
        // Each set in order, each starting within reach of where the last one ended.
        Some(reach) => p.sets[0].spans(words).any(|(start, len)| {
            if negated(words, start) {
                return false;
            }
            let mut end = start + len;
            p.sets[1..].iter().all(|set| {
                let last = words.len().min(end + reach);
                match (end..last).find_map(|i| set.longest_at(words, i).map(|n| i + n)) {
                    Some(next) => {
                        end = next;
                        true
                    }
                    None => false,
                }
            })
        }),
        // Every set somewhere in the sentence; the first set is the sign, and it must not
        // be negated everywhere it stands.
        None => {
            p.sets[1..].iter().all(|set| set.anywhere(words))
                && p.sets[0].find(words).any(|i| !negated(words, i))
        }
    }
}

/// Whether any alternative of `index` stands in `words` without a "not" before it: "i want
/// more time" says it, "i do not want more time" does not.
fn stated(index: &PhraseIndex, words: &[String]) -> bool {
    index.find(words).any(|at| !negated(words, at))
}

/// Whether a negator stands just before position `at` in the same clause.
pub(crate) fn negated(words: &[String], at: usize) -> bool {
    let from = at.saturating_sub(NEGATION_REACH);
    let before = &words[from..at];
    // A clause break ends the reach: "not great but i have a fever".
    let start = before
        .iter()
        .rposition(|w| matches!(w.as_str(), "but" | "and" | "so" | "though" | "although"))
        .map_or(0, |i| i + 1);
    before[start..].iter().enumerate().any(|(i, w)| {
        let keeps = if w == "no" {
            NOT_NEGATING_AFTER_NO
        } else {
            NOT_NEGATING_AFTER_NOT
        };
        NEGATORS.contains(&w.as_str())
            && !before[start..]
                .get(i + 1)
                .or(words.get(at))
                .is_some_and(|next| keeps.contains(&next.as_str()))
    })
}

/// The grammar's phrase lists, indexed once.
struct Grammar {
    past: PhraseIndex,
    recovered: PhraseIndex,
    present: PhraseIndex,
    conditions: PhraseIndex,
    /// "not sure if this is anything but…" reports; "if i get a fever…" supposes.
    unsure: PhraseIndex,
    /// A question however it is written: "is that normal", "should i worry".
    asks: PhraseIndex,
    /// "i can not…", "i am…" open reports, not questions.
    reports: PhraseIndex,
    /// A question about something just told: "pee is dark like cola, is that normal?" is the
    /// writer's own, though it names no one.
    about_this: PhraseIndex,
    /// "anyone else feel like this?" is the writer's own feeling, asked of the group; "can
    /// someone help, my husband is coughing blood" is a plea to the group, not a question
    /// about people in general.
    to_the_group: PhraseIndex,
    /// A cry for help with what was just told: "what do i do", "who do i call". It asks the
    /// group to act, not about a topic.
    pleas: PhraseIndex,
    /// Pleas wherever they stand in a sentence: "does anyone know where he lives".
    pleas_anywhere: PhraseIndex,
    /// A habit rather than now: "every time the phone rings", "whenever".
    habitual: PhraseIndex,
    /// What has only just happened: "i have just had a seizure".
    just: PhraseIndex,
    /// How a clause opens when it asks, with or without a question mark: "…, is this the chemo".
    clause_asks: PhraseIndex,
    /// Openings that look like questions and are not: "what if it comes back", "why me".
    clause_not: PhraseIndex,
    /// [`PERSONS`] and [`FIRST_PERSON`] as sets: every word of every sentence is looked up.
    persons: FxHashSet<&'static str>,
    first_person: FxHashSet<&'static str>,
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar {
        persons: PERSONS.iter().copied().collect(),
        first_person: FIRST_PERSON.iter().copied().collect(),
        past: PhraseIndex::of(
            &PAST
                .iter()
                .chain(RECOVERED)
                .map(|p| (*p).to_owned())
                .chain(MONTHS.iter().map(|m| format!("back in {m}")))
                .collect::<Vec<String>>(),
        ),
        recovered: PhraseIndex::of(RECOVERED),
        present: PhraseIndex::of(PRESENT),
        conditions: PhraseIndex::of(CONDITIONS),
        unsure: PhraseIndex::of(&[
            "not sure if",
            "wondering if",
            "no idea if",
            "do not know if",
            "not know if",
            "can not tell if",
            "cannot tell if",
            "could not tell if",
            "unsure if",
            "sorry if",
            "apologies if",
            // An "if" that asks, not supposes: "can anyone tell me if 38.4 is an emergency".
            "tell me if",
            "tell us if",
            "anyone know if",
            "you know if",
        ]),
        asks: PhraseIndex::of(&[
            "is that normal",
            "is this normal",
            "is it normal",
            "should i worry",
            "should i be worried",
            "should we worry",
            // "bruise on my head that will not go away, could it be angiosarcoma"
            "could it be",
            "could this be",
            "could that be",
            "might it be",
            // A request for information asks, though it names no question word.
            "tell me about",
            "info on",
            "info about",
            "info please",
            "information on",
            "information about",
        ]),
        reports: PhraseIndex::of(&["i can not", "i am"]),
        about_this: PhraseIndex::of(&[
            "is that normal",
            "is this normal",
            "is that bad",
            "is this bad",
            "is that ok",
            "is this ok",
            "is that okay",
            "is this okay",
        ]),
        just: PhraseIndex::of(&[
            "just had",
            "have just",
            "has just",
            "just now",
            "minutes ago",
            "mins ago",
            "a minute ago",
        ]),
        habitual: PhraseIndex::of(&[
            "every time",
            "every single time",
            "each time",
            "whenever",
            "always",
            "every day",
            "every night",
        ]),
        to_the_group: PhraseIndex::of(&[
            "anyone else",
            "anybody else",
            "can someone help",
            "can anyone help",
            "can somebody help",
            "someone please",
            "somebody please",
            "anyone please",
            "please someone",
            "please anyone",
            "please somebody",
            "can someone please",
            "can anyone please",
            "someone help",
            "somebody help",
            "anyone help",
            "can anyone tell me",
            "can someone tell me",
            "can somebody tell me",
        ]),
        pleas: PhraseIndex::of(&[
            "what do i do",
            "what should i do",
            "what can i do",
            "what do we do",
            "what should we do",
            "what i do",
            "what i should do",
            "who do i call",
            "who should i call",
            "who do i ring",
            "who should i ring",
            "who do i phone",
            "who do i contact",
            "who do we call",
            "someone talk to me",
            "anyone talk to me",
            "somebody talk to me",
            "please help",
            "help me",
            "please answer",
        ]),
        pleas_anywhere: PhraseIndex::of(&[
            "talk me out of it",
            "know where he lives",
            "know where she lives",
            "know where they live",
            "know where he is",
            "know where she is",
            "ring the police",
            "call the police",
            "phone the police",
            "call 999",
            "ring 999",
            "call 911",
            "call an ambulance",
            "ring an ambulance",
        ]),
        clause_asks: PhraseIndex::of(&[
            "what",
            "whats",
            "why",
            "how",
            "which",
            "where",
            "who can",
            "who do",
            "who should",
            "is this",
            "is it",
            "is that",
            "is there",
            "are there",
            "does this",
            "does it",
            "does anyone",
            "has anyone",
            "anyone else",
            "should i",
            "should we",
            "will it",
            "will i",
            "will she",
            "will he",
            "can i",
            "can we",
            "can you",
            "do i",
            "do you",
            "do we",
            "did anyone",
            "could i",
            "could he",
            "could she",
            "could we",
            "could they",
            "could it",
            "could this",
            "could that",
            "can he",
            "can she",
            "can they",
            "can it",
            "can this",
            "does he",
            "does she",
            "did he",
            "did she",
            "did i",
            "is he",
            "is she",
            "should he",
            "should she",
            "should they",
        ]),
        clause_not: PhraseIndex::of(&[
            "what if",
            "what a",
            "why me",
            "why us",
            "why him",
            "why her",
            "why them",
            "why now",
            "why not",
            "how lucky",
            "how unfair",
            "does anyone else feel",
            "anyone else feel",
            "does anybody else feel",
            "anybody else feel",
            "is it just me",
            "anyone want to",
            "anyone around to",
            "anyone up for",
            "can someone distract",
            "can anyone distract",
        ]),
    })
}

/// Whether a clause (a sentence, or a part of one after a comma) asks something: it opens
/// like a question ("they said stage 3, what treatment is there"), or it is a question as
/// [`Context`] reads it. "Why me" is a lament and "does anyone else feel like this" reaches
/// for company; neither asks for an answer.
pub(crate) fn clause_asks(words: &[String], question_mark: bool, guard: &Guard) -> bool {
    !laments(words, question_mark)
        && (grammar().clause_asks.longest_at(words, 0).is_some()
            || Context::of(words, question_mark, guard).question)
}

/// Whether a clause opens the way a question does ("what do those mean", "is it normal"),
/// read strictly: a question word must be followed by a verb that asks, at once or after one
/// word that is not a person ("what do", "how long does", "what time is"), since after a
/// comma "which won't be long" and "what i am not fine with" tell rather than ask. "What's the
/// point" is a lament.
pub(crate) fn clause_opens_a_question(words: &[String], question_mark: bool) -> bool {
    const ASKING_VERBS: &[&str] = &[
        "do", "does", "did", "is", "are", "was", "were", "can", "could", "should", "would", "will", "has",
        "have", "am",
    ];
    // A request of a few words asks though it opens like a statement: "stage 4 stats. honest
    // please", "lipo, leio, rhabdo... decoder please", "thoughts". A longer clause ending in
    // "please" may be a goodbye ("tell my sister i love her please").
    let please = |w: &String| matches!(w.as_str(), "please" | "pls" | "plz");
    let request = match words {
        [first, .., last] if words.len() <= 3 && please(last) => !please(first),
        [t] => t == "thoughts",
        [a, t] => t == "thoughts" && matches!(a.as_str(), "any" | "your"),
        _ => false,
    };
    if request {
        return true;
    }
    if laments(words, question_mark) || grammar().clause_asks.longest_at(words, 0).is_none() {
        return false;
    }
    let first = words[0].as_str();
    match first {
        "which" => false,
        "what" if words.get(1..4).is_some_and(|w| w == ["is", "the", "point"]) => false,
        "what" | "why" | "how" | "where" => {
            let asks = |at: usize| words.get(at).is_some_and(|w| ASKING_VERBS.contains(&w.as_str()));
            let person = words
                .get(1)
                .is_some_and(|w| matches!(w.as_str(), "i" | "you" | "he" | "she" | "we" | "they" | "it"));
            asks(1) || (!person && asks(2))
        }
        _ => true,
    }
}

fn laments(words: &[String], question_mark: bool) -> bool {
    // "why my daughter." is a lament too: a bare "why" and a few words, no question mark.
    let bare_why =
        words.first().is_some_and(|w| w == "why") && (2..=3).contains(&words.len()) && !question_mark;
    bare_why || grammar().clause_not.longest_at(words, 0).is_some()
}

/// What the words around a sign say about it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Context {
    pub(crate) question: bool,
    /// Opens like a question ("can chemo…"), not only ends with a question mark.
    pub(crate) opener: bool,
    /// About a particular person: the writer, or someone they name.
    pub(crate) personal: bool,
    pub(crate) first_person: bool,
    /// Names a person as a person (not only "my"): "i", "she", "mum".
    pub(crate) human: bool,
    /// About people in general: "someone", "patients".
    pub(crate) anyone: bool,
    /// Asks the group for help with what was told, not about a topic.
    pub(crate) plea: bool,
    /// A question about a topic rather than a report: opens like a question and names no one.
    pub(crate) general: bool,
    pub(crate) over: bool,
    /// Names a time that is over ("two years ago"), even where a word of now follows it.
    pub(crate) past: bool,
    /// Says it is happening now: "right now", "tonight", "still".
    pub(crate) present: bool,
    /// A story from the news, a show or someone's past, not a person here.
    pub(crate) story: bool,
    pub(crate) learning: bool,
    pub(crate) helping: bool,
    pub(crate) conditional: bool,
    pub(crate) animal: bool,
    /// Names a thing that breaks or gets finished: a laptop, a kitchen renovation.
    pub(crate) thing: bool,
    /// The writer says they are safe.
    pub(crate) safe: bool,
    /// The writer says a question is asked for themselves: "asking for me".
    pub(crate) for_oneself: bool,
    /// The writer says they want to live on, in words that are not negated.
    pub(crate) hopes: bool,
    /// The writer says they will be back, in words that are not negated.
    pub(crate) returning: bool,
    /// Plans for the end of life with no date close at hand: a will, funeral wishes, a DNR form.
    pub(crate) plans: bool,
    /// A thought of what might have been: "if i had gone to the gp sooner".
    pub(crate) regret: bool,
}

impl Context {
    pub(crate) fn of(words: &[String], question_mark: bool, guard: &Guard) -> Context {
        let g = grammar();
        let has = |p: &PhraseIndex| p.anywhere(words);
        // "all fine now" says the thing is over; only a "now" outside such phrases is the present.
        let mut past = vec![false; words.len()];
        for (at, n) in g.past.spans(words) {
            // "signing off for the last time", "i'm planning on it being the last time" and "the
            // last time you will hear from me" are a last time still to come.
            let to_come = (at >= 2
                && words[at - 1] == "the"
                && matches!(words[at - 2].as_str(), "for" | "be" | "being"))
                || (words[at..at + n] == ["last", "time"]
                    && words.get(at + n + 1).is_some_and(|w| w == "will"));
            // "they are all better off without me" compares; it tells no recovery.
            let compares = words.get(at + n).is_some_and(|w| w == "off");
            if !to_come && !compares {
                past[at..at + n].fill(true);
            }
        }
        let over = past.iter().any(|p| *p);
        let dated = names_a_past_time(words);
        // "could not keep anything down" is told in the past: its "keep" is no word of now.
        let past_negative = |at: usize| {
            at >= 2 && words[at - 1] == "not" && matches!(words[at - 2].as_str(), "could" | "did" | "would")
        };
        let present = g
            .present
            .spans(words)
            .any(|(at, n)| !past[at..at + n].iter().any(|p| *p) && !past_negative(at));
        // "husbands temp", "mums wound": a possessive without its apostrophe is still the person.
        let word_in = |set: &FxHashSet<&str>| {
            words
                .iter()
                .any(|w| set.contains(w.as_str()) || (w.len() > 3 && set.contains(w.trim_end_matches('s'))))
        };
        let personal = word_in(&g.persons);
        // Words before the question proper: "ok so can chemo…", and "bot are you alive", where
        // the member speaks to the bot.
        let mut lead = words.iter().filter(|w| {
            !w.is_empty()
                && !matches!(
                    w.as_str(),
                    "so" | "and" | "but" | "ok" | "okay" | "hi" | "hey" | "quick" | "q" | "bot"
                )
        });
        let (first, second, third) = (lead.next(), lead.next(), lead.next());
        // "can chemo…", and "at what point…", "in which case…"; but "would be lovely to…" and
        // "would have been over by now" are statements, their "it" dropped.
        let dropped_it = first.is_some_and(|w| w == "would")
            && second.is_some_and(|w| matches!(w.as_str(), "be" | "have"));
        // "did it again tonight", "did it 10 min ago" tell what was done; "did it spread" asks.
        let done_it = first.is_some_and(|w| w == "did")
            && second.is_some_and(|w| w == "it")
            && third.is_none_or(|w| DONE_WHEN.contains(&w.as_str()) || w.bytes().all(|b| b.is_ascii_digit()));
        let opener = !dropped_it && !done_it && first.is_some_and(|w| QUESTION_OPENERS.contains(&w.as_str()))
            || (first.is_some_and(|w| matches!(w.as_str(), "at" | "in" | "on" | "by" | "for"))
                && second.is_some_and(|w| matches!(w.as_str(), "what" | "which" | "how" | "when")));
        // A question mark after a question word anywhere: "the seizure thing, how rare is it?"
        let asks = (question_mark
            && words
                .iter()
                .any(|w| matches!(w.as_str(), "what" | "how" | "why" | "which" | "whats")))
            || has(&g.asks);
        // A thermometer reading is a report, however it is asked: "38.4, is that bad?"
        let reading = words.iter().any(|w| {
            w.parse::<u16>()
                .is_ok_and(|t| (38..=42).contains(&t) || (100..=106).contains(&t))
        });
        // "can not breathe" opens with "can" but is no question.
        let report = words.get(1).is_some_and(|w| w == "not") || has(&g.reports);
        // "if i join a trial can i drop out later" asks, though only its second clause opens
        // like a question.
        let supposes_then_asks = first.is_some_and(|w| w == "if")
            && words.windows(2).skip(2).any(|pair| {
                matches!(
                    pair[0].as_str(),
                    "can" | "could" | "should" | "do" | "will" | "would"
                ) && matches!(pair[1].as_str(), "i" | "we" | "you" | "he" | "she" | "they")
            });
        Context {
            question: question_mark || ((opener || asks) && !report) || supposes_then_asks,
            opener: (opener || asks) && !report && !reading,
            general: (opener || asks) && !report && !reading && !personal && !has(&g.about_this),
            personal,
            first_person: word_in(&g.first_person),
            human: words.iter().any(|w| {
                g.persons.contains(w.as_str()) && !matches!(w.as_str(), "my" | "our" | "his" | "her")
            }),
            // "anyone else feel like this?" is the writer's own feeling, asked of the group.
            anyone: guard.anyone.anywhere(words) && !has(&g.to_the_group),
            // "what do i do if i see them" asks about a topic; a plea ends its sentence.
            plea: has(&g.pleas_anywhere)
                || g.pleas
                    .spans(words)
                    .any(|(at, n)| words[at + n..].iter().all(|w| AFTER_A_PLEA.contains(&w.as_str()))),
            story: guard.stories.anywhere(words) && !only_watched(words, &guard.stories),
            learning: guard.learning.anywhere(words),
            helping: guard.helping.anywhere(words),
            over: (over || dated) && !present,
            past: over || dated,
            present,
            // "not sure if this is anything but…" reports; "if i get a fever…" supposes.
            conditional: has(&g.conditions) && !has(&g.unsure),
            animal: guard.animals.anywhere(words),
            thing: guard.things.anywhere(words),
            safe: guard.safe.anywhere(words),
            for_oneself: guard.for_oneself.anywhere(words),
            hopes: stated(&guard.hopes, words),
            returning: stated(&guard.returning, words),
            plans: guard.plans_for_the_end.anywhere(words) && !guard.close_at_hand.anywhere(words),
            regret: guard.might_have_been.anywhere(words),
        }
    }

    /// Where a model's view of a crisis may be heard: a statement about now, not a story,
    /// a question, a thing that breaks, or a writer who says they are safe, hold on to life or
    /// will be back. The sentence model and the message model answer to the same guards.
    pub(crate) fn open_to_a_model(&self) -> bool {
        !(self.over
            || self.story
            || self.question
            || self.thing
            || self.safe
            || self.hopes
            || self.returning
            || self.general)
    }

    /// A general question, not a report: "can chemo cause a fever?".
    pub(crate) fn general_question(&self) -> bool {
        self.general
    }

    /// About people in general, and asked: "can chemo make someone confused?".
    pub(crate) fn asks_about_anyone(&self) -> bool {
        self.question && self.anyone
    }

    /// How to help people in general: "how do i support someone who is suicidal?".
    pub(crate) fn asks_how_to_help(&self) -> bool {
        self.asks_about_anyone() && self.helping
    }

    /// About a pet rather than a person: "my dog is bleeding".
    pub(crate) fn about_an_animal(&self) -> bool {
        self.animal
    }

    /// The context of several sentences read together: a guard raised by any of them holds for
    /// all, so reading the sentences together adds no alarm that a guard would have stopped.
    pub(crate) fn either(self, other: Context) -> Context {
        Context {
            question: self.question || other.question,
            past: self.past || other.past,
            opener: self.opener || other.opener,
            personal: self.personal || other.personal,
            first_person: self.first_person || other.first_person,
            human: self.human || other.human,
            anyone: self.anyone || other.anyone,
            plea: self.plea || other.plea,
            // "is chest pain normal after doxo? my husband has it right now": a question
            // followed by a report of now is a report.
            general: (self.general || other.general) && !(self.present || other.present),
            present: self.present || other.present,
            over: self.over || other.over,
            story: self.story || other.story,
            learning: self.learning || other.learning,
            helping: self.helping || other.helping,
            conditional: self.conditional || other.conditional,
            animal: self.animal || other.animal,
            thing: self.thing || other.thing,
            safe: self.safe || other.safe,
            for_oneself: self.for_oneself || other.for_oneself,
            hopes: self.hopes || other.hopes,
            returning: self.returning || other.returning,
            plans: self.plans || other.plans,
            regret: self.regret || other.regret,
        }
    }
}

/// A clause's words split again where "but" or "and" starts a new subject, the joining word
/// dropped.
pub(crate) fn split_at_new_subjects(words: Vec<String>) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    let mut words = words.into_iter().peekable();
    while let Some(w) = words.next() {
        let joins =
            w == "but" || (w == "and" && words.peek().is_some_and(|n| NEW_SUBJECT.contains(&n.as_str())));
        match out.last_mut() {
            Some(clause) if !joins => clause.push(w),
            _ => out.push(Vec::new()),
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// Whether every story a sentence names is a show being watched where the writer is, not one
/// told: "we were watching a film and dad went rigid" happens here; "watching a film where the
/// main character has cancer" and "watched a documentary about sarcoma" tell a story.
fn only_watched(words: &[String], stories: &PhraseIndex) -> bool {
    let mut watched = false;
    for (at, n) in stories.spans(words) {
        let watching = words[at.saturating_sub(WATCHED_REACH)..at + n]
            .iter()
            .any(|w| matches!(w.as_str(), "watching" | "watched" | "watch"));
        let told = words.get(at + n).is_some_and(|w| {
            matches!(
                w.as_str(),
                "where" | "about" | "in" | "that" | "which" | "with" | "of" | "on" | "when" | "whose"
            )
        });
        if !watching || told {
            return false;
        }
        watched = true;
    }
    watched
}

/// How many words before a show "watching" may stand: "watching taylor's eras tour film".
const WATCHED_REACH: usize = 4;

/// Whether a clause tells something going on, in the present progressive and with no past
/// tense: "coughing clots of blood into the sink", "dad clutching his chest".
pub(crate) fn told_as_going_on(words: &[String]) -> bool {
    // Words of five letters or more that end in "-ing" but tell nothing going on.
    const NOT_VERBS: &[&str] = &[
        "thing",
        "something",
        "anything",
        "nothing",
        "everything",
        "morning",
        "evening",
        "during",
        "bring",
        "ceiling",
        "feeling",
        "bling",
        "spring",
        "string",
        "sibling",
    ];
    let going_on = words
        .iter()
        .any(|w| w.len() > 4 && w.ends_with("ing") && !NOT_VERBS.contains(&w.as_str()));
    going_on && !in_past_tense(words)
}

/// Whether a clause is told in the past tense: "was", "had", "stopped", "went".
pub(crate) fn in_past_tense(words: &[String]) -> bool {
    const PAST_TENSE: &[&str] = &[
        "was", "were", "had", "did", "used", "been", "stopped", "started", "went", "came", "turned", "found",
        "felt", "ended", "finished", "happened", "said", "told",
    ];
    words.iter().any(|w| PAST_TENSE.contains(&w.as_str()))
}

/// Whether a sentence tells of something done and over, in the past tense, so a recovery told
/// after it ends it too: "they kept me in.", "took a month to get my puff back."
/// Kept apart from [`in_past_tense`], whose other readers would then take "i took all my pills"
/// as told and done.
pub(crate) fn tells_the_past(words: &[String]) -> bool {
    const DONE: &[&str] = &[
        "took", "kept", "got", "gave", "spent", "lost", "sent", "needed", "stayed",
    ];
    in_past_tense(words) || words.iter().any(|w| DONE.contains(&w.as_str()))
}

/// Whether a sentence tells what happens time after time, not what is happening now: "every
/// single time a scan letter lands i'm back to square one, heart racing".
pub(crate) fn habitual(words: &[String]) -> bool {
    grammar().habitual.anywhere(words)
}

/// Whether words name a person outright, not only by a pronoun that may stand for a pet: after
/// "the cat's been sick", a "she" may be the cat, but "i", "mum" and "my name" are people.
pub(crate) fn names_a_person(words: &[String], guard: &Guard) -> bool {
    words.iter().enumerate().any(|(at, w)| match w.as_str() {
        "he" | "she" | "him" | "her" | "his" | "hers" => false,
        "my" | "our" => !words
            .get(at + 1)
            .is_some_and(|next| guard.animals.anywhere(std::slice::from_ref(next))),
        w => PERSONS.contains(&w),
    })
}

/// Whether an animal is what a clause is about: named among its first words ("the cat has been
/// sick all day"), not later as the object of what a person does ("keeps calling the dog by
/// my name").
pub(crate) fn an_animal_leads(words: &[String], guard: &Guard) -> bool {
    guard
        .animals
        .spans(words)
        .any(|(at, _)| words[..at].iter().filter(|w| !w.is_empty()).count() < ANIMAL_SUBJECT_WORDS)
}

/// Whether a sentence tells of something that has only just happened: "i've just had a
/// seizure", "fainted ten minutes ago".
pub(crate) fn just_happened(words: &[String]) -> bool {
    grammar().just.anywhere(words)
}

/// Whether a sentence tells that something got better: "all fine since then".
pub(crate) fn tells_a_recovery(words: &[String]) -> bool {
    grammar().recovered.anywhere(words)
}

/// Whether a clause of now points back at something told before it: "it's happening again".
pub(crate) fn points_back(words: &[String]) -> bool {
    words.iter().any(|w| POINTS_BACK.contains(&w.as_str()))
}

/// A thermometer reading below a fever, written with a decimal point: 35.0–37.4 °C or
/// 96.0–99.4 °F. The readings just under the 38 °C line (37.5–37.9) are left out, since some
/// teams ask for a call from 37.5.
pub(crate) fn normal_reading(words: &[String]) -> bool {
    decimals(words).any(|(whole, tenths, digits)| {
        digits == 1 && (matches!(whole, 35 | 36 | 96..=98) || (matches!(whole, 37 | 99) && tenths <= 4))
    })
}

/// Numbers written with a decimal point, which normalising splits in two: "38.25" is
/// (38, 25, 2 digits after the point).
fn decimals(words: &[String]) -> impl Iterator<Item = (u16, u16, usize)> + '_ {
    words.windows(2).filter_map(|pair| {
        let (Ok(whole), Ok(after)) = (pair[0].parse::<u16>(), pair[1].parse::<u16>()) else {
            return None;
        };
        Some((whole, after, pair[1].len()))
    })
}

/// A thermometer reading of a fever written as a number with a decimal point: "38.2", "100.8".
/// Normalising splits the point out, so it is a whole number followed by one or two digits.
pub(crate) fn fever_reading(words: &[String]) -> bool {
    decimals(words).any(|(whole, tenths, digits)| {
        digits <= 2
            && ((38..=41).contains(&whole) || (101..=105).contains(&whole) || (whole == 100 && tenths >= 4))
    })
}

/// A year, a decade or a month gone by: "2019", "the 70s", "the 1980s" (read as "70 s",
/// "1980 s"), "last april". A decade of two digits counts only after "the": "in my 40s" is an
/// age, and now.
fn names_a_past_time<W: AsRef<str>>(words: &[W]) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let year = |s: &str| s.len() == 4 && (s.starts_with("19") || s.starts_with("20")) && digits(s);
    let decade = |p: &[W]| {
        let (before, number, s) = (p[0].as_ref(), p[1].as_ref(), p[2].as_ref());
        s == "s"
            && number.ends_with('0')
            && ((before == "the" && number.len() == 2 && digits(number)) || year(number))
    };
    let last_month = |p: &[W]| p[0].as_ref() == "last" && MONTHS.contains(&p[1].as_ref());
    words.iter().any(|w| year(w.as_ref())) || words.windows(3).any(decade) || words.windows(2).any(last_month)
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Whether a sentence only dates the one before it, to a time long enough ago to be over:
/// "That was 2017.", "That was March.", "this was the 70s". "That was last night" is not
/// such a sentence: an overdose last night is still an emergency.
pub(crate) fn dates_what_came_before(words: &[String]) -> bool {
    let mut w = words.iter().map(String::as_str).filter(|w| !w.is_empty());
    if !matches!((w.next(), w.next()), (Some("that" | "this"), Some("was"))) {
        return false;
    }
    let rest: Vec<&str> = w
        .skip_while(|x| matches!(*x, "in" | "back" | "around" | "about"))
        .take(4)
        .collect();
    match rest.as_slice() {
        [first, ..] if MONTHS.contains(first) => true,
        ["last", when, ..] => matches!(
            *when,
            "year" | "winter" | "summer" | "spring" | "autumn" | "fall" | "christmas"
        ),
        [_, unit, "ago", ..] => matches!(*unit, "years" | "year" | "months" | "month" | "yrs"),
        time => names_a_past_time(&time[..time.len().min(3)]),
    }
}

/// Blanks the words of every idiom ("dying to know"), keeping positions.
pub(crate) fn blank_idioms(words: &mut [String], idioms: &PhraseIndex) {
    let spans: Vec<(usize, usize)> = idioms.spans(words).collect();
    for (at, len) in spans {
        for w in &mut words[at..at + len] {
            w.clear();
        }
    }
}

/// How many words after a question's opening its death may come: in "asked me if my mum is
/// going to die", "die" is the sixth. Between them stands only who will die, too few words
/// for a sign to hide in.
const QUESTION_REACH: usize = 7;

/// Blanks each question about a death that someone asks, from its opening to its words of
/// dying: "my son keeps asking if i am going to die" is a fear voiced, no wish to die, however
/// much its words sound like one. The dying must be told as what will happen ("going to die",
/// "will die", "is dying"): "asked if i would be better off dying" is left to be judged.
pub(crate) fn blank_questions_of_dying(words: &mut [String], openings: &PhraseIndex) {
    let spans: Vec<(usize, usize)> = openings.spans(words).collect();
    for (at, len) in spans {
        let after = at + len;
        let foretold = |i: usize| {
            let before = |n: usize| {
                i.checked_sub(n)
                    .filter(|&j| j >= after)
                    .map(|j| words[j].as_str())
            };
            match words[i].as_str() {
                "die" => {
                    matches!(before(1), Some("gonna" | "will"))
                        || (before(1) == Some("to") && before(2) == Some("going"))
                }
                "dying" => matches!(before(1), Some("is" | "am" | "are")),
                _ => false,
            }
        };
        if let Some(end) = (after..words.len().min(after + QUESTION_REACH)).find(|&i| foretold(i)) {
            for w in &mut words[at..=end] {
                w.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        crate::matcher::text::words(s)
    }

    #[test]
    fn a_short_request_asks_but_a_long_clause_ending_in_please_does_not() {
        for asks in [
            "decoder please",
            "honest please",
            "info pls",
            "thoughts",
            "any thoughts",
        ] {
            assert!(clause_opens_a_question(&w(asks), false), "{asks}");
        }
        for tells in [
            "tell my sister i love her please",
            "please do not reply",
            "dark thoughts",
            "please",
        ] {
            assert!(!clause_opens_a_question(&w(tells), false), "{tells}");
        }
    }

    #[test]
    fn a_question_about_a_death_is_blanked_only_up_to_dying_foretold() {
        let openings = PhraseIndex::new(&[w("asking if"), w("asked me if")]);
        let mut s = w("my son keeps asking if mummy is going to die and i cry");
        blank_questions_of_dying(&mut s, &openings);
        assert_eq!(
            s.iter().filter(|x| !x.is_empty()).cloned().collect::<Vec<_>>(),
            w("my son keeps and i cry")
        );
        // A wish told after the opening is no death foretold: left to be judged.
        for text in [
            "she asked me if i would be better off dying",
            "asking if i want to die",
        ] {
            let mut s = w(text);
            blank_questions_of_dying(&mut s, &openings);
            assert_eq!(s, w(text), "{text}");
        }
    }

    #[test]
    fn negation_reaches_a_few_words_back_within_a_clause() {
        let s = w("i have not had a fever");
        assert!(negated(&s, 5));
        let s = w("not great but i have a fever");
        assert!(!negated(&s, 6));
        let s = w("i no longer want to live");
        assert!(!negated(&s, 3));
        let s = w("no one would miss me");
        assert!(!negated(&s, 2));
        let s = w("i can not stop digging my nails in");
        assert!(!negated(&s, 5));
        let s = w("i do not want to die");
        assert!(negated(&s, 5));
    }

    #[test]
    fn readings_below_a_fever_are_normal_and_the_line_itself_is_not() {
        for normal in ["temp 36.8", "37.4 tonight", "it was 98.6", "99.4 f"] {
            assert!(normal_reading(&w(normal)), "{normal}");
            assert!(!fever_reading(&w(normal)), "{normal}");
        }
        for not_normal in ["temp 37.5", "37.9 now", "38.1", "100.4", "37"] {
            assert!(!normal_reading(&w(not_normal)), "{not_normal}");
        }
    }

    #[test]
    fn a_recovery_is_told_by_how_things_went_not_by_a_date() {
        assert!(tells_a_recovery(&w("been fine since then")));
        assert!(tells_a_recovery(&w("all normal")));
        assert!(!tells_a_recovery(&w("brain mets found last month")));
        assert!(!tells_a_recovery(&w("she used to be so strong")));
    }

    #[test]
    fn a_sentence_that_dates_the_one_before_names_a_time_long_over() {
        for dates in [
            "That was 2017.",
            "that was march",
            "this was the 70s",
            "that was back in the 1990s",
            "that was two years ago",
            "that was last winter",
        ] {
            assert!(dates_what_came_before(&w(dates)), "{dates}");
        }
        for not in [
            "that was last night",
            "that was an hour ago",
            "that was my last chemo",
            "it was 2017",
            "that was in my 40s",
        ] {
            assert!(!dates_what_came_before(&w(not)), "{not}");
        }
        assert!(names_a_past_time(&["in", "the", "90", "s"]));
        assert!(!names_a_past_time(&["in", "my", "40", "s"]));
        assert!(names_a_past_time(&["seizure", "last", "april"]));
        assert!(!names_a_past_time(&["surgery", "in", "april"]));
    }

    /// "and" starts a new clause only before a new subject; "but" always does.
    #[test]
    fn clauses_split_where_a_new_subject_starts() {
        let split = |s: &str| {
            split_at_new_subjects(w(s))
                .into_iter()
                .map(|c| c.join(" "))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            split("fainted two years ago and the family still tease me"),
            ["fainted two years ago", "the family still tease me"]
        );
        assert_eq!(
            split("shivering and feel awful on chemo"),
            ["shivering and feel awful on chemo"]
        );
        assert_eq!(split("fine before but now 38.5"), ["fine before", "now 38 5"]);
    }

    #[test]
    fn ordered_patterns_keep_their_reach() {
        let set = |words: &[&str]| PhraseIndex::new(&words.iter().map(|x| w(x)).collect::<Vec<_>>());
        let p = Pattern {
            sets: vec![set(&["took", "taken"]), set(&["all"]), set(&["pills"])],
            within: Some(3),
            unless: PhraseIndex::default(),
            answer_too: false,
        };
        assert!(pattern_hit(&p, &w("she took all her pills")));
        assert!(!pattern_hit(
            &p,
            &w("she took her time and then all of the pills")
        ));
        assert!(!pattern_hit(&p, &w("she has not taken all her pills")));
    }

    #[test]
    fn context_reads_time_questions_and_people() {
        let g = Guard {
            idioms: vec![],
            animals: PhraseIndex::new(&[w("dog")]),
            anyone: PhraseIndex::new(&[w("someone")]),
            stories: PhraseIndex::new(&[w("on the news")]),
            learning: PhraseIndex::new(&[w("reading up")]),
            helping: PhraseIndex::new(&[w("support")]),
            things: PhraseIndex::new(&[w("laptop")]),
            safe: PhraseIndex::new(&[w("i am safe")]),
            hopes: PhraseIndex::new(&[w("want more time")]),
            returning: PhraseIndex::new(&[w("back at easter")]),
            topics: PhraseIndex::new(&[w("suicidal")]),
            for_oneself: PhraseIndex::new(&[w("asking for me")]),
            wounds_of_harm: PhraseIndex::new(&[w("still bleeding")]),
            places_of_dying: PhraseIndex::new(&[w("to die at home")]),
            plans_for_the_end: PhraseIndex::new(&[w("my funeral wishes")]),
            might_have_been: PhraseIndex::new(&[w("would not have happened")]),
            close_at_hand: PhraseIndex::new(&[w("tonight")]),
            questions_of_dying: PhraseIndex::new(&[w("asking if")]),
        };
        assert!(Context::of(&w("asking for me"), false, &g).for_oneself);
        // Plans for the end are calm planning only with no time close at hand.
        assert!(Context::of(&w("getting my funeral wishes written down"), false, &g).plans);
        assert!(Context::of(&w("sooner and this would not have happened"), false, &g).regret);
        assert!(
            !Context::of(
                &w("my funeral wishes are written and tonight is the night"),
                false,
                &g
            )
            .plans
        );
        assert!(Context::of(&w("had a fever back in march"), false, &g).over);
        assert!(!Context::of(&w("had chemo back in march and now a fever"), false, &g).over);
        // A "now" that says all is well is not the present; a "now" that reports still is.
        assert!(Context::of(&w("suicidal in 2018 and doing really well now"), false, &g).over);
        assert!(
            Context::of(
                &w("was suicidal in 2018 and i am doing really well now"),
                false,
                &g
            )
            .over
        );
        assert!(Context::of(&w("self harmed as a teenager years free of it now"), false, &g).over);
        assert!(!Context::of(&w("was suicidal in 2018 and i am again now"), false, &g).over);
        // "All better" tells a recovery; "all better off" compares.
        assert!(Context::of(&w("the fever went and she is all better"), false, &g).over);
        assert!(!Context::of(&w("they are all better off without me"), false, &g).over);
        // A person named outright, not a pronoun that may stand for the pet; the pet as the
        // subject of a clause, not the object of what a person does.
        assert!(names_a_person(&w("the cat was sick and i was coughing"), &g));
        assert!(names_a_person(&w("he keeps calling the dog by my name"), &g));
        assert!(!names_a_person(
            &w("took my dog to the vet and she is drowsy"),
            &g
        ));
        assert!(an_animal_leads(&w("the dog has been sick all day"), &g));
        assert!(!an_animal_leads(&w("he keeps calling the dog by my name"), &g));
        assert!(Context::of(&w("can chemo cause a fever"), true, &g).general_question());
        assert!(Context::of(&w("tell me about end of life care"), false, &g).question);
        assert!(!Context::of(&w("can not breathe"), false, &g).question);
        assert!(!Context::of(&w("would be lovely to not wake up"), false, &g).question);
        assert!(Context::of(&w("would chemo help"), false, &g).question);
        assert!(!Context::of(&w("did it again 10 min ago"), false, &g).question);
        assert!(!Context::of(&w("did it"), false, &g).question);
        assert!(Context::of(&w("did it spread to his lungs"), false, &g).question);
        assert!(
            Context::of(
                &w("a bruise that will not go away could it be sarcoma"),
                false,
                &g
            )
            .question
        );
        assert!(Context::of(&w("my laptop will not turn on"), false, &g).thing);
        assert!(!Context::of(&w("my phone will not stop ringing"), false, &g).thing);
        assert!(Context::of(&w("i am scared and i want more time"), false, &g).hopes);
        assert!(!Context::of(&w("i do not want more time"), false, &g).hopes);
        assert!(Context::of(&w("bye for now back at easter"), false, &g).returning);
        assert!(!Context::of(&w("i will not be back at easter"), false, &g).returning);
        assert!(Context::of(&w("how do i help someone who is suicidal"), true, &g).asks_about_anyone());
        assert!(Context::of(&w("what do i do if i get a fever"), true, &g).conditional);
    }

    #[test]
    fn a_clause_asks_when_it_opens_like_a_question_but_not_when_it_laments() {
        let g = Guard::default();
        assert!(clause_asks(&w("what treatment is there"), false, &g));
        assert!(clause_asks(&w("is this the chemo"), false, &g));
        assert!(clause_asks(&w("how long does it take"), true, &g));
        assert!(!clause_asks(&w("why me"), false, &g));
        assert!(!clause_asks(&w("why my daughter"), false, &g));
        assert!(clause_asks(&w("why"), false, &g));
        assert!(!clause_asks(&w("what if it comes back"), false, &g));
        assert!(!clause_asks(&w("does anyone else feel like this"), true, &g));
        assert!(!clause_asks(&w("anyone want to distract me"), true, &g));
        assert!(!clause_asks(&w("i am so scared"), false, &g));
    }

    #[test]
    fn a_clause_opens_a_question_only_with_a_verb_that_asks() {
        assert!(clause_opens_a_question(&w("what do those mean"), false));
        assert!(clause_opens_a_question(&w("how long does it last"), true));
        assert!(clause_opens_a_question(&w("what time is the clinic"), false));
        assert!(clause_opens_a_question(&w("is that just part of it"), false));
        assert!(!clause_opens_a_question(&w("which will not be long"), false));
        assert!(!clause_opens_a_question(
            &w("what im not fine with is being alive"),
            false
        ));
        assert!(!clause_opens_a_question(&w("whats the point"), false));
        assert!(!clause_opens_a_question(&w("why me"), false));
        assert!(!clause_opens_a_question(&w("did it again tonight"), false));
    }
}
