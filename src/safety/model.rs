//! Safety's own classifier: four outcomes learnt from `knowledge/safety/examples.tsv`, with
//! character n-grams (a typo in "overdosed" must not hide it) and buckets enough that
//! collisions cost well under a point of accuracy on a few thousand examples.

use std::sync::Arc;

use super::Level;
use crate::classifier::{self, Settings};

/// Crisis, emergency, distress, ordinary.
pub(crate) const CLASSES: usize = 4;
const SETTINGS: Settings = Settings {
    bucket_bits: 17,
    epochs: 24,
    learning_rate: 0.4,
    l2: 1e-5,
    chars: true,
    skip_below: 0.0,
};

/// The model's answer for one stretch of text: a probability per class.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scores(pub(crate) [f32; CLASSES]);

impl Scores {
    /// No opinion: what a stretch of text the model does not read gets.
    pub(crate) const NONE: Scores = Scores([0.0; CLASSES]);

    pub(crate) fn of(&self, level: Level) -> f32 {
        self.0[level.index()]
    }
}

pub(crate) struct Model(Arc<classifier::Model>);

impl Model {
    /// Trains on `(words, class)` pairs, deterministically (or reuses the model equal pairs
    /// trained).
    pub(crate) fn train(examples: &[(Vec<String>, usize)]) -> Model {
        Model(classifier::Model::trained(examples, CLASSES, SETTINGS))
    }

    pub(crate) fn predict(&self, words: &[String]) -> Scores {
        let mut out = [0.0; CLASSES];
        out.copy_from_slice(&self.0.predict(words));
        Scores(out)
    }
}
