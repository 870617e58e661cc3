//! Any message a member can send, as bytes read leniently as UTF-8: matching and building the
//! reply must not panic, must give a reply, and must stay fast. libFuzzer's `-timeout` only
//! sees whole seconds, so the slowest input so far is written to
//! `artifacts/matcher/slowest` with its time, to be measured again in a release build.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sarcoma_bot::answer::Answerer;
use sarcoma_bot::knowledge::KnowledgeBase;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

fn answerer() -> &'static Answerer {
    static A: OnceLock<Answerer> = OnceLock::new();
    A.get_or_init(|| Answerer::new(KnowledgeBase::embedded().expect("built-in knowledge").kb))
}

static SLOWEST: Mutex<Duration> = Mutex::new(Duration::ZERO);

fuzz_target!(|data: &[u8]| {
    let question = String::from_utf8_lossy(data);
    let answerer = answerer();
    let start = Instant::now();
    let answer = answerer.ask(&question);
    let took = start.elapsed();
    assert!(
        !answer.reply.to_text().trim().is_empty(),
        "empty reply to {question:?}"
    );
    assert!(answer.matched.score.is_finite());
    let mut slowest = SLOWEST.lock().unwrap_or_else(|e| e.into_inner());
    if took > *slowest {
        *slowest = took;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/artifacts/matcher");
        if std::fs::create_dir_all(dir).is_ok() {
            let _ = std::fs::write(format!("{dir}/slowest"), data);
            let _ = std::fs::write(
                format!("{dir}/slowest.txt"),
                format!("{took:?} for {} bytes\n", data.len()),
            );
        }
    }
});
