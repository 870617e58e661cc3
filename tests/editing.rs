//! The README's "Editing an entry" walk, done exactly as written: the entry block is taken
//! from the README itself, added to a copy of `knowledge/`, checked, and asked about. Only
//! knowledge files change; no Rust and no test is edited to add an entry.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use sarcoma_bot::knowledge::KnowledgeBase;

const QUESTION: &str = "do anthracyclines affect the heart";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sarcoma-bot"))
        .current_dir(std::env::temp_dir())
        .args(args)
        .output()
        .expect("run sarcoma-bot")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The first TOML block of the README's "Editing an entry" section, without the indent of
/// the list item it sits in.
fn readme_entry() -> (String, String) {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README.md");
    let section = &readme[readme.find("### Editing an entry").expect("the editing section")..];
    let start = section.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + section[start..].find("```").expect("the end of the block");
    let block = section[start..end]
        .lines()
        .map(|l| l.strip_prefix("   ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    (block, section.to_owned())
}

#[test]
fn the_readme_walk_adds_an_entry_with_sections_using_knowledge_files_only() {
    let (block, walk) = readme_entry();
    assert!(
        walk.contains(&format!("ask \"{QUESTION}\"")),
        "the README asks the same question"
    );
    let dir = support::knowledge::fresh_copy(
        std::env::temp_dir().join(format!("sarcoma-bot-editing-{}", std::process::id())),
    );
    let before = KnowledgeBase::from_dir(&dir)
        .expect("the copy loads")
        .kb
        .entries()
        .len();
    std::fs::write(dir.join("anthracycline.toml"), block).unwrap();
    let dir_arg = dir.to_str().unwrap();

    // 2. Check it: no errors, every example question lands where it is written.
    let o = run(&["check", dir_arg, "--routes"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("0 of ") && out.contains("example questions land elsewhere"),
        "{out}"
    );
    assert!(
        out.contains(&format!("{} entries", before + 1)) && out.contains("0 error(s), 0 warning(s)"),
        "{out}"
    );

    // 3. Try it: the section under the title, the whole entry with --full, and `match`.
    let o = run(&["--knowledge", dir_arg, "ask", QUESTION]);
    let text = stdout(&o);
    assert!(text.starts_with("**Anthracycline**\n\n**The heart**\n"), "{text}");
    assert!(text.contains("Source: Doxorubicin, Cancer Research UK"), "{text}");
    let o = run(&["--knowledge", dir_arg, "ask", "--full", QUESTION]);
    let text = stdout(&o);
    assert!(
        text.contains("**In sarcoma**") && text.contains("**The heart**"),
        "{text}"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_sarcoma-bot"))
        .args(["--knowledge", dir_arg, "match"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{QUESTION}\nanthracycline\n").as_bytes())
        .unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["id"], "term-anthracycline");
    assert_eq!(lines[0]["section"], "heart");
    assert_eq!(lines[1]["id"], "term-anthracycline");
    assert!(lines[1]["section"].is_null());
    let _ = std::fs::remove_dir_all(&dir);
}
