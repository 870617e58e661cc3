//! Behaviour the issue names, checked on the built-in knowledge with phrasings that are not
//! in any evaluation file.

use sarcoma_bot::answer::Answerer;
use sarcoma_bot::knowledge::KnowledgeBase;

fn answerer() -> Answerer {
    Answerer::new(KnowledgeBase::embedded().expect("built-in knowledge loads").kb)
}

fn id(a: &Answerer, q: &str) -> String {
    a.matcher()
        .find(q)
        .intent
        .map_or("none".to_owned(), |i| i.id().to_owned())
}

#[test]
fn every_stage_spelling_reaches_its_stage() {
    let a = answerer();
    for (q, want) in [
        ("what is stage IV?", "stage-4"),
        ("stage four treatment", "stage-4"),
        ("4th stage sarcoma", "stage-4"),
        ("stage4", "stage-4"),
        ("is stage 3b curable", "stage-3"),
        ("my mom was just told she has stage 2, what now?", "stage-2"),
        ("stgae 2", "stage-2"),
        ("stage I", "stage-1"),
        ("it has spread to her lungs", "stage-4"),
    ] {
        assert_eq!(id(&a, q), want, "{q}");
    }
}

#[test]
fn stage_in_other_senses_and_chit_chat_match_nothing() {
    let a = answerer();
    // Grief is answered by the emotional-support entry, never by a cancer stage.
    assert_eq!(id(&a, "what stage of grief am I in"), "emotional-support");
    for q in [
        "how do I stage a play",
        "thanks",
        "lol",
        "good morning everyone",
        "my stage fright is terrible",
    ] {
        assert_eq!(id(&a, q), "none", "{q}");
    }
}

/// A treatment named as the time or the cause is context: the router hears what is asked.
/// The first line went to radiation before the router had questions for every section.
#[test]
fn a_treatment_named_as_context_yields_to_the_topic_asked() {
    let a = answerer();
    for (q, want) in [
        (
            "the rads left me so drained i sleep all afternoon, is that normal",
            "fatigue",
        ),
        (
            "my toes went numb after the chemo, will that wear off",
            "side-effects",
        ),
        ("how is sarcoma treated", "overview"),
    ] {
        assert_eq!(id(&a, q), want, "{q}");
    }
}

#[test]
fn slang_and_typos_reach_the_treatment() {
    let a = answerer();
    for (q, want) in [
        ("chemoterapy", "chemotherapy"),
        ("rads", "radiation"),
        ("immunotheraphy", "immunotherapy"),
        ("clinical trails", "clinical-trials"),
        ("surgury", "surgery"),
    ] {
        assert_eq!(id(&a, q), want, "{q}");
    }
}

/// Everyday words keep their everyday sense. A word of English the knowledge base lacks is
/// meant as written, not read as the nearest knowledge word ("fewer" is not "fever",
/// "released" is not "relapsed"); members ask for practical help in earnest, though
/// "practical" is also a school word; and a cold as an illness is another condition, while the
/// cold of a cold cap is not.
#[test]
fn everyday_words_keep_their_everyday_sense() {
    let a = answerer();
    for (q, want) in [
        ("are there fewer side effects with radiotherapy", "radiation"),
        ("when will the results be released", "diagnosis"),
        ("is there any practical help out there for carers?", "caregivers"),
        ("chemistry practical tomorrow, wish me luck", "none"),
        ("has anyone here used a cold cap", "hair-loss"),
        ("whats the best way to treat a cold", "none"),
    ] {
        assert_eq!(id(&a, q), want, "{q}");
    }
    assert_ne!(id(&a, "the throbbing in my leg keeps me up"), "nausea-and-eating");
}

#[test]
fn the_word_kill_about_cancer_cells_is_not_a_crisis() {
    let a = answerer();
    assert_eq!(id(&a, "does chemo kill cancer cells"), "chemotherapy");
    assert_eq!(id(&a, "i want to kill myself"), "crisis");
    assert_eq!(id(&a, "my wife can't breathe"), "emergency");
}

#[test]
fn a_definition_question_gets_the_glossary_and_a_topic_question_the_topic() {
    let a = answerer();
    assert_eq!(id(&a, "what does recurrent mean"), "term-recurrent");
    assert_eq!(id(&a, "recurrent sarcoma options"), "recurrence");
    assert_eq!(id(&a, "what is metastatic"), "term-metastatic");
    assert_eq!(id(&a, "metastatic sarcoma options"), "stage-4");
}

#[test]
fn no_match_offers_the_closest_topics_instead_of_guessing() {
    let a = answerer();
    let m = a.matcher().find("is there anything about the plan");
    assert!(m.intent.is_none(), "{m:?}");
    assert!(
        m.alternatives.iter().any(|x| x.as_str() == "treatment-factors"),
        "{m:?}"
    );
    assert!(m.alternatives.len() <= 3);
}

#[test]
fn hostile_input_is_answered_without_panicking() {
    let a = answerer();
    let zalgo = "c\u{0336}\u{0301}h\u{0352}e\u{0336}m\u{0301}o\u{0352}";
    assert_eq!(id(&a, zalgo), "chemotherapy");
    assert_eq!(id(&a, "\u{200B}radiation\u{200D}"), "radiation");
    assert_eq!(id(&a, "\u{202E}surgery\u{202C}"), "surgery");
    assert_eq!(
        id(&a, "<@123456789012345678> **stage 4** `code` @everyone"),
        "stage-4"
    );
    for q in [
        "",
        "\u{0}\u{1}\u{2}",
        &"\u{1F600}".repeat(5000),
        &"a".repeat(100_000),
        "ﷺ𒐫𒐫",
    ] {
        assert!(
            !a.ask(q).reply.to_text().trim().is_empty(),
            "no reply to {:?}",
            &q[..q.len().min(20)]
        );
    }
    assert_eq!(id(&a, ""), "help");
}

#[test]
fn idioms_and_negated_topics_are_set_aside() {
    let a = answerer();
    assert_eq!(id(&a, "it was trial and error with my garden"), "none");
    assert_eq!(id(&a, "the margin of error in that survey"), "none");
    assert_eq!(id(&a, "not chemo, I mean surgery. how long is it?"), "surgery");
    assert_eq!(id(&a, "not stage 3, stage 1 - what happens then"), "stage-1");
}

#[test]
fn other_cancers_and_conditions_are_not_this_bots_subject() {
    let a = answerer();
    assert_eq!(
        id(&a, "my aunt has ovarian cancer, what chemo will she get"),
        "none"
    );
    assert_eq!(id(&a, "is radiation used for lymphoma"), "none");
    assert_eq!(id(&a, "my hip replacement surgery is on monday"), "none");
    assert_eq!(id(&a, "my mum has alzheimers, how do i get her assessed"), "none");
    assert_ne!(id(&a, "dad has dementia, will he cope with chemo"), "none");
    assert_eq!(
        id(&a, "could immunotherapy help me? I heard it works for melanoma"),
        "immunotherapy"
    );
}

/// Issue 10: a disease the base does not cover gets an honest "not covered" reply that offers
/// the closest entries, never an entry that answers as if it were about soft tissue sarcoma;
/// compared with soft tissue sarcoma, it is answered.
#[test]
fn a_disease_the_base_does_not_cover_is_said_so_with_the_closest_entries() {
    let a = answerer();
    for (q, disease, closest) in [
        (
            "what is osteosarcoma",
            "osteosarcoma",
            &["about-sts", "sarcoma-specialists"][..],
        ),
        (
            "ewing sarcoma came back, what are the options",
            "ewing sarcoma",
            &["about-sts", "sarcoma-specialists"][..],
        ),
        (
            "how do they treat an epithelioid sarcoma",
            "epithelioid sarcoma",
            &["sts-types", "overview", "sarcoma-specialists"][..],
        ),
        (
            "my mum has bowel cancer, which chemo is best",
            "bowel cancer",
            &[][..],
        ),
        (
            "what's the outlook for stage 3 bowel cancer?",
            "bowel cancer",
            &[][..],
        ),
        (
            "whats the best chemo for small cell lung cancer",
            "small cell lung cancer",
            &[][..],
        ),
    ] {
        let m = a.matcher().find(q);
        assert_eq!(m.intent, None, "{q}");
        assert_eq!(m.not_covered.as_deref(), Some(disease), "{q}");
        let alternatives: Vec<&str> = m.alternatives.iter().map(|id| id.as_str()).collect();
        assert_eq!(alternatives, closest, "{q}");
        let text = a.ask(q).reply.to_text();
        assert!(text.starts_with("**Not something I cover**"), "{text}");
        assert!(text.contains("not medical advice"), "{text}");
    }
    assert_eq!(
        id(&a, "is osteosarcoma the same as soft tissue sarcoma"),
        "about-sts"
    );
    assert_eq!(id(&a, "what is a sarcoma"), "about-sts");
    // The organ a sarcoma spread to is no other cancer asked about (the previous build said
    // lung cancer is not covered); the answer it gets says what grows there is still sarcoma.
    let q = "if it's spread to his lungs is it lung cancer now?";
    let m = a.matcher().find(q);
    assert_eq!(m.not_covered, None, "{q}");
    assert!(a.ask(q).reply.to_text().contains("not lung cancer"), "{q}");
}

/// No page makes a member's own choice: asked to, the bot says so kindly and offers the pages
/// the question names, to prepare for the talk with the care team. Asking whether one gets a
/// say is a question a page answers.
#[test]
fn a_choice_asked_of_the_bot_goes_back_to_the_member_and_their_team() {
    let a = answerer();
    for (q, offered) in [
        (
            "onc offered me either a trial or gem/doce, which one should i pick",
            "clinical-trials",
        ),
        (
            "surgery now or 3 more cycles first? which would you pick if you were me",
            "surgery",
        ),
    ] {
        let m = a.matcher().find(q);
        assert_eq!((m.intent.as_ref(), m.decision), (None, true), "{q}: {m:?}");
        assert!(
            m.alternatives.iter().any(|id| id.as_str() == offered),
            "{q}: {m:?}"
        );
        let text = a.ask(q).reply.to_text();
        assert!(
            text.starts_with("**A choice for you and your care team**"),
            "{text}"
        );
        assert!(text.contains("can't make this choice for you"), "{text}");
    }
    assert_eq!(
        id(&a, "do i get a say in the plan or do they just decide for me?"),
        "treatment-factors"
    );
    // Asked for a yes or a no, or for the better of two places, it is still their choice.
    for q in [
        "onc wants to raise my dose next cycle, should i agree or not?",
        "hospital A or hospital B for my op, which is better for me?",
        "can you just decide for me whether to have the amputation",
    ] {
        assert!(a.matcher().find(q).decision, "{q}");
    }
    assert!(
        !a.matcher()
            .find("anyone else in my shoes with a sarcoma in the thigh?")
            .decision
    );
    // A crisis asked beside it still gets the crisis reply.
    assert_eq!(id(&a, "i want to die, what would you do"), "crisis");
}

#[test]
fn grade_compared_with_stage_is_about_grade() {
    let a = answerer();
    assert_eq!(id(&a, "is grade 2 the same as stage 2"), "term-grade");
    assert_eq!(id(&a, "grade 2 stage 2 sarcoma options"), "stage-2");
    // Spread told beside a grade is no comparison: the stage named answers.
    assert_eq!(id(&a, "grade 3 with mets, is that stage 4"), "stage-4");
}

/// A message that is only a question about the bot gets the help reply, even where the router
/// hears a topic in its few words ("who are you" sounded like the care team); a topic named
/// outright, or a longer question around the phrasing, is still answered as a topic.
#[test]
fn a_message_that_only_asks_about_the_bot_gets_help() {
    let a = answerer();
    for q in ["who are you", "Who are you?", "what can you do", "what are you"] {
        assert_eq!(id(&a, q), "help", "{q}");
    }
    assert_eq!(id(&a, "who are you going to ask about radiotherapy"), "radiation");
}

/// "help" and "!help" are the command members know from other bots: the help reply, though
/// the router, having learnt "please help, I can't cope" as emotional support, hears support
/// in the word alone.
#[test]
fn help_alone_is_the_help_reply() {
    let a = answerer();
    for q in ["help", "!help", "/help", "**help**", "hlep", "help me please"] {
        assert_eq!(id(&a, q), "help", "{q}");
    }
}

/// The help reply suggests questions to try; each must get an answer from the knowledge, so a
/// member who copies one is never told "not sure what you meant".
#[test]
fn every_question_the_help_reply_suggests_is_answered() {
    let a = answerer();
    let help = &a.knowledge().messages().help.text;
    let suggested: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("You could try"))
        .filter_map(|l| l.strip_prefix("- "))
        .collect();
    assert!(suggested.len() >= 3, "the help reply suggests questions: {help}");
    for q in suggested {
        let got = id(&a, q);
        assert!(
            !["none", "help", "crisis", "emergency"].contains(&got.as_str()),
            "{q}: {got}"
        );
    }
}

/// An animal makes a message about the animal ("my dog has a sarcoma"), unless it is a pet
/// cared for beside the member's treatment (`pet_care` in the lexicon). The previous build
/// answered the first with nothing.
#[test]
fn a_pet_cared_for_beside_treatment_is_about_the_person() {
    let a = answerer();
    assert_eq!(
        id(
            &a,
            "we've got a cat, who should do the litter tray while my counts are low?"
        ),
        "infection-risk"
    );
    assert_eq!(
        id(&a, "my dog has a sarcoma on his leg, will he need chemo"),
        "none"
    );
}
