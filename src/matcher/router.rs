//! Which entry a question is about, learnt from the questions written for each entry and
//! section: their `examples` and `knowledge/questions.tsv`.
//!
//! The vocabulary (titles, aliases, keywords) finds what a member names; members as often
//! name nothing the vocabulary holds ("how do you pace yourselves?", "can I still cuddle my
//! grandkids on chemo?"). A classifier over the words of many labelled questions hears the
//! topic in such everyday words. Its classes are entries, not sections: a class per section
//! made training five times slower, and the section index already picks the part well once
//! it has the same questions.

use std::sync::Arc;

use super::text;
use crate::classifier::{Model, Settings};
use crate::knowledge::KnowledgeBase;

/// Words and word pairs only: the matcher has already corrected typos into the
/// vocabulary's words, and without character n-grams training stays a fraction of a second.
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
}

impl Router {
    pub(crate) fn new(kb: &KnowledgeBase) -> Router {
        let entries = kb.entries();
        let mut examples: Vec<(Vec<String>, usize)> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let own = entry
                .examples()
                .iter()
                .chain(entry.sections.iter().flat_map(|s| s.examples()));
            examples.extend(own.map(|q| (stems(q), i)));
        }
        // Labels were checked when the file was loaded: every one names an entry.
        for q in kb.questions() {
            if let Some(i) = entries.iter().position(|e| e.id == q.entry) {
                examples.push((stems(&q.text), i));
            }
        }
        Router {
            model: Model::trained(&examples, entries.len(), SETTINGS),
        }
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
