//! End to end, the part that was asked: the real `sarcoma-bot serve` binary against the
//! loopback Discord emulator. A question about one part gets that section with "Whole entry"
//! and part buttons; `/treatment` takes an optional part, autocompleted from its topic;
//! `/stage` shows what the stage means and its treatment.

use crate::support;

use serde_json::{Value, json};
use support::bot::*;
use support::emulator::*;

const CHANNEL: u64 = 700000000000000001;
const MEMBER: u64 = 600000000000000001;

async fn setup() -> (Emulator, Bot) {
    let emu = Emulator::start().await;
    let config = write_config(
        &emu,
        "config.toml",
        &format!("[discord]\nguild_ids = [{GUILD_ID}]\ncooldown_seconds = 0\n"),
    );
    let bot = Bot::spawn(&emu, &config, scratch_dir(&emu).join("bot.log")).await;
    emu.wait_for(WAIT, |r| r.method == "PUT" && r.path.contains("/commands"))
        .await
        .expect("commands registered");
    (emu, bot)
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Discord's limits on one embed and its buttons, checked on what was actually sent.
fn assert_within_limits(message: &Value) {
    let e = embed(message);
    assert!(
        chars(&e["title"]) <= 256 && chars(&e["description"]) <= 4096,
        "{e}"
    );
    let fields = e["fields"].as_array().cloned().unwrap_or_default();
    assert!(fields.len() <= 25);
    let mut total = chars(&e["title"]) + chars(&e["description"]) + chars(&e["footer"]["text"]);
    for f in &fields {
        assert!(chars(&f["name"]) <= 256 && chars(&f["value"]) <= 1024, "{f}");
        total += chars(&f["name"]) + chars(&f["value"]);
    }
    assert!(chars(&e["footer"]["text"]) <= 2048 && total <= 6000, "{e}");
    for b in buttons(message) {
        assert!(chars(&b["label"]) <= 80 && chars(&b["custom_id"]) <= 100, "{b}");
    }
}

/// The buttons of a message or an interaction reply, in order.
fn buttons(message: &Value) -> Vec<Value> {
    let data = if message["data"].is_object() {
        &message["data"]
    } else {
        message
    };
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .collect()
}

async fn click(emu: &Emulator, id: u64, custom_id: &str) -> Value {
    emu.dispatch(
        "INTERACTION_CREATE",
        component_interaction(id, CHANNEL, MEMBER, custom_id),
    )
    .await;
    emu.wait_for(WAIT, is_callback(id))
        .await
        .unwrap_or_else(|| panic!("no reply to {custom_id}"))
        .body
}

#[tokio::test(flavor = "multi_thread")]
async fn a_question_about_one_part_gets_that_section_with_whole_entry_and_part_buttons() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "MESSAGE_CREATE",
        message(
            21,
            CHANNEL,
            Some(GUILD_ID),
            MEMBER,
            false,
            &mention("what side effects does chemo have?"),
            true,
        ),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_post_to(CHANNEL))
        .await
        .expect("a reply")
        .body;
    assert_within_limits(&reply);
    let e = embed(&reply);
    assert_eq!(e["title"], "Chemotherapy");
    let description = e["description"].as_str().unwrap();
    assert!(description.starts_with("**Side effects**\n"), "{e}");
    assert!(description.contains("hair"), "{e}");
    let fields = e["fields"].as_array().unwrap();
    assert!(fields.iter().any(|f| f["name"] == "Sources"), "{e}");
    assert!(
        e["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("not medical advice")
    );
    let buttons = buttons(&reply);
    assert!((2..=4).contains(&buttons.len()), "{buttons:?}");
    assert_eq!(buttons[0]["label"], "Whole entry");
    assert_eq!(buttons[0]["custom_id"], "entry:chemotherapy");
    for b in &buttons[1..] {
        let id = b["custom_id"].as_str().unwrap();
        assert!(
            id.starts_with("part:chemotherapy#") && id != "part:chemotherapy#side-effects",
            "{b}"
        );
    }

    // Another part, shown only to the clicker.
    let part = buttons[1]["custom_id"].as_str().unwrap().to_owned();
    let reply = click(&emu, 31, &part).await;
    assert_eq!(reply["data"]["flags"], 64);
    assert_within_limits(&reply);
    let label = buttons[1]["label"].as_str().unwrap();
    assert!(
        embed(&reply)["description"]
            .as_str()
            .unwrap()
            .starts_with(&format!("**{label}**")),
        "{reply}"
    );

    // The whole entry: every section as a field.
    let reply = click(&emu, 32, "entry:chemotherapy").await;
    assert_within_limits(&reply);
    let names: Vec<&str> = embed(&reply)["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for heading in ["What it is", "Side effects", "How it is given"] {
        assert!(names.contains(&heading), "{names:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn treatment_takes_a_part_autocompleted_from_its_topic_and_names_a_missing_one() {
    let (emu, _bot) = setup().await;
    let mut typing = autocomplete_interaction(41, CHANNEL, MEMBER, "treatment", "part", "late");
    typing["data"]["options"] = json!([
        {"name": "topic", "type": 3, "value": "radiation"},
        {"name": "part", "type": 3, "value": "late", "focused": true},
    ]);
    emu.dispatch("INTERACTION_CREATE", typing).await;
    let reply = emu
        .wait_for(WAIT, is_callback(41))
        .await
        .expect("part autocomplete");
    assert_eq!(reply.body["type"], 8);
    let choices = reply.body["data"]["choices"].as_array().unwrap();
    assert_eq!(choices[0]["value"], "recovery", "{choices:?}");
    assert_eq!(choices[0]["name"], "Recovery and late effects");

    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(
            42,
            CHANNEL,
            MEMBER,
            "treatment",
            json!([
                {"name": "topic", "type": 3, "value": "radiation"},
                {"name": "part", "type": 3, "value": "recovery"},
            ]),
        ),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_callback(42))
        .await
        .expect("/treatment part")
        .body;
    assert_within_limits(&reply);
    let e = embed(&reply);
    assert_eq!(e["title"], "Radiation therapy");
    assert!(
        e["description"]
            .as_str()
            .unwrap()
            .starts_with("**Recovery and late effects**"),
        "{e}"
    );
    assert_eq!(buttons(&reply)[0]["label"], "Whole entry");

    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(
            43,
            CHANNEL,
            MEMBER,
            "treatment",
            json!([
                {"name": "topic", "type": 3, "value": "radiation"},
                {"name": "part", "type": 3, "value": "horoscope"},
            ]),
        ),
    )
    .await;
    let reply = emu.wait_for(WAIT, is_callback(43)).await.expect("a note").body;
    let text = embed(&reply)["description"].as_str().unwrap().to_owned();
    assert!(
        text.contains("has no part called \"horoscope\"") && text.contains("Side effects"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn stage_shows_what_the_stage_means_and_its_treatment() {
    let (emu, _bot) = setup().await;
    for n in 1..=4u64 {
        emu.dispatch(
            "INTERACTION_CREATE",
            command_interaction(
                50 + n,
                CHANNEL,
                MEMBER,
                "stage",
                json!([{"name": "number", "type": 4, "value": n}]),
            ),
        )
        .await;
        let reply = emu
            .wait_for(WAIT, is_callback(50 + n))
            .await
            .expect("/stage")
            .body;
        assert_within_limits(&reply);
        let e = embed(&reply);
        assert!(
            e["title"].as_str().unwrap().contains(&format!("Stage {n}")),
            "{e}"
        );
        let fields: Vec<(&str, &str)> = e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["name"].as_str().unwrap(), f["value"].as_str().unwrap()))
            .collect();
        let meaning = fields
            .iter()
            .find(|(name, _)| *name == format!("What stage {n} means"))
            .unwrap_or_else(|| panic!("stage {n}: {fields:?}"));
        assert!(meaning.1.contains("AJCC 8th"), "{meaning:?}");
        assert!(fields.iter().any(|(name, _)| *name == "Treatment"), "{fields:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_section_sent_through_its_button_is_within_discords_limits() {
    let (emu, _bot) = setup().await;
    let kb = sarcoma_bot::knowledge::KnowledgeBase::embedded().unwrap().kb;
    let mut id = 2000;
    for entry in kb.entries() {
        for section in &entry.sections {
            id += 1;
            let reply = click(&emu, id, &format!("part:{}#{}", entry.id, section.id)).await;
            assert_within_limits(&reply);
            let e = embed(&reply);
            assert_eq!(e["title"], entry.title.as_str());
            assert!(
                e["description"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("**{}**", section.heading)),
                "{}#{}",
                entry.id,
                section.id
            );
        }
    }
}
