//! Finding a cancer stage in a message: "stage 4", "stage IV", "stage four", "4th stage",
//! "stage 3b", "stage4", and spread described in words ("spread to the lungs").
//! "Stage" in other senses (a play, grief, a tour) is not a cancer stage.

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

use super::typo::distance;
use super::words::{CANCER_WORDS, CONTEXT_WORDS};
use crate::knowledge::Stage;

/// How a stage was named; an explicit number outweighs an inference from spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StageMention {
    Named(Stage),
    Spread(Stage),
}

impl StageMention {
    pub(crate) fn stage(self) -> Stage {
        match self {
            StageMention::Named(s) | StageMention::Spread(s) => s,
        }
    }
}

/// Words after "stage i" that show the "i" is the pronoun ("what stage i am in").
const PRONOUN_FOLLOWERS: &[&str] = &[
    "am", "was", "have", "had", "think", "know", "feel", "do", "did", "can", "need", "will", "would",
    "should", "could", "got", "just", "really", "guess", "mean", "want", "read", "heard", "should",
];

/// Words that put "stage" in theatre, sport, grief or projects rather than oncology.
const OTHER_SENSES: &[&str] = &[
    "grief",
    "grieving",
    "play",
    "fright",
    "theatre",
    "theater",
    "concert",
    "band",
    "singer",
    "actor",
    "actress",
    "show",
    "performance",
    "musical",
    "comedy",
    "race",
    "tour",
    "rocket",
    "game",
    "level",
    "boss",
    "mission",
    "project",
    "career",
    "relationship",
    "presentation",
    "dance",
    "podcast",
    "drama",
    "coup",
    "protest",
    "pregnancy",
    "labor",
    "labour",
    "sleep",
    "puberty",
    "development",
    "startup",
    "renovation",
    "construction",
    "house",
    "sale",
    "selling",
    "audition",
    "festival",
    "quarter",
    "playoff",
    "playoffs",
    "tournament",
    "kidney",
    "ckd",
    "dementia",
    "alzheimers",
    "parkinsons",
    "copd",
    "mario",
    "candy",
    "crush",
    "zelda",
    "minecraft",
    "fortnite",
    "xbox",
    "playstation",
    "nintendo",
    "endometriosis",
    "swimming",
    "class",
    "lesson",
    "lessons",
    "water",
    "restrictions",
    "load",
    "shedding",
    "eskom",
    "outage",
    "power",
    "pregnant",
    "cravings",
    "trimester",
    "baby",
];

/// Treatment words that, like cancer words, make "stage" the cancer sense.
const TREATMENT_WORDS: &[&str] = &["chemo", "radiation", "surgery", "treatment", "metastatic"];

const SPREAD_WORDS: &[&str] = &[
    "spread",
    "spreading",
    "spreads",
    "metastasized",
    "metastasised",
    "metastasizing",
    "travelled",
    "traveled",
    "moved",
    "gone",
    "reached",
];
const METASTASIS_WORDS: &[&str] = &[
    "mets",
    "met",
    "metastases",
    "metastasis",
    "metastatic",
    "secondaries",
];
const DISTANT_SITES: &[&str] = &[
    "lung",
    "lungs",
    "liver",
    "bone",
    "bones",
    "brain",
    "body",
    "organ",
    "organs",
    "elsewhere",
    "everywhere",
    "abdomen",
    "spine",
    "chest",
    "distant",
];
const NODE_SITES: &[&str] = &["lymph", "node", "nodes", "glands", "gland"];

fn number_word(w: &str) -> Option<u8> {
    match w {
        // Roman numerals typed with a lowercase L ("stage ll") count as well.
        "1" | "one" | "i" | "ia" | "ib" | "l" => Some(1),
        "2" | "two" | "ii" | "iia" | "iib" | "iic" | "ll" => Some(2),
        "3" | "three" | "iii" | "iiia" | "iiib" | "iiic" | "lll" => Some(3),
        "4" | "four" | "iv" | "iva" | "ivb" | "lv" => Some(4),
        _ => w.parse::<u8>().ok().map(|_| 0),
    }
}

fn ordinal_word(w: &str) -> Option<u8> {
    match w {
        "first" => Some(1),
        "second" => Some(2),
        "third" => Some(3),
        "fourth" | "forth" => Some(4),
        _ => None,
    }
}

/// "stage" and its short and slipped forms; a number after it confirms the reading.
fn is_stage_word(w: &str) -> bool {
    // "stadium" is "stage" in German, Dutch and the Nordic languages.
    matches!(
        w,
        "stage" | "stages" | "stg" | "staged" | "st" | "stag" | "stge" | "stadium"
    ) || (w.len() == 5 && w != "state" && w.starts_with('s') && distance(w.as_bytes(), b"stage", 1).is_some())
}

/// Sub-stage numerals written without "stage" ("diagnosed IIB"): unlike a bare "IV", which
/// also means intravenous, these have no other sense.
fn bare_substage(w: &str) -> Option<u8> {
    match w {
        "ia" | "ib" => Some(1),
        "iia" | "iib" | "iic" => Some(2),
        "iiia" | "iiib" | "iiic" => Some(3),
        "iva" | "ivb" => Some(4),
        _ => None,
    }
}

/// Whether "stage" is used in another sense: a play, grief, a swimming class, power cuts.
pub(crate) fn other_sense(words: &[String]) -> bool {
    static SENSES: LazyLock<FxHashSet<&str>> = LazyLock::new(|| OTHER_SENSES.iter().copied().collect());
    words.iter().any(|w| SENSES.contains(w.as_str()))
        && !words.iter().any(|w| {
            let w = w.as_str();
            CANCER_WORDS.contains(&w) || CONTEXT_WORDS.contains(&w) || TREATMENT_WORDS.contains(&w)
        })
}

/// The stage a message names, if it names one in the cancer sense.
pub(crate) fn find(words: &[String]) -> Option<StageMention> {
    if other_sense(words) {
        return None;
    }
    if let Some(stage) = words.iter().find_map(|w| bare_substage(w)).and_then(Stage::new) {
        return Some(StageMention::Named(stage));
    }
    let at = |i: usize| words.get(i).map(String::as_str);
    for i in 0..words.len() {
        if !is_stage_word(&words[i]) {
            continue;
        }
        // "stage 4", "stage iv", "stage four", "stage #4"
        let mut j = i + 1;
        while at(j).is_some_and(|w| matches!(w, "is" | "was" | "number" | "no" | "as" | "a" | "at")) {
            j += 1;
        }
        if let Some(n) = at(j).and_then(number_word) {
            let pronoun = at(j) == Some("i") && at(j + 1).is_some_and(|w| PRONOUN_FOLLOWERS.contains(&w));
            if !pronoun && let Some(stage) = Stage::new(n) {
                return Some(StageMention::Named(stage));
            }
        }
        // "4th stage", "fourth stage", "second stage"
        if i >= 1 {
            let before = &words[i - 1];
            let ordinal = ordinal_word(before).or_else(|| {
                let suffix = matches!(before.as_str(), "st" | "nd" | "rd" | "th");
                (suffix && i >= 2)
                    .then(|| words[i - 2].parse::<u8>().ok())
                    .flatten()
            });
            if let Some(stage) = ordinal.and_then(Stage::new) {
                return Some(StageMention::Named(stage));
            }
        }
    }
    spread(words)
}

/// "spread to the lungs", "mets in his liver", "lung metastases", "spots on his liver, it's
/// spread": a spread or metastasis word with a site near it; or a finding in an organ
/// ("it's in her lungs now").
fn spread(words: &[String]) -> Option<StageMention> {
    for (i, w) in words.iter().enumerate() {
        if !METASTASIS_WORDS.contains(&w.as_str()) && !SPREAD_WORDS.contains(&w.as_str()) {
            continue;
        }
        let window = &words[i.saturating_sub(8)..words.len().min(i + 9)];
        let all_over = window.windows(2).any(|p| p[0] == "all" && p[1] == "over");
        if all_over || window.iter().any(|w| DISTANT_SITES.contains(&w.as_str())) {
            return Stage::new(4).map(StageMention::Spread);
        }
        if window.iter().any(|w| NODE_SITES.contains(&w.as_str())) {
            return Stage::new(3).map(StageMention::Spread);
        }
    }
    if found_in_organ(words) {
        return Stage::new(4).map(StageMention::Spread);
    }
    in_lymph_nodes(words)
        .then(|| Stage::new(3).map(StageMention::Spread))
        .flatten()
}

/// "sarcoma in the lymph nodes": node involvement stated outright.
fn in_lymph_nodes(words: &[String]) -> bool {
    words.iter().any(|w| CANCER_WORDS.contains(&w.as_str()))
        && words.iter().enumerate().any(|(i, w)| {
            NODE_SITES.contains(&w.as_str())
                && words[i.saturating_sub(3)..i]
                    .iter()
                    .any(|b| matches!(b.as_str(), "in" | "into" | "to"))
        })
}

/// "it's in her lungs now", "spots on his liver": an organ named as where something was
/// found, with a word that makes it a finding rather than a body part that hurts.
fn found_in_organ(words: &[String]) -> bool {
    const ORGANS: &[&str] = &["lung", "lungs", "liver", "bone", "bones", "brain"];
    const FINDINGS: &[&str] = &[
        "spots", "spot", "nodules", "nodule", "shadows", "shadow", "lesions", "found", "showed", "now",
    ];
    let finding = words.iter().any(|w| FINDINGS.contains(&w.as_str()))
        || words.windows(2).any(|w| w[0] == "it" && w[1] == "is");
    finding
        && words.iter().enumerate().any(|(i, w)| {
            ORGANS.contains(&w.as_str())
                && words[i.saturating_sub(3)..i]
                    .iter()
                    .any(|b| matches!(b.as_str(), "in" | "on" | "into"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::text::words;

    fn stage_of(s: &str) -> Option<u8> {
        find(&words(s)).map(|m| m.stage().number())
    }

    #[test]
    fn numbers_numerals_and_words_after_stage() {
        for (q, n) in [
            ("stage 4", 4),
            ("stage IV", 4),
            ("stage four", 4),
            ("stage4", 4),
            ("Stage 3b", 3),
            ("stage IIIB sarcoma", 3),
            ("stage ii", 2),
            ("stage i", 1),
            ("stage 1a", 1),
            ("my mom was just told stage 2, what now?", 2),
            ("stage #3", 3),
            ("she is stage iv", 4),
            ("stag 4", 4),
            ("stage ll", 2),
            ("st 1 sarcoma", 1),
            ("diagnosed IIB what now", 2),
        ] {
            assert_eq!(stage_of(q), Some(n), "{q}");
        }
    }

    #[test]
    fn ordinals_before_stage() {
        assert_eq!(stage_of("4th stage"), Some(4));
        assert_eq!(stage_of("second stage"), Some(2));
        assert_eq!(stage_of("the third stage of sarcoma"), Some(3));
        assert_eq!(stage_of("1st stage"), Some(1));
    }

    #[test]
    fn spread_in_words() {
        assert_eq!(stage_of("sarcoma spread to the lungs"), Some(4));
        assert_eq!(stage_of("it has spread to his liver"), Some(4));
        assert_eq!(stage_of("spread into the lymph nodes"), Some(3));
        assert_eq!(stage_of("how to spread butter"), None);
        assert_eq!(stage_of("mets in lungs"), Some(4));
        assert_eq!(stage_of("lung metastases"), Some(4));
        assert_eq!(stage_of("it's in her lungs now"), Some(4));
        assert_eq!(
            stage_of("spots on his liver on the ct, it's spread hasn't it"),
            Some(4)
        );
        assert_eq!(stage_of("pain in my chest after surgery"), None);
        assert_eq!(stage_of("husband just got staged as a 3"), Some(3));
        assert_eq!(stage_of("sarcoma in the lymph nodes"), Some(3));
        assert_eq!(stage_of("sarkoma stadium 2"), Some(2));
    }

    #[test]
    fn other_senses_of_stage_are_not_stages() {
        for q in [
            "what stage of grief am I in",
            "how do I stage a play",
            "what is the stage name of that singer",
            "stage 2 of the tour de france",
            "stage fright",
            "what stage i am in",
            "stage 5",
            "stage 0",
            "stage 2 water restrictions in our town",
            "my kids are in the stage 3 swimming class",
            "what state 4 years on",
            "my nan has stage 3 kidney disease",
            "my gran has stage 2 dementia",
            "how do i beat stage 3 in mario",
        ] {
            assert_eq!(stage_of(q), None, "{q}");
        }
    }

    #[test]
    fn domain_words_override_other_senses() {
        assert_eq!(stage_of("my sarcoma is stage 3, how do I tell my band"), Some(3));
    }
}
