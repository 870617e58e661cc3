//! Which entry a question is about, learnt from the questions written for each entry and
//! section: their `examples` and `knowledge/questions.tsv`.
//!
//! The vocabulary (titles, aliases, keywords) finds what a member names; members as often
//! name nothing the vocabulary holds ("how do you pace yourselves?", "can I still cuddle my
//! grandkids on chemo?"). A classifier over the words of many labelled questions hears the
//! topic in such everyday words. Its classes are entries: with a class per section it named
//! the right entry less often. A second classifier, over sections only, then tells the parts
//! of the chosen entry apart ("do eyebrows grow back too" is hair loss's regrowth, not which
//! treatments cause it), where the section index's word overlap with the examples confuses
//! neighbouring parts.

use std::sync::Arc;

use super::text;
use crate::classifier::{Model, Settings};
use crate::knowledge::KnowledgeBase;

/// Words and word pairs only: the matcher has already corrected typos into the
/// vocabulary's words, and without character n-grams training stays a fraction of a second.
/// The section model uses the same: its weights are buckets × its hundreds of classes, and
/// at 2^17 buckets it held 140 MB (and twice that while training) to answer as well as at
/// 2^15 (4,513 member questions: 4,130 right at 2^17, 4,132 at 2^15, 4,131 at 2^14).
const SETTINGS: Settings = Settings {
    bucket_bits: 15,
    epochs: 8,
    learning_rate: 0.4,
    l2: 1e-5,
    chars: false,
    skip_below: 1e-3,
};

pub(crate) struct Router {
    model: Arc<Model>,
    sections: Arc<Model>,
    /// Per entry, its sections' classes in the section model, in the entry's order.
    classes_of: Vec<std::ops::Range<usize>>,
}

impl Router {
    pub(crate) fn new(kb: &KnowledgeBase) -> Router {
        let entries = kb.entries();
        // The entry model learns every question; the section model those labelled with a
        // section. Each question is stemmed once for both.
        let mut examples: Vec<(Vec<String>, usize)> = Vec::new();
        let mut by_section: Vec<(Vec<String>, usize)> = Vec::new();
        let mut classes_of = Vec::with_capacity(entries.len());
        let mut classes = 0;
        for (i, entry) in entries.iter().enumerate() {
            examples.extend(entry.examples().iter().map(|q| (stems(q), i)));
            for (j, section) in entry.sections.iter().enumerate() {
                for q in section.examples() {
                    let words = stems(q);
                    by_section.push((words.clone(), classes + j));
                    examples.push((words, i));
                }
            }
            classes_of.push(classes..classes + entry.sections.len());
            classes += entry.sections.len();
        }
        // Labels were checked when the file was loaded: every one names an entry.
        for q in kb.questions() {
            let Some(i) = entries.iter().position(|e| e.id == q.entry) else {
                continue;
            };
            let words = stems(&q.text);
            let section = q
                .section
                .as_deref()
                .and_then(|id| entries[i].sections.iter().position(|s| s.id == id));
            if let Some(j) = section {
                by_section.push((words.clone(), classes_of[i].start + j));
            }
            examples.push((words, i));
        }
        Router {
            model: Model::trained(&examples, entries.len(), SETTINGS),
            sections: Model::trained(&by_section, classes, SETTINGS),
            classes_of,
        }
    }

    /// The section of `entry` the message is likeliest about, with its share of the
    /// probability the section model gives that entry's sections (a softmax over their
    /// classes alone, which is that share, without scoring the other entries' sections).
    pub(crate) fn section(&self, entry: usize, words: &[String]) -> Option<(usize, f32)> {
        let classes = self.classes_of.get(entry)?.clone();
        let p = self.sections.predict_among(&stemmed(words), classes);
        p.iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Per entry, the probability that a normalised, corrected message is about it.
    pub(crate) fn hear(&self, words: &[String]) -> Vec<f32> {
        self.model.predict(&stemmed(words))
    }
}

fn stems(question: &str) -> Vec<String> {
    stemmed(&text::words(question))
}

/// The stems the model reads, for training questions and members' messages alike.
fn stemmed(words: &[String]) -> Vec<String> {
    words
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| text::stem(w).into_owned())
        .collect()
}
