//! Issue 11: living with sarcoma and life after treatment, on the built-in knowledge.
//!
//! `tests/fixtures/members/dev-b.tsv` holds this family's member questions, written blind,
//! scored here with the rules of `../shared/tools/score-intents` (`support/sets.rs`), the same
//! figures `sarcoma-bot match` gives that tool.
//!
//! Counted lines: those whose labels include an id the knowledge can answer (an entry, or
//! `none`, `help`, `crisis`, `emergency`): all of them now.
//!
//! Where the figures stand (measured 2026-12-03 evening, release build, `score-intents`
//! agreeing):
//! - dev-b (150 lines): 139 right (0.927); on this issue's lines 120/127.
//! - dev-c (160 lines): written blind and held out until its first run (66/160, 41.2%,
//!   tests/fixtures/members/FIRST-RUNS.md), 87/160 after the router, 105/160 (0.656) on 2026-12-03.
//! - holdout-d and holdout-e: held out until their first runs (64/150 and 138/200), scored a
//!   second time at 81/150 and 140/200 before this stop, and read for development since:
//!   98/150 (0.653) and 158/200 (0.790) on 2026-12-03.
//! - holdout-f (200 lines across everything members ask, written 2026-12-03 blind to code,
//!   knowledge and every other set, frozen 16:40): first run 126/200 (63.0%) on the build
//!   before this stop's routing changes, second run 142/200 (71.0%) after them. Its lines
//!   were never read.
//! - 2026-12-04: with 2,210 more labelled questions (every section of every entry) and the
//!   router's bars lowered (0.6 alone, 0.5 beside a name): dev-b 140/150, dev-c 109/160,
//!   holdout-d 107/150, holdout-e 161/200, holdout-f 145/200 (its third run).
//! - holdout-g (200 lines across everything members ask) and holdout-h (180 lines aimed at
//!   one section each of this issue's entries), written 2026-12-04 blind to code, knowledge
//!   and every other set, frozen at 21:32 before any run; first runs at 23:02 after that
//!   day's changes: 153/200 (76.5%) and 123/180 (68.3%); the build before them scores 144
//!   and 116. Their lines were never read.
//!
//! What moved them: a part is chosen whenever the question holds anything a part answers
//! (the whole entry only for "tell me about chemo"), the router's sure topic competes with a
//! name ("will ifosfamide make me infertile" gets fertility), and 1,200 more labelled
//! questions for the living-with-it sections. A feeling told without a question ("scanxiety
//! is killing me") gets emotional-support, as the safety sets' distress lines want. The
//! issue's 95% is not met; these floors keep what there is.
//!
//! - 2026-12-06: a section model picks the part of the chosen entry where it is sure (see
//!   `src/matcher/router.rs`): dev-b 141/150, dev-c 126/160, holdout-d 122/150, holdout-e
//!   172/200, and, their lines never read, f 150 → 158, g 158 → 160, h 141 → 147, i 159 → 162,
//!   j 169 → 172, k 151 → 162 (its first run was 151). dev-l (300 lines across everything,
//!   written blind the same day and used for development from its first run, 247/300 on
//!   2716d9b): 257/300. Floors a line or two below.
//! - 2026-12-06 (stop 30): a topic the router is all but sure of (0.9) answers over the names
//!   a message uses: issue 11's 710 lines 603 → 609, dev-l 257 → 260, the older 2,615
//!   2,559 → 2,557; never read: f 158, g 160 → 164, h 147 → 149, i 162 → 164, j 172, k 162.
//!   holdout-m (200 across everything, written blind the same day, frozen before any run):
//!   first run 157/200 (issue 11 lines 60/71) on 99a7ddc, 160/200 (61/71) after.
//! - 2026-12-06 (stop 31): common English words read as written ("fewer" is not "fever").
//!   A sentence that asks only what an entry is gets the part that says so. holdout-n (200
//!   across everything, written blind the same day, frozen before any run): first run 174/200
//!   (issue 11 lines 77/81) on 503e1c3, 178/200 after; k 162 → 163, m 160 → 161 before the
//!   lexicon's cold-cap change (after it 164 and 162, not counted: those sets' cold-cap lines
//!   were printed while searching the fixtures for the phrase).
//! - 2026-12-06 (stop 32): an organ the sarcoma spread to is no other cancer asked about;
//!   every set the same. holdout-o (200 across everything, written blind the same day, frozen
//!   before any run): first run 171/200 (issue 11 lines 67/75, 3 full safety alarms) on
//!   bb502a9, the same after.
//!
//! No sentence of a set is in the knowledge.

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

/// Floors (over all lines, over this issue's lines) at the figures measured above, raised a
/// line or two below the figures of 2026-12-06 (stop 37), after the router learnt from ten
/// blind batches of questions (held-out j–p 1,022 → 1,094 of 1,200; FIRST-RUNS.md).
const DEV_B: (f64, f64) = (0.95, 0.96);
const DEV_C: (f64, f64) = (0.85, 0.88);
const DEV_L: (f64, f64) = (0.92, 0.9);
const DEV_M: (f64, f64) = (0.85, 0.88);
const HOLDOUT_D: (f64, f64) = (0.86, 0.87);
const HOLDOUT_E: (f64, f64) = (0.915, 0.96);
const HOLDOUT_F: (f64, f64) = (0.85, 0.94);
const HOLDOUT_G: (f64, f64) = (0.865, 0.88);
const HOLDOUT_H: (f64, f64) = (0.88, 0.89);
const HOLDOUT_I: (f64, f64) = (0.86, 0.86);
const HOLDOUT_J: (f64, f64) = (0.905, 0.9);
const HOLDOUT_K: (f64, f64) = (0.885, 0.9);
const HOLDOUT_M: (f64, f64) = (0.875, 0.91);
const HOLDOUT_N: (f64, f64) = (0.93, 0.93);
const HOLDOUT_O: (f64, f64) = (0.9, 0.91);
const HOLDOUT_P: (f64, f64) = (0.915, 0.92);
const HOLDOUT_Q: (f64, f64) = (0.9, 0.91);
const DEV_R: (f64, f64) = (0.79, 0.83);
const HOLDOUT_S: (f64, f64) = (0.885, 0.92);
const HOLDOUT_T: (f64, f64) = (0.885, 0.905);
const HOLDOUT_U: (f64, f64) = (0.85, 0.87);
const DEV_V: (f64, f64) = (0.9, 0.89);
const HOLDOUT_W: (f64, f64) = (0.875, 0.87);
const HOLDOUT_X: (f64, f64) = (0.855, 0.875);
const DEV_Y: (f64, f64) = (0.88, 0.84);
const HOLDOUT_Z: (f64, f64) = (0.875, 0.9);
const DEV_Z: (f64, f64) = (0.82, 0.8);
const HOLDOUT_ZA: (f64, f64) = (0.925, 0.93);
const DEV_ZA: (f64, f64) = (0.86, 0.84);
const HOLDOUT_ZB: (f64, f64) = (0.87, 0.875);
const DEV_ZB: (f64, f64) = (0.92, 0.9);
const HOLDOUT_ZC: (f64, f64) = (0.905, 0.885);
const DEV_ZC: (f64, f64) = (0.87, 0.845);

fn answerer() -> Answerer {
    Answerer::new(KnowledgeBase::embedded().expect("built-in knowledge loads").kb)
}

fn place(a: &Answerer, q: &str) -> String {
    routes::place(&a.matcher().find(q))
}

/// Each question reaches the entry and part written beside it.
fn places_are(cases: &[(&str, &str)]) {
    let a = answerer();
    for (q, want) in cases {
        assert_eq!(place(&a, q), *want, "{q}");
    }
}

fn entry_id(label: &str) -> &str {
    label.split_once('#').map_or(label, |(id, _)| id)
}

/// Scores a set, prints its misses, and holds it to its floors: over all lines, and over the
/// lines labelled with this issue's entries that no safety reply took.
fn holds(set: &str, min_lines: usize, overall_floor: f64, issue_floor: f64) {
    let a = answerer();
    let exists = |label: &str| {
        let id = entry_id(label);
        matches!(id, "none" | "help" | "crisis" | "emergency")
            || EntryId::parse(id).is_some_and(|id| a.knowledge().get(&id).is_some())
    };
    let (mut right, mut counted) = (0, 0);
    let (mut issue_right, mut issue_counted) = (0, 0);
    let mut misses = Vec::new();
    for case in load(set) {
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
        "{set}: {right}/{counted} = {overall:.3}; issue 11 lines: {issue_right}/{issue_counted} = {issue:.3}"
    );
    // A held-out set's lines are never shown, even when its floor fails.
    if !set.contains("holdout-") {
        for m in &misses {
            eprintln!("  {m}");
        }
    }
    assert!(
        counted >= min_lines,
        "{set}: only {counted} lines counted: did the labels or the ids change?"
    );
    assert!(
        overall >= overall_floor,
        "{set}: {overall:.3} is below {overall_floor}"
    );
    assert!(
        issue >= issue_floor,
        "{set}, issue 11 lines: {issue:.3} is below {issue_floor}"
    );
}

#[test]
fn dev_b_holds_its_floors() {
    holds("members/dev-b.tsv", 150, DEV_B.0, DEV_B.1);
}

#[test]
fn dev_c_does_not_go_backwards() {
    holds("members/dev-c.tsv", 160, DEV_C.0, DEV_C.1);
}

/// Written blind 2026-12-06 across everything members ask (261 different labels); a
/// development set from its first run (247/300).
#[test]
fn dev_l_does_not_go_backwards() {
    holds("members/dev-l.tsv", 300, DEV_L.0, DEV_L.1);
}

/// Development set m: 300 questions written blind 2026-12-06 (stop 33) from the list of answer
/// ids and section headings only, 170 of them on issue 11's entries and their neighbours. First
/// run on 8a965ab 248/300 (issue 11 lines 146/174, 5 full safety replies); 250/300 (147/174, 5)
/// after that stop.
#[test]
fn dev_m_does_not_go_backwards() {
    holds("members/dev-m.tsv", 300, DEV_M.0, DEV_M.1);
}

#[test]
fn holdouts_d_and_e_do_not_go_backwards() {
    holds("members/holdout-d.tsv", 150, HOLDOUT_D.0, HOLDOUT_D.1);
    holds("members/holdout-e.tsv", 200, HOLDOUT_E.0, HOLDOUT_E.1);
}

/// Never read: held at its second run.
#[test]
fn holdout_f_does_not_go_backwards() {
    holds("members/holdout-f.tsv", 200, HOLDOUT_F.0, HOLDOUT_F.1);
}

/// Never read: held at their first runs.
#[test]
fn holdouts_g_and_h_do_not_go_backwards() {
    holds("members/holdout-g.tsv", 200, HOLDOUT_G.0, HOLDOUT_G.1);
    holds("members/holdout-h.tsv", 180, HOLDOUT_H.0, HOLDOUT_H.1);
}

/// Never read: first run 150/200 on the build before 2026-12-05's new router questions,
/// 158/200 after; held a line or two below that, since one training line more or less moves
/// about 1% of answers.
#[test]
fn holdout_i_does_not_go_backwards() {
    holds("members/holdout-i.tsv", 200, HOLDOUT_I.0, HOLDOUT_I.1);
}

/// Never read: written blind 2026-12-05 (evening) from the list of answer ids and section
/// headings only, frozen before any run; first run 170/200 (issue 11 lines 48/55) on bb70ac2,
/// 169/200 after that stop's changes; held a line or two below.
#[test]
fn holdout_j_does_not_go_backwards() {
    holds("members/holdout-j.tsv", 200, HOLDOUT_J.0, HOLDOUT_J.1);
}

/// Never read: written blind 2026-12-06 from the list of answer ids and section headings
/// only (167 different labels), frozen before any run; first run 151/200 on 02d8724, the same
/// after that stop's safety change, 162/200 with the section model; held a line or two below.
#[test]
fn holdout_k_does_not_go_backwards() {
    holds("members/holdout-k.tsv", 200, HOLDOUT_K.0, HOLDOUT_K.1);
}

/// Never read: written blind 2026-12-06 (stop 30) from the list of answer ids and section
/// headings only (170 different labels), frozen before any run; first run 157/200 on 99a7ddc,
/// 160/200 with the router's sure topic over a name; held a line or two below.
#[test]
fn holdout_m_does_not_go_backwards() {
    holds("members/holdout-m.tsv", 200, HOLDOUT_M.0, HOLDOUT_M.1);
}

/// Never read: written blind 2026-12-06 (stop 31) from the list of answer ids and section
/// headings only (168 different labels), frozen before any run; first run 174/200 (issue 11
/// lines 77/81) on 503e1c3, 178/200 after that stop's changes; held a line or two below.
#[test]
fn holdout_n_does_not_go_backwards() {
    holds("members/holdout-n.tsv", 200, HOLDOUT_N.0, HOLDOUT_N.1);
}

/// Never read: written blind 2026-12-06 (stop 32) from the list of answer ids and section
/// headings only (162 different labels), frozen before any run; first run 171/200 (issue 11
/// lines 67/75) on bb502a9, the same after that stop's changes; held a line or two below.
#[test]
fn holdout_o_does_not_go_backwards() {
    holds("members/holdout-o.tsv", 200, HOLDOUT_O.0, HOLDOUT_O.1);
}

/// Never read: written blind 2026-12-06 (stop 33) from the list of answer ids and section
/// headings only, frozen before any run; first run 172/200 (issue 11 lines 72/79) on 8a965ab;
/// held a line or two below.
#[test]
fn holdout_p_does_not_go_backwards() {
    holds("members/holdout-p.tsv", 200, HOLDOUT_P.0, HOLDOUT_P.1);
}

/// Never read: written blind 2026-12-06 (stop 37) from the list of answer ids and section
/// headings only, frozen before any run; first run 167/200 (issue 11 lines 75/86) on 293fa4d.
#[test]
fn holdout_q_does_not_go_backwards() {
    holds("members/holdout-q.tsv", 200, HOLDOUT_Q.0, HOLDOUT_Q.1);
}

/// Never read: written blind 2026-12-07 (stop 38) from the list of answer ids and section
/// headings only, frozen at 02:03 before any run; first run 178/200 (issue 11 lines 77/82) on
/// 806fc44 (77/83 here, where a line counts when any of its labels is this issue's),
/// the same after that stop's changes.
#[test]
fn holdout_s_does_not_go_backwards() {
    holds("members/holdout-s.tsv", 200, HOLDOUT_S.0, HOLDOUT_S.1);
}

/// Never read: written blind 2026-12-07 (stop 39) from the list of answer ids and section
/// headings only, frozen at 04:48 before any run; first run 178/200 (issue 11 lines 71/80 by
/// `score-intents` on the lines whose first label is this issue's, 71/78 here) on bbb6a63.
#[test]
fn holdout_t_does_not_go_backwards() {
    holds("members/holdout-t.tsv", 200, HOLDOUT_T.0, HOLDOUT_T.1);
}

/// Never read: written blind 2026-12-07 (stop 40) from the list of answer ids and section
/// headings only, frozen at 07:31 before any run; first run 171/200 (issue 11 lines 89/101 by
/// `score-intents` on the lines whose first label is this issue's) on 1c13426.
#[test]
fn holdout_u_does_not_go_backwards() {
    holds("members/holdout-u.tsv", 200, HOLDOUT_U.0, HOLDOUT_U.1);
}

/// Never read: written blind 2026-12-07 (stop 40) from the list of answer ids and section
/// headings only, frozen at 08:35 before any run; first run 176/200 (issue 11 lines 75/84 by
/// `score-intents`) on 346320c.
#[test]
fn holdout_w_does_not_go_backwards() {
    holds("members/holdout-w.tsv", 200, HOLDOUT_W.0, HOLDOUT_W.1);
}

/// Never read: written blind 2026-12-07 (stop 41) from the list of answer ids and section
/// headings only, frozen at 10:32 before any run; first run 172/200 (issue 11 lines 76/87 by
/// `score-intents`) on 4828a19.
#[test]
fn holdout_x_does_not_go_backwards() {
    holds("members/holdout-x.tsv", 200, HOLDOUT_X.0, HOLDOUT_X.1);
}

/// Never read: written blind 2026-12-07 (stop 42) from the list of answer ids and section
/// headings only, frozen at 13:18 before any run; first run 176/200 (issue 11 lines 78/86 by
/// `score-intents`) on 71ea679.
#[test]
fn holdout_z_does_not_go_backwards() {
    holds("members/holdout-z.tsv", 200, HOLDOUT_Z.0, HOLDOUT_Z.1);
}

/// Never read: written blind 2026-12-07 (stop 43) from the list of answer ids and section
/// headings only, frozen at 15:52 before any run; first run 186/200 (issue 11 lines 87/93 by
/// `score-intents`) on c5e9b5a.
#[test]
fn holdout_za_does_not_go_backwards() {
    holds("members/holdout-za.tsv", 200, HOLDOUT_ZA.0, HOLDOUT_ZA.1);
}

/// Never read: written blind 2026-12-07 (stop 44) from the list of answer ids and section
/// headings only, frozen at 18:47 before any run; first run 174/200 (issue 11 lines 80/91 by
/// `score-intents`) on 1980300.
#[test]
fn holdout_zb_does_not_go_backwards() {
    holds("members/holdout-zb.tsv", 200, HOLDOUT_ZB.0, HOLDOUT_ZB.1);
}

/// Never read: written blind 2026-12-07 (stop 45) from the list of answer ids and section
/// headings only, frozen at 21:17 before any run; first run 182/200 (issue 11 lines 86/97 by
/// `score-intents`) on cc03f94.
#[test]
fn holdout_zc_does_not_go_backwards() {
    holds("members/holdout-zc.tsv", 200, HOLDOUT_ZC.0, HOLDOUT_ZC.1);
}

/// A development set of 400 questions written blind 2026-12-07 (stop 45) from the same list,
/// two thirds of them on what members ask after the first weeks; the router never learns from
/// it: first run on cc03f94 343/400 (issue 11 lines 222/267); names members use for side effects
/// and services, and a thought of what might have been read as guilt, took it to 348.
#[test]
fn dev_zc_does_not_go_backwards() {
    holds("members/dev-zc.tsv", 400, DEV_ZC.0, DEV_ZC.1);
}

/// A development set of 400 questions written blind 2026-12-07 (stop 44) from the same list,
/// with more lines on what members ask after the first weeks; the router never learns from it:
/// first run on 1980300 364/400 (issue 11 lines 145/160).
#[test]
fn dev_zb_does_not_go_backwards() {
    holds("members/dev-zb.tsv", 400, DEV_ZB.0, DEV_ZB.1);
}

/// A development set of 400 questions written blind 2026-12-07 (stop 43), nearly all aimed at
/// one section, every section at least once, many asked without the heading's words; the router
/// never learns from it: first run on c5e9b5a 341/400 (issue 11 lines 139/164).
#[test]
fn dev_za_does_not_go_backwards() {
    holds("members/dev-za.tsv", 400, DEV_ZA.0, DEV_ZA.1);
}

/// A development set of 400 questions written blind 2026-12-07 (stop 42), half of them on the
/// end of life, prognosis, caregivers, emotional support, hair loss, nausea and fatigue, which
/// the router never learns from: first run on 71ea679 329/400 (issue 11 lines 204/255).
#[test]
fn dev_z_does_not_go_backwards() {
    holds("members/dev-z.tsv", 400, DEV_Z.0, DEV_Z.1);
}

/// A development set of 400 questions written blind 2026-12-07 (stop 41), leaning to questions
/// aimed at one part of the living-with-it entries and to personal decisions (`none`), which the
/// router never learns from: first run on 4828a19 354/400 (issue 11 lines 135/161).
#[test]
fn dev_y_does_not_go_backwards() {
    holds("members/dev-y.tsv", 400, DEV_Y.0, DEV_Y.1);
}

/// A development set of 400 questions written blind 2026-12-07 (stop 40) like the held-out
/// ones, which the router never learns from: first run on 1c13426 363/400 (issue 11 lines
/// 148/164).
#[test]
fn dev_v_does_not_go_backwards() {
    holds("members/dev-v.tsv", 400, DEV_V.0, DEV_V.1);
}

/// Four development sets (2,400 questions, written blind 2026-12-06 by four helpers from the
/// list of answer ids and section headings only) that the router never learns from: first run
/// on 293fa4d 1,854/2,400 (issue 11 lines 637/773).
#[test]
fn dev_r_does_not_go_backwards() {
    for set in [
        "members/dev-r1.tsv",
        "members/dev-r2.tsv",
        "members/dev-r3.tsv",
        "members/dev-r4.tsv",
    ] {
        holds(set, 600, DEV_R.0, DEV_R.1);
    }
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

/// A treatment named as the member's situation does not take the question from the topic of
/// living with it that the member asks about. (Since stop 37's last training batch, "will i be
/// able to work through radiotherapy" gets radiotherapy's side effects: the router now links
/// "through radiotherapy" with getting through its side effects. "During" and "my" still reach
/// work, below.)
#[test]
fn a_topic_of_living_with_it_asked_beside_a_treatment_is_answered() {
    places_are(&[
        ("will i be able to work during radiotherapy", "daily-life#work"),
        ("can i work through my radiotherapy", "daily-life#work"),
        (
            "my fingers have gone numb since starting chemo, will that get better",
            "side-effects#numbness-and-tingling",
        ),
        ("can i go on holiday between my chemo cycles", "daily-life#travel"),
    ]);
}

/// The part asked, where the words point elsewhere: a topic the router is all but sure of
/// answers over what the message names (the scan and the sleeplessness are the situation, the
/// waiting is the question); "recover" meets the heading "Recovery"; and the section model
/// picks between neighbouring parts that share their words ("grow back", "hair", "chemo"),
/// where the section index alone gave which treatments cause hair loss.
#[test]
fn the_part_asked_is_answered_where_the_words_point_elsewhere() {
    places_are(&[
        (
            "scan on friday and i can't sleep or eat, how do you cope with the wait",
            "follow-up#scanxiety",
        ),
        (
            "how long does it take to recover from radiotherapy",
            "radiation#recovery",
        ),
        (
            "do eyelashes grow back after chemo too",
            "hair-loss#when-it-grows-back",
        ),
    ]);
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
    places_are(&[
        ("i feel numb since they told me", "emotional-support#coping"),
        ("numb feet after chemo", "side-effects#numbness-and-tingling"),
        ("numbness in my hands", "side-effects#numbness-and-tingling"),
        ("dreading my scan next week", "emotional-support#coping"),
        (
            "how do i cope with dreading my scan next week",
            "follow-up#scanxiety",
        ),
        (
            "we lost my brother to sarcoma, how do you grieve",
            "emotional-support#grief",
        ),
    ]);
}

/// A feeling told with no question, heard by safety's model alone, is met with support unless
/// the message surely names its topic: the husband who cries where the children cannot see
/// brings his wife kindness first, while a loss of desire since diagnosis is surely intimacy.
#[test]
fn a_feeling_told_yields_only_to_a_topic_surely_named() {
    places_are(&[
        (
            "my husband cries in the car so the kids won't see. i see. i don't know what to do for him",
            "emotional-support#grief",
        ),
        (
            "no sex drive at all since my diagnosis and my husband feels pushed away",
            "fertility#sex-and-intimacy",
        ),
    ]);
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

/// Practical plans for the end of life (a power of attorney) are answered by talking about
/// dying; another illness beside the member's treatment ("my grandson has a cold, can i see
/// him while my counts are low") is asked for the treatment, and alone ("hay fever") is not ours.
#[test]
fn plans_and_illnesses_beside_treatment_reach_their_parts() {
    places_are(&[
        (
            "how do we sort out power of attorney before things get worse",
            "end-of-life#talking-about-dying",
        ),
        (
            "my grandson has a cold, can i see him while my counts are low",
            "infection-risk#staying-safe",
        ),
        (
            "is it safe to visit my sister who has a cold during chemo",
            "infection-risk#staying-safe",
        ),
        ("how do i get rid of hay fever", "no match"),
    ]);
}

/// Names members use for a side effect or a service that no heading holds: anti-emetics,
/// regrowth, a fuzzy head, a step count, the hospital psychologist.
#[test]
fn everyday_names_for_side_effects_and_services_reach_their_entries() {
    places_are(&[
        (
            "the anti-emetics make me too sleepy, are there others",
            "nausea-and-eating#nausea",
        ),
        (
            "does biotin help with regrowth after doxo",
            "hair-loss#when-it-grows-back",
        ),
        (
            "my head's been so fuzzy since cycle 3, is that a chemo thing",
            "side-effects#chemo-brain",
        ),
        (
            "is 10,000 steps a day too much during radiotherapy",
            "daily-life#exercise",
        ),
        (
            "how do i get to see the hospital psychologist",
            "emotional-support#where-to-turn",
        ),
    ]);
}
