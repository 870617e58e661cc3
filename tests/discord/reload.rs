//! End to end: moderators edit the knowledge folder while the bot runs. SIGHUP, a change in
//! the folder and `/reload` load it; a bad edit is refused with `check`'s messages and the
//! last good knowledge keeps answering; questions during reloads are all answered once.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use support::bot::*;
use support::emulator::*;

const CHANNEL: u64 = 720000000000000001;
const MEMBER: u64 = 620000000000000001;
/// Discord's MANAGE_GUILD permission bit.
const MANAGE_GUILD: u64 = 1 << 5;
const STAGE_2: &str = "Stage 2 soft tissue sarcoma";

/// A copy of the shipped knowledge folder for one test to edit.
fn knowledge_copy(emu: &Emulator) -> PathBuf {
    support::knowledge::fresh_copy(scratch_dir(emu).join("knowledge"))
}

async fn start(emu: &Emulator, knowledge: Option<&Path>) -> Bot {
    let dir = knowledge.map_or(String::new(), |d| {
        format!("knowledge_dir = {:?}", d.to_str().unwrap())
    });
    ready_bot(emu, &dir).await
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} is not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The title of the reply to a mention asking `text`.
async fn title_of_answer(emu: &Emulator, id: u64, text: &str) -> String {
    emu.dispatch(
        "MESSAGE_CREATE",
        message(id, CHANNEL, Some(GUILD_ID), MEMBER, false, &mention(text), true),
    )
    .await;
    let reply = emu.wait_for(WAIT, is_reply_to(id)).await.expect("a reply");
    embed(&reply.payload())["title"].as_str().unwrap_or("").to_owned()
}

/// The text of the bot's (private) answer to `/reload` from a member with `permissions`.
async fn reload_command(emu: &Emulator, id: u64, permissions: u64) -> String {
    let interaction = with_member_permissions(
        command_interaction(id, CHANNEL, MEMBER, "reload", json!([])),
        permissions,
    );
    emu.dispatch("INTERACTION_CREATE", interaction).await;
    let answer = emu
        .wait_for(WAIT, is_callback(id))
        .await
        .expect("an answer to /reload");
    let data = &answer.payload()["data"];
    assert_eq!(data["flags"], 64, "only the moderator sees it: {data}");
    text_of(data)
}

fn text_of(data: &Value) -> String {
    let embed = &data["embeds"][0];
    format!(
        "{} {} {}",
        data["content"].as_str().unwrap_or(""),
        embed["title"].as_str().unwrap_or(""),
        embed["description"].as_str().unwrap_or("")
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn sighup_and_folder_edits_reload_and_a_bad_edit_keeps_the_last_good_knowledge() {
    let emu = Emulator::start().await;
    let dir = knowledge_copy(&emu);
    let bot = start(&emu, Some(&dir)).await;
    assert_eq!(title_of_answer(&emu, 3001, "stage 2").await, STAGE_2);

    edit(&dir, "stages.toml", STAGE_2, "Stage 2 sarcoma, edited");
    bot.signal("HUP").await;
    assert!(bot.wait_log("trigger=\"SIGHUP\"", WAIT).await, "{}", bot.log());
    assert!(bot.wait_log("knowledge reloaded", WAIT).await, "{}", bot.log());
    assert_eq!(
        title_of_answer(&emu, 3002, "stage 2").await,
        "Stage 2 sarcoma, edited"
    );

    // A half-finished edit: the folder watcher notices, `check` refuses it, answers go on. The
    // watcher may read the file between its truncation and the write, so a first refusal can
    // name only the entries missing; the one that follows names the broken line.
    std::fs::write(dir.join("stages.toml"), "[[entry]]\nid = \"stage-2\"\ntitle = \n").unwrap();
    assert!(
        bot.wait_log("knowledge not reloaded", WAIT).await,
        "{}",
        bot.log()
    );
    assert!(bot.wait_log("stages.toml:", WAIT).await, "{}", bot.log());
    let log = bot.log();
    assert!(
        log.contains("knowledge folder changed") && log.contains("stages.toml:"),
        "{log}"
    );
    assert_eq!(
        title_of_answer(&emu, 3003, "stage 2").await,
        "Stage 2 sarcoma, edited"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reload_is_for_moderators_and_reports_what_check_reports() {
    let emu = Emulator::start().await;
    let dir = knowledge_copy(&emu);
    let _bot = start(&emu, Some(&dir)).await;

    let refused = reload_command(&emu, 3101, 0).await;
    assert!(refused.contains("Manage Server"), "{refused}");

    let reloaded = reload_command(&emu, 3102, MANAGE_GUILD).await;
    assert!(reloaded.contains("Knowledge reloaded: version"), "{reloaded}");

    let broken =
        std::fs::read_to_string(dir.join("glossary.toml")).unwrap() + "\n[[entry]]\nid = \"Not An Id\"\n";
    std::fs::write(dir.join("glossary.toml"), broken).unwrap();
    let rejected = reload_command(&emu, 3103, MANAGE_GUILD).await;
    assert!(rejected.contains("was not loaded"), "{rejected}");
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_sarcoma-bot"))
        .args(["check", dir.to_str().unwrap()])
        .output()
        .unwrap();
    let first_problem = String::from_utf8_lossy(&check.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(first_problem.contains("glossary.toml"), "{first_problem}");
    assert!(
        rejected.contains(&first_problem),
        "the reply should carry check's own words {first_problem:?}: {rejected}"
    );
    assert_eq!(title_of_answer(&emu, 3104, "stage 2").await, STAGE_2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_built_in_knowledge_has_nothing_to_reload() {
    let emu = Emulator::start().await;
    let _bot = start(&emu, None).await;
    let text = reload_command(&emu, 3201, MANAGE_GUILD).await;
    assert!(
        text.contains("Nothing to reload") && text.contains("knowledge_dir"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn questions_asked_during_reloads_are_each_answered_once_from_a_whole_version() {
    let emu = Emulator::start().await;
    let dir = knowledge_copy(&emu);
    let bot = start(&emu, Some(&dir)).await;
    let edited = "Stage 2 soft tissue sarcoma (reviewed)";
    let first = 3300;
    for round in 0..30u64 {
        if round % 6 == 0 {
            let (from, to) = if round % 12 == 0 {
                (STAGE_2, edited)
            } else {
                (edited, STAGE_2)
            };
            edit(&dir, "stages.toml", from, to);
            bot.signal("HUP").await;
        }
        emu.dispatch(
            "MESSAGE_CREATE",
            message(
                first + round,
                CHANNEL,
                Some(GUILD_ID),
                MEMBER,
                false,
                &mention("stage 2"),
                true,
            ),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for id in first..first + 30 {
        emu.wait_for(WAIT, is_reply_to(id))
            .await
            .expect("every question answered");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for id in first..first + 30 {
        let replies: Vec<_> = emu.requests().into_iter().filter(is_reply_to(id)).collect();
        assert_eq!(replies.len(), 1, "question {id} answered {} times", replies.len());
        let title = embed(&replies[0].payload())["title"].clone();
        assert!(title == STAGE_2 || title == edited, "{title}");
    }
    assert!(!bot.log().contains("knowledge not reloaded"), "{}", bot.log());
}
