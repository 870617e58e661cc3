//! Speed targets: matching a question well under 20 µs, any message up to Discord's 4000
//! characters well under 5 ms. Run with `cargo bench --bench matcher`.
//!
//! The rebuild is timed so that a reload's cost stays in view; it has no target of its own.
//! The old 5 ms target came before the learned router and safety model, and a reload runs
//! off the answering path, so members never wait for it. The rebuild reuses the models the
//! first build trained, as a reload that changes no example does. A first build, training and
//! all, is timed as the start-up of `sarcoma-bot match`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sarcoma_bot::knowledge::KnowledgeBase;
use sarcoma_bot::matcher::Matcher;
use std::hint::black_box;

fn dev_questions() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dev.tsv");
    std::fs::read_to_string(path)
        .expect("tests/fixtures/dev.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next().map(str::to_owned))
        .collect()
}

fn bench(c: &mut Criterion) {
    let kb = KnowledgeBase::embedded().expect("built-in knowledge").kb;
    let matcher = Matcher::new(&kb);
    let questions = dev_questions();

    let mut group = c.benchmark_group("match");
    group.throughput(Throughput::Elements(questions.len() as u64));
    group.bench_function(BenchmarkId::new("dev_set", questions.len()), |b| {
        b.iter(|| {
            for q in &questions {
                black_box(matcher.find(black_box(q)));
            }
        })
    });
    let worst = "stgae chemoterapy raditation sugery ".repeat(60);
    group.throughput(Throughput::Elements(1));
    group.bench_function("typos_2000_chars", |b| {
        b.iter(|| black_box(matcher.find(black_box(&worst))))
    });
    group.finish();

    let mut group = c.benchmark_group("hostile_4000");
    group.throughput(Throughput::Elements(1));
    for (name, message) in hostile_messages() {
        assert_eq!(message.chars().count(), DISCORD_LIMIT, "{name}");
        group.bench_function(name, |b| b.iter(|| black_box(matcher.find(black_box(&message)))));
    }
    group.finish();

    c.bench_function("rebuild_index_from_embedded_knowledge", |b| {
        b.iter(|| {
            let kb = KnowledgeBase::embedded().expect("built-in knowledge").kb;
            black_box(Matcher::new(&kb))
        })
    });
}

/// Discord's message limit (with Nitro), and what the matcher reads.
const DISCORD_LIMIT: usize = 4000;

/// `piece` repeated to exactly Discord's limit.
fn filled(piece: &str) -> String {
    piece.chars().cycle().take(DISCORD_LIMIT).collect()
}

/// The slowest shapes of message found by fuzzing and by reading the matcher: each makes one
/// of its stages do the most work a message can ask of it.
fn hostile_messages() -> Vec<(&'static str, String)> {
    // Distinct long unknown words, each also spelt "by ear" in up to seven ways: the typo
    // search at its widest for every word, with nothing for a per-message cache to reuse.
    let by_ear: String = ('a'..='z')
        .flat_map(|a| ('a'..='z').map(move |b| format!("skfeexer{a}{b} ")))
        .collect();
    let zalgo: String = "stage 4 "
        .chars()
        .flat_map(|c| std::iter::once(c).chain("\u{0301}\u{0336}\u{0352}\u{0489}\u{20DD}".chars()))
        .collect();
    vec![
        ("typos", filled("stgae chemoterapy raditation sugery ")),
        ("by_ear_misspellings", filled(&by_ear)),
        (
            "vocabulary_without_spaces",
            filled("chemotherapyradiationsurgery"),
        ),
        ("zalgo", filled(&zalgo)),
        (
            "zero_width_between_letters",
            filled("s\u{200B}t\u{200D}a\u{2067}g\u{FEFF}e\u{2069} 4 "),
        ),
        (
            "stages_and_numbers",
            filled("stage 4 stage iv 3rd stage stage3b 38.5 "),
        ),
        (
            "one_phrase_word_far_from_the_other",
            format!("{}say no", filled("no ").split_at(DISCORD_LIMIT - 6).0),
        ),
        ("negations_and_idioms", filled("not about chemo trial and error ")),
        (
            "mentions_and_emoji",
            filled("<@123456789012345678> 👨\u{200D}👩\u{200D}👧 <t:1700000000:R> ||x|| "),
        ),
    ]
}

criterion_group!(benches, bench);
criterion_main!(benches);
