//! Hostile input, generated: no message and no knowledge file may panic the bot. (Timing is
//! measured in `benches/matcher.rs`, not here.)

use proptest::prelude::*;
use sarcoma_bot::answer::Answerer;
use sarcoma_bot::knowledge::KnowledgeBase;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn answerer() -> &'static Answerer {
    static A: OnceLock<Answerer> = OnceLock::new();
    A.get_or_init(|| Answerer::new(KnowledgeBase::embedded().expect("built-in knowledge").kb))
}

/// Pieces real messages are made of, and the ones that break naive text handling.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z]{1,12}",
        Just("stage".to_owned()),
        Just("IV".to_owned()),
        Just("chemo".to_owned()),
        Just("can't".to_owned()),
        Just("<@123456789012345678>".to_owned()),
        Just("@everyone".to_owned()),
        Just("```code```".to_owned()),
        Just("**bold**".to_owned()),
        Just("\u{200B}\u{200D}\u{FEFF}".to_owned()),
        Just("\u{202E}\u{202C}".to_owned()),
        Just("e\u{0301}\u{0336}\u{0352}".to_owned()),
        Just("🙏💜".to_owned()),
        "[0-9]{1,6}",
        "\\PC{1,8}",
        any::<char>().prop_map(String::from),
    ]
}

fn message() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..60).prop_map(|parts| parts.join(" "))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sarcoma-bot-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn shipped(file: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge").join(file)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_message_gets_a_reply_and_never_panics(q in message()) {
        let answer = answerer().ask(&q);
        prop_assert!(!answer.reply.to_text().trim().is_empty());
        prop_assert!(answer.matched.score.is_finite());
        prop_assert!(answer.matched.alternatives.len() <= 3);
    }

    #[test]
    fn any_string_up_to_discords_4000_characters_is_matched(q in "\\PC{0,4000}") {
        let m = answerer().matcher().find(&q);
        prop_assert!(m.score.is_finite());
    }

    #[test]
    fn a_damaged_knowledge_file_is_reported_never_panicked_on(
        file in prop::sample::select(vec!["treatments.toml", "stages.toml", "glossary.toml", "safety.toml", "messages.toml"]),
        cut in 0.0f64..1.0,
        flips in prop::collection::vec((0.0f64..1.0, any::<u8>()), 0..4),
    ) {
        let dir = temp_dir("damaged");
        for f in ["treatments.toml", "stages.toml", "glossary.toml", "safety.toml", "messages.toml"] {
            std::fs::write(dir.join(f), shipped(f)).unwrap();
        }
        let mut bytes = shipped(file);
        bytes.truncate((bytes.len() as f64 * cut) as usize);
        for (at, b) in flips {
            if !bytes.is_empty() {
                let i = ((bytes.len() - 1) as f64 * at) as usize;
                bytes[i] = b;
            }
        }
        std::fs::write(dir.join(file), &bytes).unwrap();
        match KnowledgeBase::from_dir(&dir) {
            Ok(loaded) => prop_assert!(!loaded.kb.entries().is_empty()),
            Err(e) => prop_assert!(!e.problems.is_empty() && e.to_string().contains("error")),
        }
    }

    #[test]
    fn arbitrary_bytes_as_a_knowledge_file_are_reported(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let dir = temp_dir("bytes");
        std::fs::write(dir.join("extra.toml"), &bytes).unwrap();
        let err = KnowledgeBase::from_dir(&dir).expect_err("one random file is never a whole knowledge base");
        prop_assert!(err.problems.iter().any(|p| p.file.ends_with("extra.toml") || p.file.ends_with("safety.toml")));
    }
}
