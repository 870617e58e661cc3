//! Recognising a message about suicide, self-harm or a medical emergency, before anything
//! else is matched. Detection looks for phrases about a person ("kill myself", "can't
//! breathe"), never single words, so "does chemo kill cancer cells" stays a chemotherapy
//! question. A missed crisis costs far more than a gentle reply to a false alarm, but false
//! alarms are also tracked: they teach members to ignore the safety reply.

use std::sync::LazyLock;

use super::text::{Joined, PhraseSet};

/// What a message needs first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Safety {
    Crisis,
    Emergency,
}

/// Suicidal thoughts or self-harm, about the writer or someone they speak for.
const CRISIS_PHRASES: &[&str] = &[
    "kill my self",
    "end my life",
    "ending my life",
    "end my own life",
    "end his life",
    "end her life",
    "end their life",
    "take my own life",
    "take my life",
    "taking my own life",
    "take his own life",
    "take her own life",
    "take their own life",
    "end it all",
    "ending it all",
    "want to end it",
    "going to end it",
    "kms",
    "pills to overdose",
    "going to overdose",
    "was not around",
    "were not around",
    "easier for everyone if",
    "better for everyone if",
    "about overdosing",
    "of overdosing",
    "not want life",
    "not want this life",
    "not want my life",
    "sleep and never wake up",
    "planning to overdose",
    "wants to overdose",
    "about to overdose",
    "want it all to stop",
    "want it all to end",
    "meds to overdose",
    "enough to overdose",
    "tablets to overdose",
    "kys",
    "self harming",
    "self harmed",
    "selfharming",
    "end it myself",
    "end it himself",
    "end it herself",
    "end it themselves",
    "into a wall",
    "in front of a train",
    "in front of a bus",
    "off a bridge",
    "off the bridge",
    "jump off",
    "suicidal",
    "thoughts of hurting",
    "thoughts of harming",
    "to not wake up",
    "to never wake up",
    "and never wake up",
    "point of going on",
    "point of living",
    "point in going on",
    "would miss me",
    "miss me when i am gone",
    "better off without me",
    "saying goodbye",
    "saying goodbyes",
    "goodbye message",
    "goodbye post",
    "goodbye text",
    "goodbye note",
    "goodbye letter",
    "goodbye letters",
    "suicide note",
    "farewell note",
    "not want to wake up",
    "not going to stick around",
    "not stick around",
    "will not be around much longer",
    "started cutting",
    "cutting again",
    "been cutting",
    "take them all",
    "taking them all",
    "saving up my",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "better off without me",
    "no reason to live",
    "nothing to live for",
    "not want to live",
    "not want to be alive",
    "not want to be here anymore",
    "self harm",
    "selfharm",
    "overdose on purpose",
    "want to overdose",
    "thinking of overdosing",
    "thinking about overdosing",
    "can not go on",
    "can not do this anymore",
    "can not take it anymore",
    "no point living",
    "no point in living",
    "no point going on",
];

/// Self-harm is a harmful verb turned on oneself: "kill myself", "shoot himself".
const HARM_VERBS: &[&str] = &[
    "kill", "killing", "killin", "hurtin", "cuttin", "hurt", "hurting", "harm", "harming", "cut", "cutting",
    "hang", "hanging", "shoot", "shooting", "starve", "starving", "poison", "drown",
];
const REFLEXIVES: &[&str] = &[
    "myself",
    "himself",
    "herself",
    "themselves",
    "themself",
    "yourself",
];

/// Taking a whole supply of medicine at once: "took all her pills".
const TAKE_VERBS: &[&str] = &[
    "take",
    "took",
    "taken",
    "taking",
    "swallow",
    "swallowed",
    "swallowing",
];
const MEDICINES: &[&str] = &[
    "pills",
    "meds",
    "tablets",
    "medication",
    "medicine",
    "painkillers",
    "oxy",
    "oxycodone",
    "codeine",
    "morphine",
    "paracetamol",
];

static CRISIS: LazyLock<PhraseSet> = LazyLock::new(|| PhraseSet::new(CRISIS_PHRASES));
static EMERGENCY: LazyLock<PhraseSet> = LazyLock::new(|| PhraseSet::new(EMERGENCY_PHRASES));

/// "want to die" is a crisis unless negated ("I don't want to die" is fear, not intent).
const WANT_TO_DIE: &[&str] = &["want to die", "wants to die", "wanting to die", "ready to die"];

/// Emergencies that need a phone call now.
const EMERGENCY_PHRASES: &[&str] = &[
    "can not breathe",
    "can not breath",
    "not breathing",
    "stopped breathing",
    "struggling to breathe",
    "trouble breathing",
    "difficulty breathing",
    "hard to breathe",
    "gasping for air",
    "chest pain",
    "chest pains",
    "pain in my chest",
    "pain in his chest",
    "pain in her chest",
    "crushing chest",
    "heart attack",
    "unconscious",
    "unresponsive",
    "not responding",
    "will not wake up",
    "can not wake",
    "passed out",
    "collapsed",
    "fainted",
    "seizure",
    "having a stroke",
    "heavy bleeding",
    "bleeding heavily",
    "bleeding a lot",
    "will not stop bleeding",
    "can not stop the bleeding",
    "bleeding will not stop",
    "coughing up blood",
    "vomiting blood",
    "throwing up blood",
    "blood everywhere",
    "hemorrhaging",
    "haemorrhaging",
    "overdosed",
    "soaking through",
    "gasping for breath",
    "struggling to breath",
    "hard to breath",
    "lips are going blue",
    "lips going blue",
    "lips are blue",
    "turning blue",
    "chest is so tight",
    "chest is tight",
    "tight chest",
    "will not wake",
    "not waking up",
    "can not wake",
    "breathing really fast",
    "breathing very fast",
    "very confused",
    "suddenly confused",
    "soaked in blood",
    "so much blood",
    "loads of blood",
    "lot of blood",
    "took too many pills",
    "throat is closing",
    "throat closing",
    "anaphylaxis",
    "anaphylactic",
];

const FEVER: &[&str] = &[
    "fever",
    "temperature",
    "temp",
    "febrile",
    "feverish",
    "thermometer",
];
/// A fever in the past ("had a fever back in March") is history, not an emergency.
const PAST_FEVER: &[&str] = &[
    "had a fever",
    "had fever",
    "had a temperature",
    "had a high temperature",
    "fever back in",
];
const CHEMO_CONTEXT: &[&str] = &[
    "chemo",
    "chemotherapy",
    "infusion",
    "doxorubicin",
    "adriamycin",
    "ifosfamide",
    "dacarbazine",
    "gemcitabine",
    "docetaxel",
    "trabectedin",
    "eribulin",
    "shivers",
    "chills",
    "rigors",
    "shaking",
    "neutropenic",
    "neutropenia",
    "treatment",
    "cycle",
    "counts",
    "count",
];
/// Words that make a fever a present fact rather than a question about side effects.
const PRESENT: &[&str] = &[
    "have", "has", "got", "running", "spiked", "spiking", "high", "is", "now", "feeling", "feels",
    "suddenly", "sudden",
];
/// Feverish in other words: "hot and shaky", "shivery".
const FEVERISH: &[&str] = &[
    "shaky",
    "shivery",
    "shivering",
    "shaking",
    "shivers",
    "chills",
    "rigors",
];

/// Opening words of a general question ("can radiation make it hard to breathe later?").
const QUESTION_OPENERS: &[&str] = &[
    "can", "could", "will", "would", "does", "do", "is", "are", "should", "might", "may", "what", "why",
    "how", "when", "which",
];
/// Words that make even a question urgent.
const URGENT: &[&str] = &[
    "now",
    "right",
    "currently",
    "help",
    "911",
    "999",
    "112",
    "ambulance",
    "urgent",
    "emergency",
];

pub(crate) fn detect(words: &[String], text: &Joined) -> Option<Safety> {
    let any_word = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));

    if text.has_any_of(&CRISIS)
        || wants_to_die(text)
        || mentions_suicide(text)
        || harms_self(words)
        || takes_all_medicine(words)
        || gives_things_away(words)
        || hoards_medicine(words)
        || asks_a_lethal_dose(words, text)
        || (text.has("wish") && text.has("not wake up"))
    {
        return Some(Safety::Crisis);
    }
    // "can not breathe" opens with "can" too, and is no question.
    let general_question = words
        .first()
        .is_some_and(|w| QUESTION_OPENERS.contains(&w.as_str()))
        && words.get(1).is_none_or(|w| w != "not")
        && !any_word(URGENT);
    if (text.has_any_of(&EMERGENCY) || heavy_bleeding(words)) && !general_question {
        return Some(Safety::Emergency);
    }
    let reading = words.iter().any(|w| {
        w.parse::<u16>()
            .is_ok_and(|t| (38..=42).contains(&t) || (100..=106).contains(&t))
    });
    let degrees = any_word(&["degrees", "c", "f"]) && reading;
    let feverish =
        any_word(FEVER) || degrees || text.has("burning up") || (any_word(&["hot"]) && any_word(FEVERISH));
    if feverish && any_word(CHEMO_CONTEXT) {
        // "on chemo" is itself the present: treatment is going on now.
        let now = any_word(PRESENT) || text.has_any(&["on chemo", "during chemo", "on chemotherapy"]);
        let present = now && !general_question && !text.has_any(PAST_FEVER);
        if reading || present || text.has("neutropenic fever") {
            return Some(Safety::Emergency);
        }
    }
    None
}

/// Blood described as a flood rather than a spot: "blood is pouring through the dressing".
fn heavy_bleeding(words: &[String]) -> bool {
    const BLOOD: &[&str] = &["blood", "bleeding", "bleed", "bleeds"];
    const FLOOD: &[&str] = &[
        "pouring",
        "gushing",
        "spurting",
        "soaking",
        "soaked",
        "loads",
        "lots",
        "heavily",
        "heavy",
        "coughing",
        "vomiting",
        "throwing",
        "spitting",
        "everywhere",
        "streaming",
    ];
    words.iter().any(|w| BLOOD.contains(&w.as_str())) && words.iter().any(|w| FLOOD.contains(&w.as_str()))
}

/// Warning signs that crisis services name: giving belongings away ("giving his things
/// away", "gave away all my stuff") and hoarding medicine ("stockpiling my pain meds").
fn gives_things_away(words: &[String]) -> bool {
    const GIVE: &[&str] = &["give", "giving", "gave", "given", "gives"];
    const THINGS: &[&str] = &[
        "things",
        "stuff",
        "belongings",
        "possessions",
        "everything",
        "all",
    ];
    words.iter().enumerate().any(|(i, w)| {
        let window = &words[i + 1..words.len().min(i + 5)];
        GIVE.contains(&w.as_str())
            && window.iter().any(|x| x == "away")
            && window.iter().any(|x| THINGS.contains(&x.as_str()))
    })
}

/// "how many of my oxycodone would it take": a dose asked about to die, not to treat.
fn asks_a_lethal_dose(words: &[String], text: &Joined) -> bool {
    text.has("how many")
        && words.iter().any(|w| MEDICINES.contains(&w.as_str()))
        && text.has_any(&[
            "would it take",
            "it would take",
            "to die",
            "to kill",
            "to not wake up",
            "to end it",
        ])
}

fn hoards_medicine(words: &[String]) -> bool {
    const HOARD: &[&str] = &[
        "stockpiling",
        "stockpile",
        "stockpiled",
        "hoarding",
        "hoard",
        "stashing",
        "saving",
        "saved",
    ];
    words.iter().enumerate().any(|(i, w)| {
        HOARD.contains(&w.as_str())
            && words[i + 1..words.len().min(i + 5)]
                .iter()
                .any(|x| MEDICINES.contains(&x.as_str()))
    })
}

/// "suicide", except as a name for something else: a film, a gene, car doors, a drill.
fn mentions_suicide(text: &Joined) -> bool {
    const OTHER: &[&str] = &[
        "squad", "gene", "genes", "doors", "door", "run", "runs", "drill", "drills", "bomber",
    ];
    text.find_all("suicide").any(|at| {
        let next = text
            .after(at + "suicide".len())
            .split_whitespace()
            .next()
            .unwrap_or("");
        !OTHER.contains(&next)
    })
}

fn harms_self(words: &[String]) -> bool {
    words
        .windows(2)
        .any(|w| HARM_VERBS.contains(&w[0].as_str()) && REFLEXIVES.contains(&w[1].as_str()))
}

/// "took all my pills", "taking all of her meds", "swallowed the whole bottle of tablets".
fn takes_all_medicine(words: &[String]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        TAKE_VERBS.contains(&w.as_str()) && {
            let after = &words[i + 1..words.len().min(i + 6)];
            after
                .iter()
                .any(|a| matches!(a.as_str(), "all" | "whole" | "entire"))
                && after.iter().any(|a| MEDICINES.contains(&a.as_str()))
        }
    })
}

fn wants_to_die(text: &Joined) -> bool {
    WANT_TO_DIE.iter().any(|p| {
        text.find_all(p).any(|at| {
            !text
                .before(at)
                .split_whitespace()
                .rev()
                .take(2)
                .any(|w| matches!(w, "not" | "never"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::text::{Joined, words};

    fn s(q: &str) -> Option<Safety> {
        let w = words(q);
        detect(&w, &Joined::new(&w))
    }

    #[test]
    fn crisis_phrases_about_a_person() {
        for q in [
            "i want to end it all",
            "I'm going to take my own life",
            "i've been thinking about suicide",
            "I don't want to live anymore",
            "i want to die",
            "my dad says he wants to die",
            "i keep wanting to hurt myself",
            "I can't go on",
            "my dad keeps saying he'll shoot himself",
            "she's taken all her pills",
            "thinking of taking them all at once",
            "honestly want to kms",
            "my daughter has been self-harming",
            "i've been stockpiling my pain meds",
            "dad's been giving his things away",
            "i've started cutting again",
            "i have saved up pills to overdose",
            "thinking about suicide a lot",
            "she's going to overdose on her pain meds tonight",
            "i've been looking up how many of my oxycodone it would take",
            "sometimes i wish i just wouldnt wake up",
            "my mum talked about overdosing on her pills",
            "i not want life anymore",
            "thinkin about killin myself tbh",
            "it would be easier for everyone if i just wasn't around",
            "my frend posted a goodbye message and isnt answering",
        ] {
            assert_eq!(s(q), Some(Safety::Crisis), "{q}");
        }
    }

    #[test]
    fn emergencies_happening_now() {
        for q in [
            "my friend is unconscious and not breathing",
            "i have a fever of 39 on chemo",
            "temp 38.6 three days after chemo",
            "I can't breathe",
            "my husband has chest pain",
            "she collapsed and won't wake up",
            "he is running a high temperature after his chemo",
            "CANT BREATHE",
            "blood is pouring through the dressing",
            "he's on doxorubicin and has a fever and the shivers",
            "my son had chemo tuesday, now he's hot and shaky, 39 degrees",
            "wife is coughing up lots of blood",
            "mum is very confused and wont wake properly",
            "struggling to breath and my chest is so tight",
            "my husband had his chemo on tuesday and now he's burning up and shaking, thermometer says 38.6",
            "she's gasping for breath and her lips are going blue",
            "fever on chemo",
        ] {
            assert_eq!(s(q), Some(Safety::Emergency), "{q}");
        }
    }

    #[test]
    fn risky_words_in_harmless_senses_are_not_alarms() {
        for q in [
            "does chemo kill cancer cells",
            "I don't want to die from this",
            "will radiation make it hard to breathe later",
            "can chemo cause a fever",
            "what is the survival rate",
            "is targeted therapy a killer drug",
            "radiation therapy",
            "how much bleeding is normal after surgery",
            "is coughing a side effect of radiation",
            "this waiting is killing me",
            "chemo is killing me lol, so tired",
            "suicide squad was a terrible film",
            "had a fever back in march before any treatment started, all fine now",
            "how many paracetamol can i take a day on chemo",
            "can you get a fever on chemo",
        ] {
            assert_eq!(s(q), None, "{q}");
        }
    }
}
