//! A knowledge file as a moderator might leave it: loading the folder must give a knowledge
//! base or errors, never a panic, and a knowledge base that loads must answer. The input
//! replaces `stages.toml` among the shipped files, so the loader's later stages (validation,
//! ids, related links) are reached, not only the TOML parser.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sarcoma_bot::answer::Answerer;
use sarcoma_bot::knowledge::KnowledgeBase;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SHIPPED: [&str; 12] = [
    "about.toml",
    "types.toml",
    "drugs.toml",
    "treatments.toml",
    "glossary.toml",
    "support.toml",
    "messages.toml",
    "lexicon.toml",
    "safety/replies.toml",
    "safety/rules.toml",
    "safety/examples.tsv",
    "safety/checks.tsv",
];

/// One folder per fuzzing process, holding the shipped files; only `stages.toml` changes.
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let knowledge = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge");
        let dir = std::env::temp_dir().join(format!("sarcoma-bot-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("safety")).expect("temp folder");
        for f in SHIPPED {
            std::fs::copy(knowledge.join(f), dir.join(f)).expect("shipped knowledge");
        }
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = folder();
    std::fs::write(dir.join("stages.toml"), data).expect("temp file");
    match KnowledgeBase::from_dir(dir) {
        Ok(loaded) => {
            let answerer = Answerer::new(loaded.kb);
            assert!(!answerer.ask("stage 4").reply.to_text().trim().is_empty());
        }
        Err(e) => assert!(!e.problems.is_empty() && e.to_string().contains("error")),
    }
});
