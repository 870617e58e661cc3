//! Speed targets: matching a question well under 20 µs, building the index from the
//! embedded knowledge well under 5 ms. Run with `cargo bench --bench matcher`.

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

    c.bench_function("build_index_from_embedded_knowledge", |b| {
        b.iter(|| {
            let kb = KnowledgeBase::embedded().expect("built-in knowledge").kb;
            black_box(Matcher::new(&kb))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
