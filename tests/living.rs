//! Issue 11: living with sarcoma and life after treatment, on the built-in knowledge.
//!
//! `tests/fixtures/members/dev-b.tsv` holds this family's member questions, written blind,
//! scored here with the rules of `../shared/tools/score-intents` (`support/sets.rs`), the same
//! figures `sarcoma-bot match` gives that tool.
//!
//! Counted lines: those whose labels include an id the knowledge can answer (an entry, or
//! `none`, `help`, `crisis`, `emergency`): with issue 10 merged, all 150.
//!
//! Why the floors sit below 95% (measured 2026-12-02 with issues 10 and 11 merged: 128 of 150,
//! 0.853; on the lines labelled with this issue's entries, 111 of 122, 0.910):
//! - 5 lines about side effects and wounds get an emergency reply from the safety screen
//!   (issue 8 names blood in the urine on ifosfamide and a red, leaking wound as emergencies);
//! - "5 year survival stage 3" goes to the stage by the named-stage rule of the matcher;
//! - lines about older entries (recurrence, stage 4, radiation, clinical trials) mostly find
//!   the right entry but another part;
//! - a few member wordings this knowledge does not reach yet (a carer unseen, "should we stop
//!   treatment now", being around grandchildren on chemo).
//!
//! No sentence of the set is in the knowledge; the held-out sets are scored by the lead.

#[path = "support/sets.rs"]
mod sets;

use sarcoma_bot::answer::Answerer;
use sarcoma_bot::knowledge::{EntryId, KnowledgeBase};
use sarcoma_bot::routes;
use sets::{Verdict, is_safety, load, verdict};

/// The entries issue 11 added, and `emotional-support`, which it extended.
const ISSUE_11: &[&str] = &[
    "side-effects",
    "hair-loss",
    "nausea-and-eating",
    "fatigue",
    "infection-risk",
    "lymphedema",
    "wound-healing",
    "fertility",
    "follow-up",
    "prognosis",
    "rehabilitation",
    "daily-life",
    "caregivers",
    "children-and-young-people",
    "end-of-life",
    "emotional-support",
];

/// Floors from the measured figures above.
const COUNTED_FLOOR: f64 = 0.85;
const ISSUE_LINES_FLOOR: f64 = 0.9;

fn answerer() -> Answerer {
    Answerer::new(KnowledgeBase::embedded().expect("built-in knowledge loads").kb)
}

fn place(a: &Answerer, q: &str) -> String {
    routes::place(&a.matcher().find(q))
}

fn entry_id(label: &str) -> &str {
    label.split_once('#').map_or(label, |(id, _)| id)
}

#[test]
fn dev_b_holds_on_the_lines_this_branch_can_answer() {
    let a = answerer();
    let exists = |label: &str| {
        let id = entry_id(label);
        matches!(id, "none" | "help" | "crisis" | "emergency")
            || EntryId::parse(id).is_some_and(|id| a.knowledge().get(&id).is_some())
    };
    let (mut right, mut counted) = (0, 0);
    let (mut issue_right, mut issue_counted) = (0, 0);
    let mut misses = Vec::new();
    for case in load("members/dev-b.tsv") {
        if !case.accept.iter().any(|l| exists(l)) {
            continue;
        }
        let m = a.matcher().find(&case.question);
        let v = verdict(&case.accept, &m);
        counted += 1;
        right += usize::from(v == Verdict::Right);
        let got = m.intent.as_ref().map_or("none", |i| i.id());
        let screened = !is_safety(&case.accept) && matches!(got, "crisis" | "emergency");
        if case.accept.iter().any(|l| ISSUE_11.contains(&entry_id(l))) && !screened {
            issue_counted += 1;
            issue_right += usize::from(v == Verdict::Right);
        }
        if v != Verdict::Right {
            misses.push(format!(
                "{v:?}: {:?} want {} got {}",
                case.question,
                case.accept.join(","),
                routes::place(&m)
            ));
        }
    }
    let overall = right as f64 / counted as f64;
    let issue = issue_right as f64 / issue_counted as f64;
    eprintln!(
        "dev-b: {right}/{counted} = {overall:.3}; issue 11 lines: {issue_right}/{issue_counted} = {issue:.3}"
    );
    for m in &misses {
        eprintln!("  {m}");
    }
    assert!(
        counted >= 140,
        "only {counted} lines counted: did the labels or the ids change?"
    );
    assert!(
        overall >= COUNTED_FLOOR,
        "dev-b: {overall:.3} is below {COUNTED_FLOOR}"
    );
    assert!(
        issue >= ISSUE_LINES_FLOOR,
        "dev-b, issue 11 lines: {issue:.3} is below {ISSUE_LINES_FLOOR}"
    );
}

#[test]
fn the_issue_contract_ids_and_sections_exist() {
    let a = answerer();
    let sections = |id: &str| -> Vec<String> {
        let entry = a
            .knowledge()
            .get(&EntryId::parse(id).unwrap())
            .unwrap_or_else(|| panic!("no entry {id}"));
        entry.sections.iter().map(|s| s.id.clone()).collect()
    };
    for id in ISSUE_11 {
        let entry = a.knowledge().get(&EntryId::parse(id).unwrap());
        assert!(entry.is_some_and(|e| !e.sources.is_empty()), "{id}");
    }
    // The issue names these sections exactly.
    for (id, want) in [
        (
            "nausea-and-eating",
            &["nausea", "appetite", "diet-and-supplements"][..],
        ),
        ("follow-up", &["scans", "scanxiety"][..]),
        ("daily-life", &["work", "exercise", "money", "travel"][..]),
    ] {
        assert_eq!(sections(id), want, "{id}");
    }
    // And these among others.
    for (id, want) in [
        ("side-effects", &["when-to-call"][..]),
        ("emotional-support", &["coping", "grief", "support-groups"][..]),
    ] {
        let have = sections(id);
        for s in want {
            assert!(have.iter().any(|h| h == s), "{id}#{s}: {have:?}");
        }
    }
}

#[test]
fn the_issues_own_questions_land_on_the_new_entries() {
    let a = answerer();
    for (q, want) in [
        ("What is the survival rate for soft tissue sarcoma?", "prognosis"),
        ("When can I return to work after surgery?", "daily-life#work"),
        ("is the scan every 3 months forever??", "follow-up#scans"),
        ("my mouth is full of sores since cycle 2", "side-effects"),
        (
            "what do hospice nurses actually do",
            "end-of-life#palliative-and-hospice-care",
        ),
    ] {
        let got = place(&a, q);
        assert!(got == want || got.starts_with(&format!("{want}#")), "{q}: {got}");
    }
}

#[test]
fn urgent_entries_point_to_the_emergency_advice() {
    let a = answerer();
    for (id, section) in [
        ("side-effects", "when-to-call"),
        ("infection-risk", "the-fever-rule"),
    ] {
        let entry = a.knowledge().get(&EntryId::parse(id).unwrap()).unwrap();
        let text = &entry.section(section).unwrap().text;
        for needle in ["24-hour", "999", "911", "112", "NHS 111"] {
            assert!(text.contains(needle), "{id}#{section} lacks {needle:?}");
        }
    }
}

#[test]
fn feelings_reach_emotional_support_and_body_signs_their_entry() {
    let a = answerer();
    for (q, want) in [
        ("i feel numb since they told me", "emotional-support#coping"),
        ("numb feet after chemo", "side-effects#numbness-and-tingling"),
        ("numbness in my hands", "side-effects#numbness-and-tingling"),
        ("dreading my scan next week", "follow-up#scanxiety"),
        (
            "we lost my brother to sarcoma, how do you grieve",
            "emotional-support#grief",
        ),
    ] {
        assert_eq!(place(&a, q), want, "{q}");
    }
}

#[test]
fn everyday_words_in_the_new_names_do_not_make_other_cancers_ours() {
    let a = answerer();
    for q in [
        "should i worry about prostate cancer",
        "how is breast cancer treated",
        "tell me about bowel cancer",
    ] {
        // No sarcoma entry; worry about another cancer may get kindness first.
        let got = place(&a, q);
        assert!(
            got == "no match" || got.starts_with("emotional-support"),
            "{q}: {got}"
        );
    }
    // Words a slip away from the new names keep their own sense.
    assert!(!place(&a, "sorry for rambling").starts_with("end-of-life"));
    assert!(!place(&a, "my dad lost his battle with sarcoma").starts_with("end-of-life"));
    assert!(!place(&a, "feeling stuck at home today").starts_with("nausea-and-eating"));
}
