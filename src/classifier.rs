//! A small linear classifier over hashed word and character n-grams, trained when the
//! knowledge is loaded from labelled examples kept in `knowledge/`.
//!
//! Word lists catch the phrasings someone thought of; members find others. A model over many
//! short features generalises from examples to the same ideas in other words, and character
//! n-grams forgive the typos that a phrase list misses. It stays small on purpose:
//! multinomial logistic regression, hashed features, a fixed training order, so the same
//! examples always give the same weights and a moderator's new example takes effect at the
//! next reload with no separate training step. Safety and question routing each train their
//! own model with their own [`Settings`].
//!
//! Training is most of what loading the knowledge costs, and most reloads change no example
//! (a moderator mends an entry's wording). [`Model::trained`] keeps the last few models with
//! hashes of the examples they learnt from, so such a reload, or a second answerer over the
//! same knowledge, reuses a model that training again would only rebuild weight for weight.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

/// How a model is sized and trained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Settings {
    /// Feature buckets, as a power of two (a bucket is then the hash's low bits, with no
    /// division for every feature read): more means fewer collisions and more memory
    /// (buckets × classes).
    pub(crate) bucket_bits: u32,
    pub(crate) epochs: usize,
    pub(crate) learning_rate: f32,
    /// Keeps rare features from carrying a whole decision on their own.
    pub(crate) l2: f32,
    /// Whether character 3- and 4-grams are features besides words and word pairs.
    pub(crate) chars: bool,
    /// A class whose gradient for an example is smaller than this leaves its weights alone
    /// for that example. With many classes most are already near zero for any one example,
    /// and skipping them makes training several times faster; zero updates every class.
    pub(crate) skip_below: f32,
}

impl Settings {
    fn buckets(&self) -> usize {
        1 << self.bucket_bits
    }
}

pub(crate) struct Model {
    settings: Settings,
    classes: usize,
    /// Bucket-major: the weights of bucket `f` are `weights[f * classes..][..classes]`, each
    /// a step of `steps[f]`. Kept in one byte each: the weights are most of what the process
    /// holds (45 MB as `f32`), and a bucket's own step keeps each weight within half a step of
    /// what training gave, far below what moves a decision.
    weights: Vec<i8>,
    steps: Vec<f32>,
    bias: Vec<f32>,
}

/// Models kept for reuse: enough for every model one knowledge version trains (the router's
/// entries and sections, safety's two passes over sentences and its message model) with room
/// for one more.
const KEPT: usize = 6;

/// A model being trained or trained, with what it is trained from: equal inputs train equal
/// models. Callers with the same input wait for one training instead of each running their own.
/// The examples are known by two independent 64-bit hashes rather than kept: a copy of every
/// training example held about 35 MB for as long as the process ran, and two hashes agreeing
/// on different inputs is far less likely than a fault in the memory that held the copy.
struct Kept {
    hash: (u64, u64),
    classes: usize,
    settings: Settings,
    model: OnceLock<Arc<Model>>,
}

/// The models kept by [`Model::trained`], for the whole process.
static MODELS: Memo = Memo(Mutex::new(VecDeque::new()));

/// The last [`KEPT`] models trained, newest last.
struct Memo(Mutex<VecDeque<Arc<Kept>>>);

impl Memo {
    /// The model [`Model::train`] gives for these inputs: the one kept from an earlier
    /// training with equal inputs, or a new one, then kept.
    fn model(&self, examples: &[(Vec<String>, usize)], classes: usize, settings: Settings) -> Arc<Model> {
        let hash = (
            hash_of(examples, classes, rustc_hash::FxHasher::default()),
            hash_of(examples, classes, std::hash::DefaultHasher::new()),
        );
        let kept = {
            // The list is only ever left whole, so a panic elsewhere cannot have spoilt it.
            let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let same = |k: &Arc<Kept>| k.hash == hash && k.classes == classes && k.settings == settings;
            let found = list.iter().position(same).and_then(|at| list.remove(at));
            let kept = found.unwrap_or_else(|| {
                Arc::new(Kept {
                    hash,
                    classes,
                    settings,
                    model: OnceLock::new(),
                })
            });
            if list.len() == KEPT {
                list.pop_front();
            }
            list.push_back(Arc::clone(&kept));
            kept
        };
        // Trained outside the list's lock: the router and safety train side by side.
        Arc::clone(
            kept.model
                .get_or_init(|| Arc::new(Model::train(examples, classes, settings))),
        )
    }
}

fn hash_of(examples: &[(Vec<String>, usize)], classes: usize, mut hasher: impl Hasher) -> u64 {
    examples.hash(&mut hasher);
    classes.hash(&mut hasher);
    hasher.finish()
}

impl Model {
    /// A model trained on `(words, class)` pairs, shared with every earlier caller that gave
    /// equal pairs while it was kept: see the module's docs.
    pub(crate) fn trained(
        examples: &[(Vec<String>, usize)],
        classes: usize,
        settings: Settings,
    ) -> Arc<Model> {
        MODELS.model(examples, classes, settings)
    }

    /// Trains on `(words, class)` pairs; a class at or past `classes` is skipped. The order of
    /// the examples is the only input besides their content: training is deterministic.
    fn train(examples: &[(Vec<String>, usize)], classes: usize, settings: Settings) -> Model {
        let mut model = Model {
            settings,
            classes,
            weights: vec![0; settings.buckets() * classes],
            steps: vec![0.0; settings.buckets()],
            bias: vec![0.0; classes],
        };
        if examples.is_empty() || classes == 0 {
            return model;
        }
        let data: Vec<(Vec<u32>, usize)> = examples
            .iter()
            .filter(|(_, class)| *class < classes)
            .map(|(words, class)| (model.features(words), *class))
            .collect();
        // Classes are not equally common in the examples; weigh each so that all count alike.
        let mut counts = vec![0usize; classes];
        for (_, c) in &data {
            counts[*c] += 1;
        }
        let class_weight: Vec<f32> = counts
            .iter()
            .map(|&n| {
                if n == 0 {
                    0.0
                } else {
                    data.len() as f32 / (classes as f32 * n as f32)
                }
            })
            .collect();
        // AdaGrad: each weight's step shrinks with the gradients it has seen, so frequent
        // features settle and rare ones still learn. A bucket's weights and their squared
        // gradients sit side by side (`classes` of each), so an example's reads and writes of
        // a bucket touch one stretch of memory: with buckets spread across megabytes, cache
        // misses are most of what training costs.
        let mut state = vec![0.0f32; settings.buckets() * 2 * classes];
        for bucket in state.chunks_exact_mut(2 * classes) {
            bucket[classes..].fill(1e-8);
        }
        let mut bias_sq = vec![1e-8f32; classes];
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let rate = settings.learning_rate;
        let mut p = vec![0.0; classes];
        let mut g = vec![0.0; classes];
        let mut active = Vec::with_capacity(classes);
        for _ in 0..settings.epochs {
            shuffle(&mut order, &mut seed);
            for &i in &order {
                let (feats, class) = &data[i];
                let scale = norm(feats.len());
                probabilities_into(
                    &model.bias,
                    feats,
                    |f| (&state[f * 2 * classes..][..classes], 1.0),
                    &mut p,
                );
                active.clear();
                for c in 0..classes {
                    let target = if c == *class { 1.0 } else { 0.0 };
                    g[c] = (p[c] - target) * class_weight[*class];
                    bias_sq[c] += g[c] * g[c];
                    model.bias[c] -= rate * g[c] / bias_sq[c].sqrt();
                    if g[c].abs() >= settings.skip_below {
                        active.push(c);
                    }
                }
                // Each weight is updated once per example from the same gradient, so walking
                // the weights bucket by bucket (contiguous in memory) changes no result.
                let step = |w: &mut f32, sq: &mut f32, g: f32| {
                    let gw = g * scale + settings.l2 * *w;
                    *sq += gw * gw;
                    *w -= rate * gw / sq.sqrt();
                };
                for &f in feats {
                    let (weights, sq) =
                        state[f as usize * 2 * classes..][..2 * classes].split_at_mut(classes);
                    if active.len() == classes {
                        for ((w, s), &gc) in weights.iter_mut().zip(sq.iter_mut()).zip(&g) {
                            step(w, s, gc);
                        }
                    } else {
                        for &c in &active {
                            step(&mut weights[c], &mut sq[c], g[c]);
                        }
                    }
                }
            }
        }
        for ((weights, step), bucket) in model
            .weights
            .chunks_exact_mut(classes)
            .zip(&mut model.steps)
            .zip(state.chunks_exact(2 * classes))
        {
            *step = quantize(&bucket[..classes], weights);
        }
        model
    }

    /// A probability per class for a text given as its words.
    pub(crate) fn predict(&self, words: &[String]) -> Vec<f32> {
        self.predict_among(words, 0..self.classes)
    }

    /// The probabilities of a few classes only, as if there were no others: each one's share
    /// of what the full prediction gives them together, for a fraction of the work.
    pub(crate) fn predict_among(&self, words: &[String], classes: std::ops::Range<usize>) -> Vec<f32> {
        let n = self.classes;
        let classes = classes.start.min(n)..classes.end.min(n);
        let mut p = vec![0.0; classes.len()];
        if p.is_empty() {
            return p;
        }
        let bias = &self.bias[classes.clone()];
        let row = |f: usize| (&self.weights[f * n..][classes.clone()], self.steps[f]);
        probabilities_into(bias, &self.features(words), row, &mut p);
        p
    }

    /// Word unigrams and bigrams, and (if the settings say so) character 3- and 4-grams inside
    /// each word with its edges marked, each hashed to a bucket. Each kind is hashed with its
    /// own tag so "no" the word and "no" the letters never share a weight.
    fn features(&self, words: &[String]) -> Vec<u32> {
        let mask = self.settings.buckets() as u64 - 1;
        let bucket = |parts: &[&[u8]]| (fnv(parts) & mask) as u32;
        let mut out = Vec::with_capacity(words.len() * 10);
        let mut prev: Option<&str> = None;
        let mut padded: Vec<u8> = Vec::new();
        for w in words {
            out.push(bucket(&[b"w", w.as_bytes()]));
            out.push(bucket(&[
                b"b",
                prev.unwrap_or("^").as_bytes(),
                b" ",
                w.as_bytes(),
            ]));
            prev = Some(w);
            if self.settings.chars && w.len() > 3 {
                padded.clear();
                padded.push(b'<');
                padded.extend_from_slice(w.as_bytes());
                padded.push(b'>');
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
}

/// Softmax over the bias plus the weights of each feature's bucket, which `weights` gives for
/// a bucket with the step its weights are counted in: training reads them from its working
/// layout (in `f32`, a step of 1), prediction from the model's (in bytes, the bucket's step).
fn probabilities_into<'a, W: Copy + Into<f32> + 'a>(
    bias: &[f32],
    feats: &[u32],
    weights: impl Fn(usize) -> (&'a [W], f32),
    z: &mut [f32],
) {
    let scale = norm(feats.len());
    z.copy_from_slice(bias);
    for &f in feats {
        let (row, step) = weights(f as usize);
        let step = step * scale;
        for (zc, &w) in z.iter_mut().zip(row) {
            *zc += w.into() * step;
        }
    }
    softmax(z);
}

/// A bucket's weights in one byte each, as whole steps of the bucket's largest weight / 127;
/// returns the step.
fn quantize(weights: &[f32], into: &mut [i8]) -> f32 {
    let largest = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
    if largest == 0.0 {
        into.fill(0);
        return 0.0;
    }
    let step = largest / f32::from(i8::MAX);
    for (q, w) in into.iter_mut().zip(weights) {
        // Within -127..=127 by the choice of step.
        *q = (w / step).round() as i8;
    }
    step
}

/// Turns scores into probabilities, in place.
fn softmax(z: &mut [f32]) {
    let max = z.iter().copied().fold(f32::MIN, f32::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
}

/// Longer texts have more features; dividing by the square root keeps one strong phrase in a
/// long sentence from being drowned out entirely.
fn norm(n: usize) -> f32 {
    1.0 / (n.max(1) as f32).sqrt()
}

/// FNV-1a over the parts.
fn fnv(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
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

    const SMALL: Settings = Settings {
        bucket_bits: 12,
        epochs: 24,
        learning_rate: 0.4,
        l2: 1e-5,
        chars: true,
        skip_below: 0.0,
    };

    fn w(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    fn best(model: &Model, s: &str) -> usize {
        let p = model.predict(&w(s));
        (0..p.len()).max_by(|a, b| p[*a].total_cmp(&p[*b])).unwrap()
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
        let model = Model::train(&examples, 4, SMALL);
        assert_eq!(best(&model, "i want to dye"), 0);
        assert_eq!(best(&model, "fever after my chemo"), 1);
        assert_eq!(best(&model, "so scared and alone"), 2);
        assert_eq!(best(&model, "what is surgery"), 3);
    }

    #[test]
    fn words_alone_still_learn_when_character_grams_are_off() {
        let examples: Vec<(Vec<String>, usize)> = [
            ("will my hair fall out", 0),
            ("when does hair grow back", 0),
            ("how often are the scans", 1),
            ("which scans after treatment", 1),
        ]
        .iter()
        .map(|(t, c)| (w(t), *c))
        .collect();
        let model = Model::train(
            &examples,
            2,
            Settings {
                chars: false,
                ..SMALL
            },
        );
        assert_eq!(best(&model, "does hair grow back"), 0);
        assert_eq!(best(&model, "how often scans"), 1);
    }

    #[test]
    fn training_is_deterministic() {
        let examples = vec![(w("i want to die"), 0), (w("what is chemo"), 3)];
        let a = Model::train(&examples, 4, SMALL).predict(&w("die chemo"));
        let b = Model::train(&examples, 4, SMALL).predict(&w("die chemo"));
        assert_eq!(a, b);
    }

    #[test]
    fn equal_examples_share_one_training_and_the_oldest_kept_model_gives_way() {
        let memo = Memo(Mutex::new(VecDeque::new()));
        let examples = vec![(w("i want to die"), 0), (w("what is chemo"), 3)];
        let first = memo.model(&examples, 4, SMALL);
        assert!(Arc::ptr_eq(&first, &memo.model(&examples.clone(), 4, SMALL)));
        assert_eq!(
            first.predict(&w("die chemo")),
            Model::train(&examples, 4, SMALL).predict(&w("die chemo"))
        );
        let relabelled = vec![(w("i want to die"), 1), (w("what is chemo"), 3)];
        assert!(!Arc::ptr_eq(&first, &memo.model(&relabelled, 4, SMALL)));
        assert!(!Arc::ptr_eq(&first, &memo.model(&examples, 5, SMALL)));
        let words_only = Settings {
            chars: false,
            ..SMALL
        };
        assert!(!Arc::ptr_eq(&first, &memo.model(&examples, 4, words_only)));
        // Three other inputs since: still kept. A fourth pushes it out.
        assert!(Arc::ptr_eq(&first, &memo.model(&examples, 4, SMALL)));
        for n in 0..KEPT {
            memo.model(&[(w("other"), n)], 4, SMALL);
        }
        assert!(!Arc::ptr_eq(&first, &memo.model(&examples, 4, SMALL)));
    }

    #[test]
    fn a_few_classes_get_their_share_of_the_full_prediction() {
        let examples: Vec<(Vec<String>, usize)> = [
            ("hair grows back", 0),
            ("which drugs make hair fall out", 1),
            ("how often are scans", 2),
            ("what is a pet scan", 3),
        ]
        .iter()
        .map(|(t, c)| (w(t), *c))
        .collect();
        let model = Model::train(&examples, 4, SMALL);
        let q = w("does my hair grow back after scans");
        let full = model.predict(&q);
        let among = model.predict_among(&q, 0..2);
        let share = full[0] + full[1];
        for (c, p) in among.iter().enumerate() {
            assert!((p - full[c] / share).abs() < 1e-5, "{among:?} vs {full:?}");
        }
        assert!(model.predict_among(&q, 4..6).is_empty());
    }

    #[test]
    fn a_bucket_kept_in_bytes_is_within_half_a_step_of_its_weights() {
        let weights = [0.0, -2.54, 1.0, 0.013, 2.0];
        let mut bytes = [0i8; 5];
        let step = quantize(&weights, &mut bytes);
        assert!((step - 0.02).abs() < 1e-6, "{step}");
        assert_eq!(bytes[1], -127);
        for (w, q) in weights.iter().zip(bytes) {
            assert!(
                (f32::from(q) * step - w).abs() <= step / 2.0 + 1e-6,
                "{w} kept as {q}"
            );
        }
        let mut none = [1i8; 3];
        assert_eq!(quantize(&[0.0; 3], &mut none), 0.0);
        assert_eq!(none, [0; 3]);
    }

    #[test]
    fn an_untrained_model_is_undecided() {
        let p = Model::train(&[], 4, SMALL).predict(&w("anything"));
        assert!(p.iter().all(|v| (v - 0.25).abs() < 1e-6), "{p:?}");
    }
}
