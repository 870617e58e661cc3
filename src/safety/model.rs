//! A small linear classifier over word and character n-grams, trained when the knowledge is
//! loaded from the labelled examples in `knowledge/safety/examples.tsv`.
//!
//! Word lists catch the phrasings someone thought of; members find others ("i just want to
//! sleep and not deal with any of it", "everyone would manage fine without me"). A model over
//! many short features generalises from examples to the same ideas in other words, and its
//! character n-grams forgive the typos that a phrase list misses. It stays small on purpose:
//! multinomial logistic regression, hashed features, a fixed training order, so the same
//! examples always give the same weights and a moderator's new example takes effect at the
//! next reload with no separate training step.

use super::Level;

/// Feature buckets. Collisions at this size cost well under a point of accuracy on a few
/// thousand examples, and the weights stay at 2 MiB.
const BUCKETS: usize = 1 << 17;
/// Crisis, emergency, distress, ordinary.
pub(crate) const CLASSES: usize = 4;
const EPOCHS: usize = 24;
const LEARNING_RATE: f32 = 0.4;
/// Keeps rare features from carrying a whole decision on their own.
const L2: f32 = 1e-5;

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

pub(crate) struct Model {
    weights: Vec<[f32; CLASSES]>,
    bias: [f32; CLASSES],
}

impl Model {
    /// Trains on `(words, class)` pairs. The order of the examples is the only input besides
    /// their content: training is deterministic.
    pub(crate) fn train(examples: &[(Vec<String>, usize)]) -> Model {
        let mut model = Model {
            weights: vec![[0.0; CLASSES]; BUCKETS],
            bias: [0.0; CLASSES],
        };
        if examples.is_empty() {
            return model;
        }
        let data: Vec<(Vec<u32>, usize)> = examples
            .iter()
            .filter(|(_, class)| *class < CLASSES)
            .map(|(words, class)| (features(words), *class))
            .collect();
        // Classes are not equally common in the examples; weigh each so that all count alike.
        let mut counts = [0usize; CLASSES];
        for (_, c) in &data {
            counts[*c] += 1;
        }
        let class_weight: Vec<f32> = counts
            .iter()
            .map(|&n| {
                if n == 0 {
                    0.0
                } else {
                    data.len() as f32 / (CLASSES as f32 * n as f32)
                }
            })
            .collect();
        // AdaGrad: each weight's step shrinks with the gradients it has seen, so frequent
        // features settle and rare ones still learn.
        let mut grad_sq = vec![[1e-8f32; CLASSES]; BUCKETS];
        let mut bias_sq = [1e-8f32; CLASSES];
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..EPOCHS {
            shuffle(&mut order, &mut seed);
            for &i in &order {
                let (feats, class) = &data[i];
                let scale = norm(feats.len());
                let p = model.probabilities(feats);
                for c in 0..CLASSES {
                    let target = if c == *class { 1.0 } else { 0.0 };
                    let g = (p[c] - target) * class_weight[*class];
                    bias_sq[c] += g * g;
                    model.bias[c] -= LEARNING_RATE * g / bias_sq[c].sqrt();
                    for &f in feats {
                        let f = f as usize;
                        let gw = g * scale + L2 * model.weights[f][c];
                        grad_sq[f][c] += gw * gw;
                        model.weights[f][c] -= LEARNING_RATE * gw / grad_sq[f][c].sqrt();
                    }
                }
            }
        }
        model
    }

    pub(crate) fn predict(&self, words: &[String]) -> Scores {
        Scores(self.probabilities(&features(words)))
    }

    fn probabilities(&self, feats: &[u32]) -> [f32; CLASSES] {
        let scale = norm(feats.len());
        let mut z = self.bias;
        for &f in feats {
            let w = &self.weights[f as usize];
            for c in 0..CLASSES {
                z[c] += w[c] * scale;
            }
        }
        let max = z.iter().copied().fold(f32::MIN, f32::max);
        let mut sum = 0.0;
        for v in &mut z {
            *v = (*v - max).exp();
            sum += *v;
        }
        z.map(|v| v / sum)
    }
}

/// Longer texts have more features; dividing by the square root keeps one strong phrase in a
/// long sentence from being drowned out entirely.
fn norm(n: usize) -> f32 {
    1.0 / (n.max(1) as f32).sqrt()
}

/// Word unigrams and bigrams, and character 3- and 4-grams inside each word with its edges
/// marked, each hashed to a bucket. Each kind is hashed with its own tag so "no" the word and
/// "no" the letters never share a weight.
pub(crate) fn features(words: &[String]) -> Vec<u32> {
    let mut out = Vec::with_capacity(words.len() * 10);
    let mut prev: Option<&str> = None;
    for w in words {
        out.push(bucket(&[b"w", w.as_bytes()]));
        out.push(bucket(&[
            b"b",
            prev.unwrap_or("^").as_bytes(),
            b" ",
            w.as_bytes(),
        ]));
        prev = Some(w);
        if w.len() > 3 {
            let padded: Vec<u8> = [b"<", w.as_bytes(), b">"].concat();
            for n in [3usize, 4] {
                for gram in padded.windows(n) {
                    out.push(bucket(&[b"c", gram]));
                }
            }
        }
    }
    if let Some(last) = prev {
        out.push(bucket(&[b"b", last.as_bytes(), b" $"]));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// FNV-1a over the parts, folded into the bucket range.
fn bucket(parts: &[&[u8]]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % BUCKETS as u64) as u32
}

/// Fisher–Yates with xorshift: a fixed seed, so training is reproducible.
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let j = (*seed % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn learns_to_tell_classes_apart_and_generalises_to_a_typo() {
        let examples: Vec<(Vec<String>, usize)> = [
            ("i want to die", 0),
            ("i do not want to live", 0),
            ("thinking about ending my life", 0),
            ("i have a fever on chemo", 1),
            ("my temperature is high after chemo", 1),
            ("fever and chills after treatment", 1),
            ("i am so scared", 2),
            ("i feel so alone", 2),
            ("i can not stop crying", 2),
            ("what is radiation", 3),
            ("how is surgery done", 3),
            ("what does stage 2 mean", 3),
        ]
        .iter()
        .map(|(t, c)| (w(t), *c))
        .collect();
        let model = Model::train(&examples);
        let best = |s: &str| {
            let p = model.predict(&w(s)).0;
            (0..CLASSES).max_by(|a, b| p[*a].total_cmp(&p[*b])).unwrap()
        };
        assert_eq!(best("i want to dye"), 0);
        assert_eq!(best("fever after my chemo"), 1);
        assert_eq!(best("so scared and alone"), 2);
        assert_eq!(best("what is surgery"), 3);
    }

    #[test]
    fn training_is_deterministic() {
        let examples = vec![(w("i want to die"), 0), (w("what is chemo"), 3)];
        let a = Model::train(&examples).predict(&w("die chemo")).0;
        let b = Model::train(&examples).predict(&w("die chemo")).0;
        assert_eq!(a, b);
    }

    #[test]
    fn an_untrained_model_is_undecided() {
        let p = Model::train(&[]).predict(&w("anything")).0;
        assert!(p.iter().all(|v| (v - 0.25).abs() < 1e-6), "{p:?}");
    }
}
