//! Typo tolerance for single words: a member who writes "chemoterapy" or "raditation" means
//! a word the knowledge base knows. Only unknown words are corrected, and only into the
//! knowledge base's own vocabulary, so everyday words are never turned into medical ones.

use rustc_hash::FxHashMap;

use super::text;

/// The edit budget grows with word length: one slip in a 5-letter word is as likely as two
/// in a 9-letter one, and short words have too many neighbours to guess safely.
pub(crate) fn max_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), giving up
/// early once the distance must exceed `limit`.
pub(crate) fn distance(a: &[u8], b: &[u8], limit: usize) -> Option<usize> {
    distance_in(a, b, limit, &mut Vec::new())
}

/// [`distance`] with a caller's scratch buffer, so scanning many candidates allocates once.
fn distance_in(a: &[u8], b: &[u8], limit: usize, rows: &mut Vec<usize>) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    rows.clear();
    rows.resize(width * 3, 0);
    let (mut prev2, mut prev, mut cur) = (0, width, 2 * width);
    for j in 0..width {
        rows[prev + j] = j;
    }
    for i in 1..=a.len() {
        rows[cur] = i;
        let mut row_min = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev + j] + 1)
                .min(rows[cur + j - 1] + 1)
                .min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2 + j - 2] + 1);
            }
            rows[cur + j] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return None;
        }
        (prev2, prev, cur) = (prev, cur, prev2);
    }
    let d = rows[prev + b.len()];
    (d <= limit).then_some(d)
}

/// The fewest questions a word must appear in to count as a word members really write.
const ASKED_IN: usize = 2;
/// How much rarer than the word it is a slip for a spelling must be to stay a slip.
const SLIP_RARITY: usize = 20;

/// Words the members' questions show to be real words, never to be read as slips: "tried" is
/// not "tired", "lovely" is not "lonely", "making" is not "pacing". The vocabulary is a few
/// thousand medical and everyday words, so most of what members write is unknown to it, and
/// the nearest vocabulary word read in its place is a wrong topic. A word written in several
/// questions is a real word, unless it is a much rarer spelling of a vocabulary word the
/// questions also use: "surgury" (3 questions beside 481 with "surgery") stays a slip. Only
/// the spelling as written is compared: by ear, real words sound like common ones ("wheel"
/// like "while"), and measured that way "behind the wheel" and "TKIs" lost their answers.
pub(crate) fn words_members_write<'a>(
    questions: impl IntoIterator<Item = &'a str>,
    corrector: &Corrector,
) -> Vec<String> {
    let asked = texts_using(questions.into_iter().map(text::words));
    asked
        .iter()
        .filter(|(word, n)| {
            **n >= ASKED_IN
                && corrector.correct(word).is_none_or(|meant| {
                    n.saturating_mul(SLIP_RARITY) >= asked.get(meant).copied().unwrap_or(0)
                })
        })
        .map(|(word, _)| word.clone())
        .collect()
}

/// How many texts, each given as its words, use each word: a word a text repeats counts once.
/// How widely a word is used, not how often, says whether people really write it.
pub(crate) fn texts_using<W: AsRef<str>>(
    texts: impl IntoIterator<Item = impl IntoIterator<Item = W>>,
) -> FxHashMap<String, usize> {
    let mut using: FxHashMap<String, usize> = FxHashMap::default();
    for text in texts {
        let mut words: Vec<W> = text.into_iter().collect();
        words.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
        words.dedup_by(|a, b| a.as_ref() == b.as_ref());
        for word in words {
            *using.entry(word.as_ref().to_owned()).or_default() += 1;
        }
    }
    using
}

/// Spellings by ear: "kemo", "radiashun", "sarcomer". Each rule swaps one spelling for
/// another that sounds the same; the result still has to be close to a known word.
pub(crate) fn sounds_like(word: &str) -> impl Iterator<Item = String> + '_ {
    const SOUNDS: &[(&str, &str)] = &[
        ("k", "ch"),
        ("k", "c"),
        ("shun", "tion"),
        ("shon", "tion"),
        ("f", "ph"),
        ("er", "a"),
        ("ee", "i"),
        ("x", "ks"),
        ("ance", "ence"),
        ("ense", "ence"),
    ];
    SOUNDS
        .iter()
        .filter(|(from, _)| word.contains(from))
        .map(move |(from, to)| word.replacen(from, to, 1))
}

/// The letters a word uses, one bit each (anything but a–z shares one bit). An edit changes
/// at most two bits, so a word whose letters differ from another's in more than twice the
/// edit budget cannot be close to it: most candidates are ruled out without a distance.
fn letters(word: &[u8]) -> u32 {
    word.iter().fold(0, |m, &b| {
        m | if b.is_ascii_lowercase() {
            1 << (b - b'a')
        } else {
            1 << 26
        }
    })
}

/// Candidate words bucketed by length, so a lookup only compares words that could be close.
pub(crate) struct Corrector {
    by_len: FxHashMap<usize, Vec<(u32, String)>>,
}

impl Corrector {
    pub(crate) fn new<'a>(vocabulary: impl IntoIterator<Item = &'a str>) -> Corrector {
        let mut by_len: FxHashMap<usize, Vec<(u32, String)>> = FxHashMap::default();
        for w in vocabulary {
            if w.len() >= 4 && w.bytes().all(|b| b.is_ascii_lowercase()) {
                by_len
                    .entry(w.len())
                    .or_default()
                    .push((letters(w.as_bytes()), w.to_owned()));
            }
        }
        for words in by_len.values_mut() {
            words.sort();
            words.dedup();
        }
        Corrector { by_len }
    }

    /// The closest vocabulary word within the edit budget for `word`'s length. A 4-letter word
    /// may only have two letters swapped ("hlep") or one letter dropped ("grde"), and a change of two edits must keep the
    /// first letter ("tolerate" is not "operate"): people rarely mistype a first letter. Ties
    /// go to the word sharing the longer prefix, then the alphabetically first, so the answer
    /// never depends on hash order.
    pub(crate) fn correct(&self, word: &str) -> Option<&str> {
        if word.len() == 4 {
            return self.swapped(word).or_else(|| self.dropped_letter(word));
        }
        self.correct_within(word, max_edits(word.len()))
    }

    /// [`Corrector::correct`] of the word as written, else of its first spelling by ear that
    /// corrects: what every reader of members' words takes a slip to mean.
    pub(crate) fn correct_or_by_ear(&self, word: &str) -> Option<&str> {
        self.correct(word)
            .or_else(|| sounds_like(word).find_map(|v| self.correct(&v)))
    }

    fn swapped(&self, word: &str) -> Option<&str> {
        let b = word.as_bytes();
        self.by_len
            .get(&b.len())?
            .iter()
            .map(|(_, c)| c.as_str())
            .find(|c| {
                let c = c.as_bytes();
                let diff: Vec<usize> = (0..b.len()).filter(|&i| b[i] != c[i]).collect();
                diff.len() == 2
                    && diff[1] == diff[0] + 1
                    && b[diff[0]] == c[diff[1]]
                    && b[diff[1]] == c[diff[0]]
            })
    }

    /// A 5-letter vocabulary word that is `word` with one letter put back.
    fn dropped_letter(&self, word: &str) -> Option<&str> {
        let b = word.as_bytes();
        self.by_len
            .get(&(b.len() + 1))?
            .iter()
            .map(|(_, c)| c.as_str())
            .find(|c| {
                let c = c.as_bytes();
                (0..c.len()).any(|skip| c[..skip] == b[..skip] && c[skip + 1..] == b[skip..])
            })
    }

    pub(crate) fn correct_within(&self, word: &str, limit: usize) -> Option<&str> {
        if !word.is_ascii() {
            return None;
        }
        let mut best: Option<(usize, usize, &str)> = None;
        let mut rows = Vec::new();
        let mask = letters(word.as_bytes());
        for len in word.len().saturating_sub(limit)..=word.len() + limit {
            for (letters, candidate) in self.by_len.get(&len).into_iter().flatten() {
                if (mask ^ letters).count_ones() as usize > 2 * limit {
                    continue;
                }
                // Two edits are only allowed when the first letter agrees, so a candidate with
                // another first letter is held to one (which also ends the search sooner).
                let same_start = word.as_bytes().first() == candidate.as_bytes().first();
                let limit = if same_start { limit } else { limit.min(1) };
                let Some(d) = distance_in(word.as_bytes(), candidate.as_bytes(), limit, &mut rows) else {
                    continue;
                };
                let prefix = word
                    .bytes()
                    .zip(candidate.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let better = match best {
                    None => true,
                    Some((bd, bp, bw)) => {
                        (d, usize::MAX - prefix, candidate.as_str()) < (bd, usize::MAX - bp, bw)
                    }
                };
                if better {
                    best = Some((d, prefix, candidate));
                }
            }
        }
        best.map(|(_, _, w)| w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> Option<usize> {
        distance(a.as_bytes(), b.as_bytes(), 3)
    }

    #[test]
    fn words_members_write_are_real_unless_a_rare_spelling_of_a_known_word() {
        let corrector = Corrector::new(["tired", "surgery"]);
        let mut questions = vec!["so tired all day"; 3];
        questions.extend(["i tried pacing", "we tried naps"]);
        questions.extend(["surgery next week"; 50]);
        questions.extend(["surgury next week", "my surgury"]);
        questions.push("once lovely");
        let asked = words_members_write(questions, &corrector);
        assert!(
            asked.contains(&"tried".to_owned()),
            "two questions beside three: a word"
        );
        assert!(
            !asked.contains(&"surgury".to_owned()),
            "two questions beside fifty: a slip"
        );
        assert!(
            !asked.contains(&"lovely".to_owned()),
            "one question is not enough"
        );
    }

    #[test]
    fn distance_counts_edits_and_transpositions() {
        assert_eq!(d("chemo", "chemo"), Some(0));
        assert_eq!(d("sugery", "surgery"), Some(1));
        assert_eq!(d("raditation", "radiation"), Some(1));
        assert_eq!(d("stgae", "stage"), Some(1));
        assert_eq!(d("clinicle", "clinical"), Some(2));
        assert_eq!(d("reoccurrence", "recurrence"), Some(2));
        assert_eq!(d("abc", "xyzxyzxyz"), None);
    }

    #[test]
    fn corrections_stay_within_the_budget() {
        let c = Corrector::new([
            "surgery",
            "radiation",
            "chemotherapy",
            "stage",
            "targeted",
            "grade",
        ]);
        assert_eq!(c.correct("sugery"), Some("surgery"));
        assert_eq!(c.correct("chemoterapy"), Some("chemotherapy"));
        assert_eq!(c.correct("targetted"), Some("targeted"));
        assert_eq!(c.correct("stgae"), Some("stage"));
        assert_eq!(c.correct("stab"), None, "4-letter words are not guessed");
        let h = Corrector::new(["help", "operate"]);
        assert_eq!(h.correct("hlep"), Some("help"), "but two swapped letters are");
        let g = Corrector::new(["grade", "chemo"]);
        assert_eq!(g.correct("grde"), Some("grade"), "and so is one dropped letter");
        assert_eq!(g.correct("chmo"), Some("chemo"));
        assert_eq!(h.correct("tolerate"), None, "two edits keep the first letter");
        assert_eq!(c.correct("weather"), None);
    }

    #[test]
    fn spellings_by_ear_are_tried_as_variants() {
        let variants: Vec<String> = sounds_like("kemo").collect();
        assert!(variants.contains(&"chemo".to_owned()));
        assert!(sounds_like("radiashun").any(|v| v == "radiation"));
        assert!(sounds_like("sarcomer").any(|v| v == "sarcoma"));
    }
}
