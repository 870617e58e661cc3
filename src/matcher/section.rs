//! Which part of an entry a question asks for. Once the entry is chosen, the question is
//! compared with the example questions written for each of its sections (and, more weakly,
//! with each section's heading and text); the closest wins. Only a question that names the
//! entry and asks for nothing more ("tell me about chemo") gets the whole entry: a member who
//! asks anything in particular is better served by the part that answers it, short enough to
//! read on a phone, than by every part at once.
//!
//! Kept apart from entry scoring on purpose: choosing the part never changes which entry
//! answers, so the held-out accuracy of entry routing is untouched by section data.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::text;
use crate::knowledge::{Entry, KnowledgeBase};

/// Words that say nothing about which part is meant. Question words ("what", "how",
/// "when") are kept: "what does it mean" and "how is it treated" differ by them.
const NEUTRAL: &[&str] = &[
    "a", "an", "the", "of", "to", "for", "in", "on", "at", "with", "and", "or", "is", "are", "be", "i", "me",
    "my", "it", "its", "this", "that", "so", "just", "please", "hi", "hey", "hello", "thanks", "um", "s",
    "t", "m", "re", "ve", "ll", "d", "sarcoma", "soft", "tissue", "cancer", "tumor", "tumour",
];
/// Whether `word` is in [`NEUTRAL`], asked of every word of every question.
fn neutral(word: &str) -> bool {
    static SET: LazyLock<HashSet<&str, Fast>> = LazyLock::new(|| NEUTRAL.iter().copied().collect());
    SET.contains(word)
}

/// Words that ask for a topic as a whole ("tell me about it", "everything about rads please"),
/// as stems.
const WHOLE: &[&str] = &[
    "tell", "about", "everyth", "know", "explain", "info", "inform", "should", "pleas", "overview", "need",
    "someon", "us", "we", "basic", "more", "all", "give",
];
/// Words that say how simply to answer, not which part: "in simple terms", "in plain english".
/// A word of `REGISTER_AFTER` counts as register only right after one of these ("long term"
/// still asks about the long term).
const REGISTER: &[&str] = &["simple", "simply", "plain", "layman", "laymans", "basic"];
const REGISTER_AFTER: &[&str] = &["terms", "term", "english", "words", "language"];
/// A section's heading counts for this much of an example question.
const HEADING: f32 = 0.8;
/// A section's text counts for this much: it names what the section covers, but in the
/// writer's words, not the members'.
const TEXT: f32 = 0.3;
/// Weight of a word the examples never use: rare, so it counts against every part alike.
const UNSEEN_IDF: f32 = 2.0;

type Word = u32;

/// The index hashes thousands of short words while it is built, and SipHash's protection
/// against chosen keys is not needed for keys that come from the knowledge files.
type Fast = rustc_hash::FxBuildHasher;

/// A bag of distinct words, sorted, with its length under the word weights.
struct Bag {
    words: Vec<Word>,
    norm: f32,
}

struct Part {
    examples: Vec<Bag>,
    heading: Bag,
    text: HashSet<Word, Fast>,
}

struct EntryParts {
    /// Words of the entry's own names: they say which entry, not which part.
    naming: HashSet<String, Fast>,
    parts: Vec<Part>,
    /// For each word, the examples that hold it, as (part, example). A question has a few
    /// words and an entry hundreds of examples: its overlap with each is summed over the
    /// question's words, rather than found by walking every example.
    postings: HashMap<Word, Vec<(usize, usize)>, Fast>,
}

/// The section index of a knowledge base.
pub(crate) struct Sections {
    vocabulary: HashMap<String, Word, Fast>,
    idf: Vec<f32>,
    entries: Vec<EntryParts>,
}

/// The stems of a text's words, read the way the matcher reads a message.
fn stems(text_in: &str) -> Vec<String> {
    let mut words = text::words(text_in);
    for w in &mut words {
        let stem = text::stem(w);
        if w.starts_with(stem.as_ref()) {
            let n = stem.len();
            w.truncate(n);
        } else {
            *w = stem.into_owned();
        }
    }
    words
}

/// The vocabulary words of a section's text. The text is the writer's prose, read only for
/// words the examples use, so a plain split is enough and keeps the index quick to build.
fn text_words(text_in: &str, vocabulary: &HashMap<String, Word, Fast>) -> HashSet<Word, Fast> {
    let mut out = HashSet::default();
    let mut lower = String::new();
    for raw in text_in
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        lower.clear();
        if raw.is_ascii() {
            lower.push_str(raw);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(raw.chars().flat_map(char::to_lowercase));
        }
        if let Some(&id) = vocabulary.get(text::stem(&lower).as_ref()) {
            out.insert(id);
        }
    }
    out
}

/// Cosine similarity of two bags from their dot product under the word weights. A bag of
/// length 0 holds no word, so its dot product with any bag is 0 too.
fn cosine(dot: f32, a: &Bag, b: &Bag) -> f32 {
    if a.norm == 0.0 || b.norm == 0.0 {
        return 0.0;
    }
    dot / (a.norm * b.norm)
}

/// An entry's texts as stems, computed once for counting and for indexing.
struct Stemmed<'a> {
    naming: HashSet<String, Fast>,
    whole: Vec<Vec<String>>,
    parts: Vec<StemmedPart<'a>>,
}

struct StemmedPart<'a> {
    heading: Vec<String>,
    examples: Vec<Vec<String>>,
    /// As written: read with a plain split, see [`text_words`].
    text: &'a str,
}

impl<'a> Stemmed<'a> {
    fn new(e: &'a Entry) -> Stemmed<'a> {
        let mut stemmed = Stemmed {
            naming: HashSet::default(),
            whole: e.examples.iter().map(|q| stems(q)).collect(),
            parts: e
                .sections
                .iter()
                .map(|s| StemmedPart {
                    heading: stems(&s.heading),
                    examples: s.examples.iter().map(|q| stems(q)).collect(),
                    text: s.text.as_str(),
                })
                .collect(),
        };
        // A name used by the examples or heading of exactly one section, and by no
        // whole-entry example, points to that section ("amputate" to limb-sparing surgery);
        // the rest only name the entry.
        let whole: HashSet<&str> = stemmed.whole.iter().flatten().map(String::as_str).collect();
        let parts: Vec<HashSet<&str>> = stemmed
            .parts
            .iter()
            .map(|p| {
                p.heading
                    .iter()
                    .chain(p.examples.iter().flatten())
                    .map(String::as_str)
                    .collect()
            })
            .collect();
        let naming = std::iter::once(&e.title)
            .chain(&e.aliases)
            .flat_map(|n| stems(n))
            .filter(|w| {
                whole.contains(w.as_str()) || parts.iter().filter(|p| p.contains(w.as_str())).count() != 1
            })
            .collect();
        drop((whole, parts));
        stemmed.naming = naming;
        stemmed
    }

    /// The example questions and headings: the documents word weights are counted over.
    fn documents(&self) -> impl Iterator<Item = &Vec<String>> {
        self.whole.iter().chain(
            self.parts
                .iter()
                .flat_map(|p| std::iter::once(&p.heading).chain(&p.examples)),
        )
    }
}

impl Sections {
    pub(crate) fn new(kb: &KnowledgeBase) -> Sections {
        let mut stemmed: Vec<Stemmed> = kb.entries().iter().map(Stemmed::new).collect();
        // The labelled questions of `questions.tsv` are more examples of their sections.
        // Those labelled with a whole entry are left to the router: as whole-entry examples
        // they outweighed sections' own examples ("what is a pathologist" came to land on the
        // whole pathology report entry).
        for q in kb.questions() {
            let Some(section) = q.section.as_deref() else {
                continue;
            };
            let Some(i) = kb.entries().iter().position(|e| e.id == q.entry) else {
                continue;
            };
            if let Some(j) = kb.entries()[i].sections.iter().position(|s| s.id == section) {
                stemmed[i].parts[j].examples.push(stems(&q.text));
            }
        }
        let mut s = Sections {
            vocabulary: HashMap::default(),
            idf: Vec::new(),
            entries: Vec::new(),
        };
        // Document frequencies over every example question and heading.
        let mut df: Vec<u32> = Vec::new();
        let mut documents = 0u32;
        let mut seen = HashSet::new();
        for words in stemmed.iter().flat_map(Stemmed::documents) {
            documents += 1;
            seen.clear();
            for w in words {
                let id = s.intern(w);
                if seen.insert(id) {
                    if df.len() <= id as usize {
                        df.resize(id as usize + 1, 0);
                    }
                    df[id as usize] += 1;
                }
            }
        }
        df.resize(s.vocabulary.len(), 0);
        s.idf = df
            .iter()
            .map(|&d| (1.0 + documents as f32 / d.max(1) as f32).ln())
            .collect();
        s.entries = stemmed.iter().map(|e| s.entry_parts(e)).collect();
        s
    }

    fn intern(&mut self, stem: &str) -> Word {
        let next = self.vocabulary.len() as Word;
        if let Some(&id) = self.vocabulary.get(stem) {
            return id;
        }
        self.vocabulary.insert(stem.to_owned(), next);
        next
    }

    fn entry_parts(&self, e: &Stemmed<'_>) -> EntryParts {
        let bag = |words: &[String]| self.bag(words.iter().map(String::as_str), &e.naming);
        let parts: Vec<Part> = e
            .parts
            .iter()
            .map(|p| Part {
                examples: p.examples.iter().map(|q| bag(q)).collect(),
                heading: bag(&p.heading),
                text: text_words(p.text, &self.vocabulary),
            })
            .collect();
        let mut postings: HashMap<Word, Vec<(usize, usize)>, Fast> = HashMap::default();
        for (i, part) in parts.iter().enumerate() {
            for (j, example) in part.examples.iter().enumerate() {
                for &w in &example.words {
                    postings.entry(w).or_default().push((i, j));
                }
            }
        }
        EntryParts {
            parts,
            naming: e.naming.clone(),
            postings,
        }
    }

    /// The distinct known words of `stems` that may tell parts apart, and the bag's length
    /// (unknown words count toward the length only).
    fn bag<'a>(&self, stems: impl Iterator<Item = &'a str>, naming: &HashSet<String, Fast>) -> Bag {
        let mut words = Vec::new();
        let mut norm = 0.0;
        let mut seen: HashSet<&str, Fast> = HashSet::default();
        for w in stems {
            if w.is_empty() || neutral(w) || naming.contains(w) || !seen.insert(w) {
                continue;
            }
            match self.vocabulary.get(w) {
                Some(&id) => {
                    let idf = self.idf[id as usize];
                    norm += idf * idf;
                    words.push(id);
                }
                None => norm += UNSEEN_IDF * UNSEEN_IDF,
            }
        }
        words.sort_unstable();
        Bag {
            words,
            norm: norm.sqrt(),
        }
    }

    /// Cosine similarity of two bags under the word weights.
    fn similarity(&self, a: &Bag, b: &Bag) -> f32 {
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < a.words.len() && j < b.words.len() {
            match a.words[i].cmp(&b.words[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let idf = self.idf[a.words[i] as usize];
                    dot += idf * idf;
                    i += 1;
                    j += 1;
                }
            }
        }
        cosine(dot, a, b)
    }

    /// The share of the question's weight that a section's text holds.
    fn coverage(&self, q: &Bag, text_words: &HashSet<Word, Fast>) -> f32 {
        if q.norm == 0.0 {
            return 0.0;
        }
        let held: f32 = q
            .words
            .iter()
            .filter(|w| text_words.contains(w))
            .map(|&w| self.idf[w as usize].powi(2))
            .sum();
        held / (q.norm * q.norm)
    }

    /// Whether `words`, one sentence, asks only what the entry is: "what is MPNST", "what's
    /// ifosfamide", "what does leiomyosarcoma mean". Told beside it, the member's own story
    /// ("my cousin with NF1 has just been told she has one") is why they ask, not what.
    pub(crate) fn asks_what_it_is(&self, entry: usize, words: &[String]) -> bool {
        let Some(e) = self.entries.get(entry) else {
            return false;
        };
        let words: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .skip_while(|w| matches!(*w, "so" | "ok" | "okay" | "hi" | "um" | "sorry" | "but"))
            .collect();
        let rest = match words.as_slice() {
            ["what", "is" | "are" | "s", rest @ ..] | ["whats", rest @ ..] => rest,
            ["what", "does" | "do", rest @ .., "mean"] => rest,
            _ => return false,
        };
        let rest = match rest {
            ["a" | "an" | "the", rest @ ..] => rest,
            _ => rest,
        };
        (1..=4).contains(&rest.len()) && rest.iter().all(|w| e.naming.contains(text::stem(w).as_ref()))
    }

    /// The index of the section of entry `entry` that `words` (a normalised, corrected
    /// message) asks for, or `None` when it asks for the whole entry or for nothing any part
    /// holds.
    pub(crate) fn pick(&self, entry: usize, words: &[String]) -> Option<usize> {
        let e = self.entries.get(entry)?;
        let stems: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let after_register = i > 0 && REGISTER.contains(&words[i - 1].as_str());
                if REGISTER.contains(&w.as_str()) || (after_register && REGISTER_AFTER.contains(&w.as_str()))
                {
                    String::new()
                } else {
                    text::stem(w).into_owned()
                }
            })
            .collect();
        let whole = stems.iter().all(|w| {
            let w = w.as_str();
            w.is_empty() || neutral(w) || WHOLE.contains(&w) || e.naming.contains(w)
        });
        let q = self.bag(stems.iter().map(String::as_str), &e.naming);
        if whole || q.words.is_empty() {
            return None;
        }
        // Each example's dot product with the question, adding the question's words in the
        // order `similarity` meets them, so the sums are the same to the last bit.
        let mut dots: Vec<Vec<f32>> = e.parts.iter().map(|p| vec![0.0; p.examples.len()]).collect();
        for w in &q.words {
            let idf = self.idf[*w as usize];
            for &(i, j) in e.postings.get(w).into_iter().flatten() {
                dots[i][j] += idf * idf;
            }
        }
        let best_of = |bags: &[Bag], dots: &[f32]| {
            bags.iter()
                .zip(dots)
                .map(|(b, dot)| cosine(*dot, &q, b))
                .fold(0.0f32, f32::max)
        };
        let (index, score) = e
            .parts
            .iter()
            .zip(&dots)
            .enumerate()
            .map(|(i, (p, dots))| {
                let score = best_of(&p.examples, dots)
                    .max(HEADING * self.similarity(&q, &p.heading))
                    .max(TEXT * self.coverage(&q, &p.text));
                (i, score)
            })
            .fold((0, 0.0f32), |best, x| if x.1 > best.1 { x } else { best });
        (score > 0.0).then_some(index)
    }
}

/// Whether `words`, one sentence, asks what something the message named is, by a word that
/// points back at it: "my husband has been offered eribulin. what is it", "what's that
/// exactly". "What does that mean" after a phrase from a report asks about the phrase, not the
/// entry, so only "what is" counts.
pub(crate) fn asks_what_that_is(words: &[String]) -> bool {
    let words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| {
            !matches!(
                *w,
                "so" | "ok" | "um" | "exactly" | "actually" | "even" | "then" | "please" | "pls"
            )
        })
        .collect();
    matches!(
        words.as_slice(),
        [
            "what",
            "is" | "s" | "are",
            "it" | "that" | "this" | "they" | "those" | "these"
        ] | ["whats", "it" | "that" | "this"]
    )
}
