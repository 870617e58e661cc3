//! The `sarcoma-bot` command as a user runs it: `ask`, `match` and `check`, on the shipped
//! knowledge and on broken copies of it.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use support::knowledge::shipped;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sarcoma-bot"));
    // Run outside the project so no config.toml is picked up by accident.
    c.current_dir(std::env::temp_dir());
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run sarcoma-bot")
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sarcoma-bot");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A copy of the shipped knowledge in a fresh folder, to break on purpose.
fn knowledge_copy(name: &str) -> PathBuf {
    support::knowledge::fresh_copy(
        std::env::temp_dir().join(format!("sarcoma-bot-cli-{}-{name}", std::process::id())),
    )
}

fn edit(dir: &Path, file: &str, change: impl FnOnce(String) -> String) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = change(text.clone());
    assert_ne!(text, changed, "the edit to {file} changed nothing");
    std::fs::write(path, changed).unwrap();
}

fn check(dir: &Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec!["check", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(&args);
    (o.status.success(), stdout(&o))
}

#[test]
fn ask_prints_the_entry_with_source_date_and_disclaimer() {
    let o = run(&["ask", "what is stage 4?"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("Stage 4") || text.contains("stage 4"), "{text}");
    assert!(text.contains("Source"), "{text}");
    assert!(text.contains("Reviewed 20"), "{text}");
    assert!(text.contains("not medical advice"), "{text}");
}

#[test]
fn ask_json_carries_the_id_and_the_reply() {
    let o = run(&["ask", "--json", "chemoterapy"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "chemotherapy");
    assert_eq!(v["reply"]["kind"], "entry");
    assert_eq!(v["reply"]["entry"]["id"], "chemotherapy");
    assert!(
        v["reply"]["entry"]["sources"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
}

#[test]
fn ask_with_only_whitespace_gives_the_help_reply() {
    let o = run(&["ask", "--json", "   "]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "help");
    assert_eq!(v["reply"]["kind"], "help");
}

#[test]
fn ask_with_a_crisis_message_gives_only_the_safety_reply() {
    let o = run(&["ask", "i want to end my life"]);
    let text = stdout(&o);
    assert!(text.contains("988") && text.contains("116 123"), "{text}");
    assert!(!text.to_lowercase().contains("chemotherapy"), "{text}");
}

#[test]
fn ask_shows_the_safety_note_above_the_answer_as_the_bot_would() {
    let question = "my wound from surgery is leaking and smells, how long does healing take";
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(&["ask", "--json", question]))).unwrap();
    assert_eq!(json["safety_note"], "emergency", "{json}");
    let note = json["safety_note_text"].as_str().expect("the note's text");
    let text = stdout(&run(&["ask", question]));
    assert!(text.starts_with(note), "{text}");
    assert!(
        text.contains(json["reply"]["entry"]["title"].as_str().unwrap()),
        "{text}"
    );
}

#[test]
fn ask_reads_only_the_first_4000_characters_and_says_so() {
    let long = format!("radiation {}", "x ".repeat(3000));
    let o = run(&["ask", "--json", &long]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "radiation");
    assert!(v["note"].as_str().is_some_and(|n| n.contains("4000")));
}

#[test]
fn match_writes_one_object_per_line_in_order_and_survives_bad_bytes() {
    let input = b"stage iv\n\xff\xfe broken\nrads before the op?\nqwertyuiop\n\n";
    let o = run_with_stdin(&["match"], input);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["query"], "stage iv");
    assert_eq!(lines[0]["id"], "stage-4");
    assert!(lines[0]["score"].is_number() && lines[0]["alternatives"].is_array());
    assert!(lines[1]["id"].is_null());
    assert!(lines[1]["error"].as_str().unwrap().contains("line 2"));
    assert!(["radiation", "term-neoadjuvant"].contains(&lines[2]["id"].as_str().unwrap()));
    assert!(lines[3]["id"].is_null());
    assert_eq!(lines[4]["id"], "help");
}

#[test]
fn check_passes_on_the_shipped_knowledge() {
    let (ok, out) = check(&shipped(), &["--grades"]);
    assert!(ok, "{out}");
    assert!(out.contains("0 error(s)"), "{out}");
    assert!(out.contains("stage-4"), "{out}");
}

#[test]
fn the_router_learns_a_members_phrasing_from_questions_tsv_alone() {
    let dir = knowledge_copy("router");
    let ask = |dir: &Path| -> serde_json::Value {
        let o = run(&[
            "--knowledge",
            dir.to_str().unwrap(),
            "ask",
            "--json",
            "glimmerwort?",
        ]);
        serde_json::from_slice(&o.stdout).unwrap()
    };
    assert_ne!(
        ask(&dir)["id"],
        "hair-loss",
        "the word means nothing before it is taught"
    );
    edit(&dir, "questions.tsv", |t| {
        let taught = [
            "does glimmerwort work",
            "glimmerwort during chemo, worth trying",
            "who has tried glimmerwort",
            "where do i get glimmerwort",
            "is glimmerwort free on the nhs",
            "glimmerwort for my daughter",
        ];
        let lines: String = taught
            .iter()
            .map(|q| format!("{q}\thair-loss#cold-caps\n"))
            .collect();
        t + &lines
    });
    let after = ask(&dir);
    assert_eq!(after["id"], "hair-loss", "{after}");
    assert_eq!(after["section"], "cold-caps", "{after}");
}

#[test]
fn check_reports_a_question_labelled_with_an_unknown_part_by_file_and_line() {
    let dir = knowledge_copy("questions");
    let lines = std::fs::read_to_string(dir.join("questions.tsv"))
        .unwrap()
        .lines()
        .count();
    edit(&dir, "questions.tsv", |t| {
        t + "what happens now\tstage-4#no-such-part\nno label at all\n"
    });
    let (ok, out) = check(&dir, &[]);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!("questions.tsv:{}", lines + 1)) && out.contains("no section `no-such-part`"),
        "{out}"
    );
    assert!(out.contains(&format!("questions.tsv:{}", lines + 2)), "{out}");
}

#[test]
fn one_unclosed_entry_header_is_one_error_not_one_per_reference() {
    let dir = knowledge_copy("unclosed");
    edit(&dir, "treatments.toml", |t| {
        t.replacen("[[entry]]", "[[entry]", 1)
    });
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{out}");
    assert!(errors[0].contains("treatments.toml:"), "{out}");
    assert!(out.contains("1 error(s)"), "{out}");
}

/// The lexicon names entries too (a not-covered disease's closest entries, the entry that says
/// what the disease is): an id that names no entry is an error naming the list and the id.
#[test]
fn check_reports_a_decision_reply_left_empty() {
    let dir = knowledge_copy("lexicon-decision");
    edit(&dir, "lexicon.toml", |t| {
        t.lines()
            .map(|l| {
                if l.starts_with("reply = \"I can't make this choice") {
                    "reply = \"\""
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    assert!(
        out.contains("lexicon.toml: `decisions.reply` must hold 1 to"),
        "{out}"
    );
}

#[test]
fn check_reports_a_lexicon_id_that_names_no_entry() {
    let dir = knowledge_copy("lexicon-ids");
    edit(&dir, "lexicon.toml", |t| {
        t.replacen("closest = [\"about-sts\"", "closest = [\"no-such-entry\"", 1)
            .replacen(
                "about_the_disease_entry = \"about-sts\"",
                "about_the_disease_entry = \"gone\"",
                1,
            )
    });
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    assert!(
        out.contains("lexicon.toml: `not_covered[0].closest[0]` names an unknown entry `no-such-entry`"),
        "{out}"
    );
    assert!(
        out.contains("`about_the_disease_entry` names an unknown entry `gone`"),
        "{out}"
    );
}

#[test]
fn check_reports_a_syntax_error_with_file_and_line() {
    let dir = knowledge_copy("syntax");
    edit(&dir, "stages.toml", |t| format!("{t}\n[[entry]\nid = \"x\"\n"));
    let text = std::fs::read_to_string(dir.join("stages.toml")).unwrap();
    let line = text[..text.find("[[entry]\n").unwrap()].matches('\n').count() + 1;
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    assert!(
        out.contains(&format!("stages.toml:{line}:")),
        "want line {line}: {out}"
    );
}

/// A whole entry appended to a file: enough fields to pass parsing, and example questions
/// that reach it.
fn extra_entry(id: &str, related: &str) -> String {
    format!(
        "\n[[entry]]\nid = \"{id}\"\nkind = \"term\"\ntitle = \"Quixotic\"\nsummary = \"S.\"\nrelated = [\"{related}\"]\n\
         examples = [\"what is quixotic\", \"quixotic meaning\", \"tell me about quixotic\"]\n\
         reviewed = 2026-11-27\nnext_review = 2099-01-01\n\
         [[entry.sections]]\nid = \"h\"\nheading = \"Zebra facts\"\ntext = \"Text.\"\n\
         examples = [\"quixotic zebra facts\", \"zebra facts on quixotic\", \"quixotic and zebras\"]\n\
         [[entry.sources]]\ntitle = \"NCI\"\nurl = \"https://www.cancer.gov\"\n"
    )
}

#[test]
fn check_reports_duplicate_ids_and_unknown_related_ids() {
    let dir = knowledge_copy("dup");
    edit(&dir, "glossary.toml", |t| {
        t + &extra_entry("surgery", "no-such-entry")
    });
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    assert!(
        out.contains("duplicate id `surgery`") && out.contains("first defined at"),
        "{out}"
    );
    assert!(out.contains("unknown id `no-such-entry`"), "{out}");
}

#[test]
fn check_reports_a_missing_required_id() {
    let dir = knowledge_copy("missing");
    edit(&dir, "glossary.toml", |t| {
        t.replace("id = \"term-grade\"", "id = \"term-grading\"")
    });
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    assert!(out.contains("required entry `term-grade` is missing"), "{out}");
}

#[test]
fn check_reports_text_over_discords_limits_and_missing_sources() {
    let dir = knowledge_copy("limits");
    let long = "word ".repeat(250);
    edit(&dir, "glossary.toml", |t| {
        t + &extra_entry("term-long", "surgery")
            .replace("text = \"Text.\"", &format!("text = \"{long}\""))
            .replace(
                "[[entry.sources]]\ntitle = \"NCI\"\nurl = \"https://www.cancer.gov\"\n",
                "",
            )
    });
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    assert!(
        out.contains("entry `term-long`: `sections[0].text` is 1250 characters; the limit is 1000"),
        "{out}"
    );
    assert!(out.contains("entry `term-long`: no `sources`"), "{out}");
}

#[test]
fn check_warns_about_an_overdue_review_and_fails_it_when_strict() {
    let dir = knowledge_copy("overdue");
    edit(&dir, "glossary.toml", |t| {
        t + &extra_entry("term-old", "surgery")
            .replace("2099-01-01", "2027-01-01")
            .replace("reviewed = 2026-11-27", "reviewed = 2020-01-01")
            .replace("next_review = 2027-01-01", "next_review = 2021-01-01")
    });
    let (ok, out) = check(&dir, &[]);
    assert!(ok, "a warning alone does not fail: {out}");
    assert!(
        out.contains("warning:") && out.contains("review overdue"),
        "{out}"
    );
    let (ok, _) = check(&dir, &["--strict"]);
    assert!(!ok);
}

#[test]
fn check_reports_unknown_keys_binary_files_and_empty_folders() {
    let dir = knowledge_copy("keys");
    edit(&dir, "stages.toml", |t| t.replacen("title =", "titel =", 1));
    std::fs::write(dir.join("binary.toml"), [0u8, 159, 146, 150, 255]).unwrap();
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    assert!(out.contains("unknown field `titel`"), "{out}");
    assert!(out.contains("binary.toml: the file is not UTF-8 text"), "{out}");

    let empty = std::env::temp_dir().join(format!("sarcoma-bot-cli-{}-empty", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let (ok, out) = check(&empty, &[]);
    assert!(!ok);
    assert!(out.contains("no .toml knowledge files"), "{out}");
}

#[test]
fn a_broken_knowledge_folder_stops_ask_with_a_clear_message() {
    let dir = knowledge_copy("ask-broken");
    std::fs::remove_file(dir.join("safety").join("replies.toml")).unwrap();
    let o = run(&["--knowledge", dir.to_str().unwrap(), "ask", "chemo"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("safety/replies.toml") && err.contains("crisis and emergency"),
        "{err}"
    );
}

#[test]
fn serve_without_a_token_says_how_to_set_one() {
    let o = bin()
        .args(["serve"])
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("DISCORD_TOKEN") && err.contains("token_file"),
        "{err}"
    );
}

#[test]
fn serve_reads_the_token_file_and_never_prints_the_token() {
    let dir = knowledge_copy("token");
    let secret = "very-secret-token-value-123";
    std::fs::write(dir.join("token.txt"), format!("{secret}\n")).unwrap();
    std::fs::write(
        dir.join("bot.conf"),
        "[discord]\ntoken_file = \"token.txt\"\napi_base = \"ftp://nowhere\"\n",
    )
    .unwrap();
    let o = bin()
        .args(["--config", dir.join("bot.conf").to_str().unwrap(), "serve"])
        .env_remove("DISCORD_TOKEN")
        .env_remove("DISCORD_API_BASE")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("must start with http"),
        "the token was read, then the base refused: {err}"
    );
    assert!(!err.contains(secret) && !String::from_utf8_lossy(&o.stdout).contains(secret));

    std::fs::write(dir.join("bot.conf"), "[discord]\ntoken_file = \"missing.txt\"\n").unwrap();
    let o = bin()
        .args(["--config", dir.join("bot.conf").to_str().unwrap(), "serve"])
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("missing.txt"), "{err}");
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let mut child = bin()
        .args(["match"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    // The writes fail once the bot notices its reader is gone; that is the point.
    let _ = stdin.write_all("stage 4\n".repeat(50_000).as_bytes());
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn match_reads_long_lines_of_any_script_and_keeps_the_first_4000_characters() {
    // The case: 9,015 bytes of valid text, once cut mid-character at 8,192 bytes.
    let cjk = format!("what is chemo? {}", "あ".repeat(3000));
    let cyrillic = format!("what is chemo? {}", "ж".repeat(5000));
    let combining = format!("what is chemo? {}", "e\u{301}".repeat(3000));
    let input = format!("{cjk}\n{cyrillic}\n{combining}\nstage iv\n");
    let o = run_with_stdin(&["match"], input.as_bytes());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    for (line, sent) in lines.iter().zip([&cjk, &cyrillic, &combining]) {
        assert!(line.get("error").is_none(), "{line:.200}");
        assert_eq!(line["id"], "chemotherapy", "{:.80}", line["query"]);
        let query = line["query"].as_str().unwrap();
        assert_eq!(query.chars().count(), sent.chars().count().min(4000));
        assert!(sent.starts_with(query));
    }
    assert_eq!(lines[3]["id"], "stage-4");
}

#[test]
fn ask_takes_a_long_question_in_any_script_and_says_it_read_only_the_start() {
    let question = format!("what is chemo? {}", "あ".repeat(5000));
    let o = run(&["ask", "--json", &question]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "chemotherapy");
    assert!(v["note"].as_str().is_some_and(|n| n.contains("4000")));
}

#[test]
fn invite_refuses_an_application_id_of_zero() {
    let o = run(&["invite", "--client-id", "0"]);
    assert!(!o.status.success());
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not an application id"), "{err}");
    let o = run(&["invite", "--client-id", "42"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("client_id=42&"), "{}", stdout(&o));
}

#[test]
fn config_errors_are_one_sentence_and_an_os_error_is_said_once() {
    let o = run(&["--config", "/nonexistent/sarcoma-bot.toml", "ask", "hi"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let dir = std::env::temp_dir().join(format!("sarcoma-bot-cli-{}-level", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(&config, "log_level = \"verbose\"\n").unwrap();
    let o = bin()
        .args(["--config", config.to_str().unwrap(), "serve"])
        .env("DISCORD_TOKEN", "not-a-secret")
        .env("DISCORD_API_BASE", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("config.toml:1: log_level: \"verbose\" is not a log level"),
        "{err}"
    );
}

#[test]
fn ask_prints_the_matched_section_under_the_title_and_full_prints_the_entry() {
    let o = run(&["ask", "radiation for stage 2"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(
        text.starts_with("**Stage 2 soft tissue sarcoma**\n\n**Treatment**\n"),
        "{text}"
    );
    assert!(!text.contains("**What stage 2 means**"), "{text}");
    assert!(
        text.contains("Source") && text.contains("not medical advice"),
        "{text}"
    );
    let o = run(&["ask", "--full", "radiation for stage 2"]);
    let text = stdout(&o);
    assert!(
        text.contains("**What stage 2 means**") && text.contains("**Treatment**"),
        "{text}"
    );
    let o = run(&["ask", "--json", "chemo side effects"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["section"], "side-effects");
    assert_eq!(v["reply"]["section"]["id"], "side-effects");
}

#[test]
fn match_names_the_section_or_null_for_the_whole_entry() {
    let o = run_with_stdin(&["match"], b"chemo side effects\ntell me about chemo\nthanks\n");
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["id"], "chemotherapy");
    assert_eq!(lines[0]["section"], "side-effects");
    assert_eq!(lines[1]["id"], "chemotherapy");
    assert!(lines[1]["section"].is_null());
    assert!(lines[2]["id"].is_null() && lines[2]["section"].is_null());
}

#[test]
fn check_routes_lists_example_questions_that_land_elsewhere_and_check_fails_on_them() {
    let dir = knowledge_copy("routes");
    let (ok, out) = check(&dir, &["--routes"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("0 of ") && out.contains("example questions land elsewhere"),
        "{out}"
    );
    edit(&dir, "treatments.toml", |t| {
        t.replace(
            "\"how is chemo given\"",
            "\"what does stage 4 mean for the cancer\"",
        )
    });
    let (ok, out) = check(&dir, &["--routes"]);
    assert!(!ok, "{out}");
    assert!(out.contains("1 of "), "{out}");
    assert!(
        out.contains(
            "entry `chemotherapy`: `sections[2].examples[0]` \"what does stage 4 mean for the cancer\" lands on stage-4"
        ) && out.contains("not chemotherapy#how-given")
            && out.contains("treatments.toml:"),
        "{out}"
    );
    let (ok, out) = check(&dir, &[]);
    assert!(!ok && out.contains("lands on stage-4"), "{out}");
}

#[test]
fn check_reports_bad_section_ids_few_examples_and_an_alias_on_two_entries() {
    let dir = knowledge_copy("sections");
    edit(&dir, "treatments.toml", |t| {
        t.replacen("id = \"what-it-is\"", "id = \"What_it_is\"", 1)
            .replacen("id = \"main-factors\"", "id = \"your-say\"", 1)
            .replace("aliases = [\"chemo\",", "aliases = [\"rads\", \"chemo\",")
    });
    edit(&dir, "stages.toml", |t| {
        t.replacen(
            "examples = [\n  \"tell me about stage 1\",\n  \"about stage 1 soft tissue sarcoma\",\n",
            "examples = [\n",
            1,
        )
    });
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    assert!(
        out.contains("entry `surgery`: `sections[0].id` \"What_it_is\" is not kebab-case"),
        "{out}"
    );
    assert!(
        out.contains("entry `treatment-factors`: `sections[1].id` \"your-say\" repeats"),
        "{out}"
    );
    assert!(
        out.contains("entry `surgery`: `sections` must have exactly the ids"),
        "{out}"
    );
    assert!(
        out.contains("entry `radiation`: `aliases[2]` \"rads\" is already an alias of entry `chemotherapy`")
            || out.contains(
                "entry `chemotherapy`: `aliases[0]` \"rads\" is already an alias of entry `radiation`"
            ),
        "{out}"
    );
    assert!(
        out.contains("stages.toml:")
            && out.contains("entry `stage-1`: `examples` has 1 example questions; it needs 3 to 8"),
        "{out}"
    );
}

#[test]
fn check_refuses_a_lexicon_item_the_matcher_could_never_match() {
    let dir = knowledge_copy("lexicon");
    edit(&dir, "lexicon.toml", |t| {
        t.replacen("idioms = [\n", "idioms = [\n    \"Trial-And-Error!\",\n", 1)
    });
    let (ok, out) = check(&dir, &[]);
    assert!(!ok);
    assert!(
        out.contains("lexicon.toml") && out.contains("`idioms[0]` \"Trial-And-Error!\" can never match"),
        "{out}"
    );
}
