//! Turning a member's message into comparable words: case, Unicode compatibility forms,
//! accents and zero-width marks, apostrophes and contractions, punctuation, and digits
//! glued to letters ("stage4", "4th", "39c").

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Discord's own limit for a message (members with Nitro may send 4000 characters); anything
/// past it is not read, which also bounds the matcher's work for any input.
pub(crate) const MAX_QUESTION_CHARS: usize = 4000;

/// Lowercased, accent-free words of a message, with contractions written out
/// ("can't" → "can not", "i'm" → "i am", "mom's" → "mom").
pub(crate) fn words(input: &str) -> Vec<String> {
    let input = match input.char_indices().nth(MAX_QUESTION_CHARS) {
        Some((end, _)) => &input[..end],
        None => input,
    };
    // Plain ASCII has no compatibility forms, accents or invisible marks: Unicode
    // normalisation would return it unchanged, so it is skipped (most messages, and every
    // knowledge file, are ASCII).
    if input.is_ascii() {
        words_of(input.chars())
    } else {
        words_of(
            input
                .chars()
                .nfkd()
                .filter(|c| !is_combining_mark(*c) && !is_invisible(*c)),
        )
    }
}

fn words_of(chars: impl Iterator<Item = char>) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_digit = false;
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            expand(word.trim_matches('\''), out);
            word.clear();
        }
    };
    for c in chars {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
            c if is_blank_letter(c) => ' ',
            _ => c,
        };
        if c.is_alphanumeric() {
            let digit = c.is_numeric();
            // "4's" keeps its apostrophe to be read as a possessive, but no contraction goes on
            // with a digit: "`stage`4" is two words.
            if !word.is_empty() && digit != prev_digit && (digit || !word.ends_with('\'')) {
                flush(&mut word, &mut out);
            }
            word.extend(c.to_lowercase());
            prev_digit = digit;
        } else if c == '\'' && !word.is_empty() {
            word.push('\'');
        } else {
            flush(&mut word, &mut out);
        }
    }
    flush(&mut word, &mut out);
    join_ups(&mut out);
    out
}

/// "check-ups" and "check ups" are one word, "checkups", as written solid: otherwise "ups"
/// would read as UPS, the sarcoma type.
fn join_ups(words: &mut Vec<String>) {
    let mut i = 1;
    while i < words.len() {
        if words[i] == "ups"
            && super::words::UPS_COMPOUNDS
                .binary_search(&words[i - 1].as_str())
                .is_ok()
        {
            let ups = words.remove(i);
            words[i - 1].push_str(&ups);
        } else {
            i += 1;
        }
    }
}

/// Zero-width characters, direction marks, overrides and isolates, and emoji tag characters
/// change nothing a reader sees, so they must change nothing the matcher sees. These are
/// Unicode's invisible format characters (category Cf, less the visible Arabic and
/// Egyptian signs): a word split by one of them, or several, is still that word.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Hangul fillers are letters to Unicode but print as blank space, and are used as spaces
/// where a real space is stripped (names, "invisible" messages): they part words.
fn is_blank_letter(c: char) -> bool {
    matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

fn expand(word: &str, out: &mut Vec<String>) {
    if word.is_empty() {
        return;
    }
    if let Some((stem, tail)) = word.split_once('\'') {
        let tail = tail.replace('\'', "");
        match (stem, tail.as_str()) {
            ("can", "t") => out.extend(["can", "not"].map(String::from)),
            ("won", "t") => out.extend(["will", "not"].map(String::from)),
            ("shan", "t") => out.extend(["shall", "not"].map(String::from)),
            (s, "t") if s.ends_with('n') => {
                out.push(s[..s.len() - 1].to_owned());
                out.push("not".into());
            }
            (s, "m") => out.extend([s, "am"].map(String::from)),
            (s, "re") => out.extend([s, "are"].map(String::from)),
            (s, "ve") => out.extend([s, "have"].map(String::from)),
            (s, "ll") => out.extend([s, "will"].map(String::from)),
            (s, "d") => out.extend([s, "would"].map(String::from)),
            // "what's" is "what is"; "mom's" is a possessive.
            (
                s @ ("what" | "that" | "it" | "there" | "here" | "who" | "where" | "how" | "he" | "she"
                | "when" | "why"),
                "s",
            ) => out.extend([s, "is"].map(String::from)),
            (s, _) => out.push(s.to_owned()),
        }
        return;
    }
    let spelled_out: &[&str] = match word {
        "cant" => &["can", "not"],
        "cannot" => &["can", "not"],
        "dont" => &["do", "not"],
        "doesnt" => &["does", "not"],
        "didnt" => &["did", "not"],
        "isnt" => &["is", "not"],
        "arent" => &["are", "not"],
        "wasnt" => &["was", "not"],
        "wont" => &["will", "not"],
        "wouldnt" => &["would", "not"],
        "couldnt" => &["could", "not"],
        "shouldnt" => &["should", "not"],
        "havent" => &["have", "not"],
        "hasnt" => &["has", "not"],
        "im" => &["i", "am"],
        "ive" => &["i", "have"],
        "id" => &["i", "would"],
        "youre" => &["you", "are"],
        "theyre" => &["they", "are"],
        "whats" => &["what", "is"],
        "thats" => &["that", "is"],
        "wanna" => &["want", "to"],
        "u" => &["you"],
        "ur" => &["your"],
        "r" => &["are"],
        "pls" | "plz" => &["please"],
        "thx" => &["thanks"],
        "bk" | "bak" => &["back"],
        "n" => &["and"],
        "gonna" => &["going", "to"],
        _ => &[],
    };
    if spelled_out.is_empty() {
        out.push(word.to_owned());
    } else {
        out.extend(spelled_out.iter().map(|s| (*s).to_owned()));
    }
}

/// Alternatives, each a run of words, indexed by first word: one lookup a word of the message
/// rules out every alternative that cannot start there, however long the list.
#[derive(Clone, Debug, Default)]
pub(crate) struct PhraseIndex {
    /// Looked up for every word of every sentence, so hashed with Fx: the keys come from the
    /// knowledge files and the code, not from members. Each first word holds the rest of its
    /// alternatives, longest first, so the first that fits is the longest.
    by_first: FxHashMap<String, Vec<Vec<String>>>,
}

impl PhraseIndex {
    pub(crate) fn new(phrases: &[Vec<String>]) -> PhraseIndex {
        let mut by_first: FxHashMap<String, Vec<Vec<String>>> = FxHashMap::default();
        for p in phrases {
            if let Some((first, rest)) = p.split_first() {
                by_first.entry(first.clone()).or_default().push(rest.to_vec());
            }
        }
        for rests in by_first.values_mut() {
            rests.sort_by_key(|rest| std::cmp::Reverse(rest.len()));
        }
        PhraseIndex { by_first }
    }

    /// Phrases written as the matcher reads a message: lowercase words and single spaces, as
    /// the code's own lists are and the lexicon's are checked to be.
    pub(crate) fn of<S: AsRef<str>>(phrases: &[S]) -> PhraseIndex {
        let runs: Vec<Vec<String>> = phrases
            .iter()
            .map(|p| p.as_ref().split(' ').map(str::to_owned).collect())
            .collect();
        PhraseIndex::new(&runs)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    /// The words an alternative can start with.
    pub(crate) fn first_words(&self) -> impl Iterator<Item = &String> {
        self.by_first.keys()
    }

    /// Whether `words` are, all of them, one of the alternatives.
    pub(crate) fn is_whole(&self, words: &[String]) -> bool {
        words
            .split_first()
            .and_then(|(first, rest)| Some((self.by_first.get(first)?, rest)))
            .is_some_and(|(rests, rest)| rests.iter().any(|r| r == rest))
    }

    /// The length of the longest alternative that starts at `at`.
    pub(crate) fn longest_at(&self, words: &[String], at: usize) -> Option<usize> {
        let rests = self.by_first.get(words.get(at)?)?;
        let after = &words[at + 1..];
        rests
            .iter()
            .find(|rest| after.starts_with(rest))
            .map(|rest| rest.len() + 1)
    }

    /// Where alternatives start in `words`, each with the length of the longest there.
    pub(crate) fn spans<'a>(&'a self, words: &'a [String]) -> impl Iterator<Item = (usize, usize)> + 'a {
        (0..words.len()).filter_map(move |at| Some((at, self.longest_at(words, at)?)))
    }

    /// Start positions of every alternative found in `words`.
    pub(crate) fn find<'a>(&'a self, words: &'a [String]) -> impl Iterator<Item = usize> + 'a {
        self.spans(words).map(|(at, _)| at)
    }

    /// Whether any alternative stands anywhere in `words`.
    pub(crate) fn anywhere(&self, words: &[String]) -> bool {
        self.find(words).next().is_some()
    }
}

/// Plurals whose singular is another word: "mets" are metastases, "met" is a verb.
const UNFOLDED: &[&str] = &["mets", "rads"];

/// Words the endings above fold wrongly or not at all: "scared" is not "scar" + "ed", and
/// "recovery" is the noun of "recover". Each folds to the stem given.
#[rustfmt::skip]
const OWN_STEM: &[(&str, &str)] = &[
    ("scare", "scare"), ("scared", "scare"), ("scares", "scare"), ("scaring", "scare"),
    // The heading "Recovery" and the members' "how long to recover".
    ("recovery", "recover"),
];

/// The words of each sentence of a message, split where a sentence ends ("?", ".", "!" or a
/// new line).
pub(crate) fn sentences(input: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    input
        .split(['?', '.', '!', '\n'])
        .map(words)
        .filter(|w| !w.is_empty())
}

/// Folds plurals and the commonest verb endings, so "nodes" meets "node", "therapies" meets
/// "therapy" and "treated" meets "treat". Deliberately shallow: a deeper stemmer merges
/// words that mean different things here.
pub(crate) fn stem(word: &str) -> Cow<'_, str> {
    if let Some(&(_, own)) = OWN_STEM.iter().find(|(w, _)| *w == word) {
        return Cow::Borrowed(own);
    }
    let n = word.len();
    let plural = if n > 4 && word.ends_with("ies") {
        return Cow::Owned(format!("{}y", &word[..n - 3]));
    } else if n > 3
        && word.ends_with('s')
        && !["ss", "us", "is"].iter().any(|e| word.ends_with(e))
        && !UNFOLDED.contains(&word)
    {
        &word[..n - 1]
    } else {
        word
    };
    let verb = [("ing", 3), ("ed", 4)]
        .iter()
        .find_map(|(e, min)| plural.strip_suffix(e).filter(|rest| rest.len() >= *min))
        .unwrap_or(plural);
    let base = match verb.strip_suffix('e') {
        Some(rest) if rest.len() >= 4 => rest,
        _ => verb,
    };
    Cow::Borrowed(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn case_punctuation_and_accents_fold() {
        assert_eq!(w("What is CHEMO?!"), ["what", "is", "chemo"]);
        assert_eq!(w("Chimiothérapie, naïve"), ["chimiotherapie", "naive"]);
        assert_eq!(w("ｓｔａｇｅ　４"), ["stage", "4"]);
    }

    #[test]
    fn contractions_are_written_out() {
        assert_eq!(w("I can't breathe"), ["i", "can", "not", "breathe"]);
        assert_eq!(w("I’m scared"), ["i", "am", "scared"]);
        assert_eq!(w("my mom's scan"), ["my", "mom", "scan"]);
        assert_eq!(w("what's a margin"), ["what", "is", "a", "margin"]);
        assert_eq!(w("dont know"), ["do", "not", "know"]);
        assert_eq!(w("i've been thinking"), ["i", "have", "been", "thinking"]);
    }

    #[test]
    fn check_ups_are_one_word_and_ups_alone_stays() {
        assert_eq!(
            w("my check-ups and follow ups"),
            ["my", "checkups", "and", "followups"]
        );
        assert_eq!(w("dad has UPS"), ["dad", "has", "ups"]);
        assert!(crate::matcher::words::UPS_COMPOUNDS.is_sorted());
    }

    #[test]
    fn digits_split_from_letters() {
        assert_eq!(w("stage4"), ["stage", "4"]);
        assert_eq!(w("4th stage"), ["4", "th", "stage"]);
        assert_eq!(w("stage 3b"), ["stage", "3", "b"]);
        assert_eq!(w("fever of 38.5C"), ["fever", "of", "38", "5", "c"]);
        assert_eq!(w("`stage`4"), ["stage", "4"], "inline code then a digit");
        assert_eq!(w("the 90's"), ["the", "90"]);
    }

    #[test]
    fn invisible_and_decorative_characters_vanish() {
        assert_eq!(w("che\u{200B}mo"), ["chemo"]);
        assert_eq!(w("\u{202E}stage 2\u{202C}"), ["stage", "2"]);
        assert_eq!(w("\u{2067}stage\u{2069} 2"), ["stage", "2"], "direction isolates");
        assert_eq!(w("st\u{180E}age \u{061C}2"), ["stage", "2"]);
        assert_eq!(w("sta\u{E0067}\u{E007F}ge"), ["stage"], "emoji tag characters");
        assert_eq!(
            w("what\u{3164}is\u{FFA0}stage"),
            ["what", "is", "stage"],
            "blank letters part words"
        );
        assert_eq!(w("c\u{0336}h\u{0301}e\u{0352}mo"), ["chemo"]);
        assert_eq!(w("🙏 chemo?? 💜"), ["chemo"]);
        assert!(w("   \t\n").is_empty());
    }

    #[test]
    fn only_the_first_4000_characters_are_read() {
        let long = "chemo ".repeat(1000);
        assert_eq!(w(&long).len(), MAX_QUESTION_CHARS / 6 + 1);
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let words = w("I can not breathe now");
        let index = PhraseIndex::of(&[
            "can not breathe",
            "can not",
            "i",
            "an not",
            "breath",
            "chest pain",
        ]);
        assert_eq!(
            index.spans(&words).collect::<Vec<_>>(),
            [(0, 1), (1, 3)],
            "the longest at each start"
        );
        assert_eq!(PhraseIndex::of(&["not"]).find(&words).collect::<Vec<_>>(), [2]);
        assert!(!PhraseIndex::of(&["an not", "breath", "chest pain"]).anywhere(&words));
        assert!(!index.anywhere(&w("my chest is fine")));
    }

    #[test]
    fn a_whole_message_is_one_alternative_word_for_word() {
        let index = PhraseIndex::of(&["who are you", "help"]);
        assert!(index.is_whole(&w("Who are you")));
        assert!(!index.is_whole(&w("who are you really")));
        assert!(!index.is_whole(&w("who are")));
        assert!(!index.is_whole(&[]));
    }

    #[test]
    fn plurals_fold_but_not_latin_endings() {
        assert_eq!(stem("nodes"), "node");
        assert_eq!(stem("therapies"), "therapy");
        assert_eq!(stem("metastasis"), "metastasis");
        assert_eq!(
            stem("mets"),
            "mets",
            "four letters are too few to fold: \"met\" is a verb"
        );
        assert_eq!(stem("class"), "class");
        assert_eq!(stem("treated"), stem("treat"));
        assert_eq!(stem("removing"), stem("remove"));
        assert_eq!(stem("targeted"), stem("target"));
        assert_eq!(stem("spread"), "spread");
        assert_eq!(stem("bring"), "bring");
        assert_eq!(stem("asking"), stem("ask"));
    }

    #[test]
    fn scared_is_not_a_scar() {
        for w in ["scare", "scared", "scares", "scaring"] {
            assert_ne!(stem(w), stem("scar"), "{w}");
        }
        assert_eq!(stem("scars"), "scar");
    }
}
