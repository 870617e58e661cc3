//! Hostile input, generated: no message and no knowledge file may panic the bot, and what
//! decorates a question (zalgo marks, zero-width and direction characters, emoji, markdown,
//! mentions, code blocks) must not change its answer. Timing is measured in
//! `benches/matcher.rs` and by the coverage-guided fuzz targets in `fuzz/`, not here.

use proptest::prelude::*;
use sarcoma_bot::answer::Answerer;
use sarcoma_bot::knowledge::{KnowledgeBase, LoadError, Loaded};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Discord's message limit (with Nitro): the longest message a member can send.
const DISCORD_LIMIT: usize = 4000;

const FILES: [&str; 13] = [
    "about.toml",
    "types.toml",
    "drugs.toml",
    "treatments.toml",
    "stages.toml",
    "glossary.toml",
    "support.toml",
    "messages.toml",
    "lexicon.toml",
    "safety/replies.toml",
    "safety/rules.toml",
    "safety/examples.tsv",
    "safety/checks.tsv",
];

/// Characters that print as nothing: zero-width spaces and joiners, the soft hyphen, the
/// word joiner, the byte-order mark, the Mongolian vowel separator, emoji tag characters.
const ZERO_WIDTH: &[char] = &[
    '\u{200B}',
    '\u{200C}',
    '\u{200D}',
    '\u{2060}',
    '\u{FEFF}',
    '\u{00AD}',
    '\u{180E}',
    '\u{E0067}',
    '\u{E007F}',
];

/// Direction marks, embeddings, overrides and isolates (left-to-right and right-to-left).
const DIRECTION: &[char] = &[
    '\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Emoji as members send them: skin tones, ZWJ families and flags, tag-sequence flags, keycaps.
const EMOJI: &[&str] = &[
    "🙏",
    "💜",
    "👍🏽",
    "🙋🏿\u{200D}♀\u{FE0F}",
    "👨\u{200D}👩\u{200D}👧\u{200D}👦",
    "🏳\u{FE0F}\u{200D}🌈",
    "❤\u{FE0F}\u{200D}🩹",
    "🇬🇧",
    "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
    "#\u{FE0F}\u{20E3}",
    "🫶🏻",
];

/// Discord's markdown, as markers and as blocks.
const MARKUP: &[&str] = &[
    "**",
    "__",
    "*",
    "_",
    "~~",
    "||",
    "`",
    "```",
    "> ",
    ">>> ",
    "# ",
    "## ",
    "-# ",
    "- ",
    "---",
    "\n",
    "```rust\n```",
    "[](https://example.org/)",
];

/// Mentions of members, roles and channels, custom emoji, timestamps and slash commands.
const MENTIONS: &[&str] = &[
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&223456789012345678>",
    "<#323456789012345678>",
    "<:hug:423456789012345678>",
    "<a:wave:523456789012345678>",
    "<t:1700000000:R>",
    "</ask:623456789012345678>",
    "@everyone",
    "@here",
];

/// Markdown a whole question may be wrapped in.
const WRAPPERS: &[(&str, &str)] = &[
    ("", ""),
    ("**", "**"),
    ("__", "__"),
    ("*", "*"),
    ("_", "_"),
    ("~~", "~~"),
    ("||", "||"),
    ("`", "`"),
    ("```\n", "\n```"),
    ("```txt\n", "\n```"),
    ("# ", ""),
    ("## ", ""),
    ("-# ", ""),
    ("> ", ""),
    (">>> ", ""),
    ("- ", ""),
    ("[", "](https://example.org/)"),
    ("***__", "__***"),
];

/// Questions with the entry they must get, bare or in disguise.
const QUESTIONS: &[(&str, &str)] = &[
    ("stage 4", "stage-4"),
    ("what is stage 4", "stage-4"),
    ("stage iv", "stage-4"),
    ("what does metastatic mean", "term-metastatic"),
    ("chemo side effects", "chemotherapy"),
    ("is surgery an option", "surgery"),
    ("what is a clinical trial", "clinical-trials"),
    ("how does radiation work", "radiation"),
];

fn answerer() -> &'static Answerer {
    static A: OnceLock<Answerer> = OnceLock::new();
    A.get_or_init(|| Answerer::new(KnowledgeBase::embedded().expect("built-in knowledge").kb))
}

/// Combining marks stacked on letters: the diacritics blocks, Cyrillic and symbol marks.
fn combining_mark() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::char::range('\u{0300}', '\u{036F}'),
        prop::char::range('\u{0483}', '\u{0489}'),
        prop::char::range('\u{20D0}', '\u{20F0}'),
        prop::char::range('\u{FE20}', '\u{FE2F}'),
    ]
}

fn zalgo_stack(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(combining_mark(), 1..=max).prop_map(String::from_iter)
}

/// Pieces that carry no words (mention ids are numbers no question uses), so any amount of
/// them around a question must leave its answer alone.
fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        zalgo_stack(40),
        prop::collection::vec(prop::sample::select(ZERO_WIDTH), 1..20).prop_map(String::from_iter),
        prop::collection::vec(prop::sample::select(DIRECTION), 1..6).prop_map(String::from_iter),
        prop::sample::select(EMOJI).prop_map(str::to_owned),
        prop::sample::select(MARKUP).prop_map(str::to_owned),
        prop::sample::select(MENTIONS).prop_map(str::to_owned),
        Just("\u{3164}".to_owned()),
    ]
}

/// Everything members send, words included.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z]{1,12}",
        1 => "[a-z]{20,200}",
        1 => prop::sample::select(vec!["stage", "IV", "chemo", "can't", "sarcoma", "grade", "not", "4th"])
            .prop_map(str::to_owned),
        1 => "[0-9]{1,6}",
        1 => "\\PC{1,8}",
        1 => any::<char>().prop_map(String::from),
        1 => "```[a-z]{0,6}\n[ -~\n]{0,80}\n```",
        1 => "[a-z]{3,10}".prop_flat_map(|w| (Just(w.clone()), prop::collection::vec(zalgo_stack(30), w.len())))
            .prop_map(|(w, marks)| zalgo(&w, &marks)),
        4 => noise(),
    ]
}

/// A message of any length up to Discord's limit, mixing words and decoration.
fn message() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..700).prop_map(|parts| {
        let text = parts.join(" ");
        text.chars().take(DISCORD_LIMIT).collect()
    })
}

fn zalgo(word: &str, marks: &[String]) -> String {
    word.chars()
        .zip(marks.iter().map(String::as_str).chain(std::iter::repeat("")))
        .flat_map(|(c, m)| std::iter::once(c).chain(m.chars()))
        .collect()
}

/// How a question is dressed up: something invisible or a combining stack after each of its
/// characters, a markdown wrapper, direction controls around it or its words, emoji beside it.
#[derive(Clone, Debug)]
struct Disguise {
    after_each_char: Vec<String>,
    wrapper: (&'static str, &'static str),
    direction: (char, char),
    before_words: Option<char>,
    emoji: &'static str,
}

impl Disguise {
    fn apply(&self, question: &str) -> String {
        let words: Vec<String> = question
            .split(' ')
            .map(|w| match self.before_words {
                Some(mark) => format!("{mark}{w}"),
                None => w.to_owned(),
            })
            .collect();
        let dressed = zalgo(&words.join(" "), &self.after_each_char);
        let (open, close) = self.wrapper;
        let (start, end) = self.direction;
        format!("{}{start}{open}{dressed}{close}{end} {}", self.emoji, self.emoji)
    }
}

fn disguise() -> impl Strategy<Value = Disguise> {
    let per_char = prop_oneof![
        Just(String::new()),
        prop::collection::vec(prop::sample::select(ZERO_WIDTH), 1..4).prop_map(String::from_iter),
        zalgo_stack(12),
        prop::sample::select(DIRECTION).prop_map(String::from),
    ];
    (
        prop::collection::vec(per_char, 40),
        prop::sample::select(WRAPPERS),
        prop::sample::select(vec![
            (' ', ' '),
            ('\u{202E}', '\u{202C}'),
            ('\u{2067}', '\u{2069}'),
            ('\u{2066}', '\u{2069}'),
            ('\u{200F}', '\u{200E}'),
        ]),
        prop::option::of(prop::sample::select(DIRECTION)),
        prop::sample::select(EMOJI),
    )
        .prop_map(
            |(after_each_char, wrapper, direction, before_words, emoji)| Disguise {
                after_each_char,
                wrapper,
                direction,
                before_words,
                emoji,
            },
        )
}

/// A question in disguise with noise on both sides, cut so that the whole message stays
/// within Discord's limit and the question is read.
fn hidden_question() -> impl Strategy<Value = (String, &'static str)> {
    (
        prop::sample::select(QUESTIONS),
        disguise(),
        prop::collection::vec(noise(), 0..300),
        prop::collection::vec(noise(), 0..300),
    )
        .prop_map(|((question, id), disguise, before, after)| {
            let dressed = disguise.apply(question);
            let room = DISCORD_LIMIT.saturating_sub(dressed.chars().count() + 2);
            let before = whole_pieces(&before, room / 2);
            let after = whole_pieces(&after, room - before.chars().count());
            (format!("{before} {dressed} {after}"), id)
        })
}

/// As many whole pieces as fit in `room` characters: a piece cut short can make a word
/// ("https://example.org" cut to "https://exam" says "exam", a word of another domain).
fn whole_pieces(pieces: &[String], room: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for piece in pieces {
        let len = piece.chars().count() + usize::from(!out.is_empty());
        if used + len > room {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(piece);
        used += len;
    }
    out
}

/// A fresh folder per case: the tests of this file run on several threads at once.
fn temp_dir(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("sarcoma-bot-hostile-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn shipped(file: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge").join(file)).unwrap()
}

/// The shipped knowledge with `file` replaced by `bytes`, loaded from disk.
fn load_with(file: &str, bytes: &[u8]) -> Result<Loaded, LoadError> {
    let dir = temp_dir("kb");
    std::fs::create_dir_all(dir.join("safety")).unwrap();
    for f in FILES {
        std::fs::write(dir.join(f), shipped(f)).unwrap();
    }
    std::fs::write(dir.join(file), bytes).unwrap();
    let result = KnowledgeBase::from_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A knowledge folder that loads must answer; one that does not must say where it failed (a
/// missing entry is the folder's problem, not one file's).
fn assert_handled(result: Result<Loaded, LoadError>) {
    match result {
        Ok(loaded) => {
            assert!(!loaded.kb.entries().is_empty());
            let answerer = Answerer::new(loaded.kb);
            assert!(!answerer.ask("stage 4").reply.to_text().trim().is_empty());
        }
        Err(e) => {
            assert!(!e.problems.is_empty());
            assert!(e.problems.iter().all(|p| !p.file.is_empty()), "{e}");
            assert!(e.to_string().contains("error"), "{e}");
        }
    }
}

/// Pieces that break parsers: nesting, unterminated strings and tables, control bytes,
/// invalid UTF-8, and long runs.
fn toml_poison() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (1usize..5000).prop_map(|n| format!("x = {}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
        (1usize..5000).prop_map(|n| format!("x = {}1{}", "{a = ".repeat(n), "}".repeat(n)).into_bytes()),
        (1usize..5000).prop_map(|n| format!("[{}]", vec!["a"; n].join(".")).into_bytes()),
        (1usize..5000).prop_map(|n| "[[".repeat(n).into_bytes()),
        Just(b"\0".to_vec()),
        Just(b"\xFF\xFE".to_vec()),
        Just(b"\xC3".to_vec()),
        Just(b"\"\"\"".to_vec()),
        Just(b"'''".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n[[entry]]\n".to_vec()),
        Just(b"\nid = \"stage-4\"\n".to_vec()),
        Just(b"reviewed = 9999-99-99\n".to_vec()),
        (1usize..200_000).prop_map(|n| "a".repeat(n).into_bytes()),
        prop::collection::vec(any::<u8>(), 1..64),
    ]
}

#[test]
fn every_disguise_is_seen_through_when_alone() {
    for (question, id) in QUESTIONS {
        for (open, close) in WRAPPERS {
            for mark in ZERO_WIDTH.iter().chain(DIRECTION) {
                let spaced: String = question.chars().flat_map(|c| [c, *mark]).collect();
                let q = format!("{open}{spaced}{close}");
                assert_eq!(
                    answerer().ask(&q).matched.intent.as_ref().map(|i| i.id()),
                    Some(*id),
                    "{q:?}"
                );
            }
        }
    }
}

#[test]
fn a_question_after_discords_limit_is_not_read_and_the_reply_says_so() {
    let padding = "🙏".repeat(DISCORD_LIMIT);
    let answer = answerer().ask(&format!("{padding} stage 4"));
    assert_eq!(answer.matched.intent, None);
    assert!(answer.note.as_deref().is_some_and(|n| n.contains("4000")));
    let within = format!("{} stage 4", "🙏".repeat(DISCORD_LIMIT - 8));
    assert_eq!(
        answerer().ask(&within).matched.intent.as_ref().map(|i| i.id()),
        Some("stage-4")
    );
}

#[test]
fn deeply_nested_or_huge_toml_is_an_error_naming_the_file() {
    let depth = 200_000;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "arrays",
            format!("x = {}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes(),
        ),
        (
            "inline tables",
            format!("x = {}1{}", "{a = ".repeat(depth / 5), "}".repeat(depth / 5)).into_bytes(),
        ),
        (
            "dotted keys",
            format!("[{}]\n", vec!["a"; depth / 2].join(".")).into_bytes(),
        ),
        ("unclosed arrays", "x = [".repeat(depth).into_bytes()),
        (
            "one huge string",
            format!("x = \"{}\"", "a".repeat(1_000_000)).into_bytes(),
        ),
        ("NUL bytes", b"[[entry]]\nid = \"a\0b\"\n\0\0\0".to_vec()),
        ("invalid UTF-8", b"[[entry]]\nid = \"\xFF\xC3\"\n".to_vec()),
        ("over the size limit", vec![b'#'; 8 << 20]),
    ];
    for (what, bytes) in cases {
        let err = load_with("extra.toml", &bytes).expect_err(what);
        assert!(
            err.problems.iter().any(|p| p.file.ends_with("extra.toml")),
            "{what}: {err}"
        );
    }
}

#[test]
fn a_huge_summary_is_reported_as_too_long_for_discord() {
    let text = String::from_utf8(shipped("stages.toml")).unwrap();
    let long = text.replacen(
        "summary = \"",
        &format!("summary = \"{} ", "word ".repeat(150_000)),
        1,
    );
    let err = load_with("stages.toml", long.as_bytes()).expect_err("a summary no embed can hold");
    assert!(err.to_string().contains("stages.toml"), "{err}");
}

proptest! {
    // Long messages are slow to match in a debug build; the fuzz targets in fuzz/ run millions.
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    #[test]
    fn any_message_gets_a_reply_and_never_panics(q in message()) {
        let answer = answerer().ask(&q);
        prop_assert!(!answer.reply.to_text().trim().is_empty());
        prop_assert!(answer.matched.score.is_finite());
        prop_assert!(answer.matched.alternatives.len() <= 3);
        prop_assert!(answer.note.is_none());
    }

    #[test]
    fn a_question_hidden_in_decoration_gets_its_answer((q, id) in hidden_question()) {
        prop_assert!(q.chars().count() <= DISCORD_LIMIT);
        let answer = answerer().ask(&q);
        prop_assert_eq!(answer.matched.intent.as_ref().map(|i| i.id()), Some(id), "{:?}", q);
    }

    #[test]
    fn any_string_up_to_discords_4000_characters_is_matched(q in "\\PC{0,4000}") {
        let m = answerer().matcher().find(&q);
        prop_assert!(m.score.is_finite());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn a_damaged_knowledge_file_is_reported_never_panicked_on(
        file in prop::sample::select(FILES.to_vec()),
        cut in 0.0f64..1.0,
        flips in prop::collection::vec((0.0f64..1.0, any::<u8>()), 0..4),
        poison in prop::collection::vec((0.0f64..1.0, toml_poison()), 0..3),
    ) {
        let mut bytes = shipped(file);
        bytes.truncate((bytes.len() as f64 * cut) as usize);
        for (at, b) in flips {
            if !bytes.is_empty() {
                let i = ((bytes.len() - 1) as f64 * at) as usize;
                bytes[i] = b;
            }
        }
        for (at, piece) in poison {
            let i = (bytes.len() as f64 * at) as usize;
            bytes.splice(i..i, piece);
        }
        assert_handled(load_with(file, &bytes));
    }

    #[test]
    fn arbitrary_bytes_as_a_knowledge_file_are_reported(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let dir = temp_dir("bytes");
        std::fs::write(dir.join("extra.toml"), &bytes).unwrap();
        let err = KnowledgeBase::from_dir(&dir).expect_err("one random file is never a whole knowledge base");
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert!(err.problems.iter().any(|p| p.file.ends_with("extra.toml") || p.file.ends_with("replies.toml")));
    }
}
