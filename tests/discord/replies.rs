//! End to end: the real `sarcoma-bot serve` binary, with the real serenity client inside,
//! against a Discord API emulator on 127.0.0.1. Assertions are on the JSON the bot sends.

use crate::support;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use support::bot::*;
use support::emulator::*;

const QUIET: Duration = Duration::from_millis(1500);
const CHANNEL: u64 = 700000000000000001;
const LISTENED: u64 = 700000000000000002;
const ALERTS: u64 = 700000000000000003;
const MEMBER: u64 = 600000000000000001;

/// A bot listening in one channel, alerting moderators in another, with the given cooldown.
async fn start_bot(emu: &Emulator, cooldown_seconds: u64) -> Bot {
    let config = write_config(
        emu,
        "config.toml",
        &format!(
            "log_level = \"debug\"\n[discord]\nguild_ids = [{GUILD_ID}]\nlisten_channels = [{LISTENED}]\n\
             cooldown_seconds = {cooldown_seconds}\n[safety]\nalert_channel = {ALERTS}\n"
        ),
    );
    Bot::spawn(emu, &config, scratch_dir(emu).join("bot.log")).await
}

async fn setup() -> (Emulator, Bot) {
    let emu = Emulator::start().await;
    let bot = start_bot(&emu, 0).await;
    // Commands are registered in READY; wait so later `wait_for_new` calls see only replies.
    emu.wait_for(WAIT, |r| r.method == "PUT" && r.path.contains("/commands"))
        .await
        .expect("commands registered");
    (emu, bot)
}

/// A member's question mentioning the bot in the listened channel, and the bot's reply to it.
async fn reply_to_mention(emu: &Emulator, id: u64, text: &str) -> Recorded {
    emu.dispatch(
        "MESSAGE_CREATE",
        message(id, CHANNEL, Some(GUILD_ID), MEMBER, false, &mention(text), true),
    )
    .await;
    emu.wait_for(WAIT, is_post_to(CHANNEL)).await.expect("a reply")
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Discord's limits on one embed, checked on what was actually sent.
fn assert_embed_within_limits(e: &Value) {
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
    assert!(chars(&e["footer"]["text"]) <= 2048);
    assert!(total <= 6000, "embed total {total}");
}

#[tokio::test(flavor = "multi_thread")]
async fn slash_commands_are_registered_in_the_configured_guild() {
    let (emu, _bot) = setup().await;
    let put = emu
        .wait_for(WAIT, |r| {
            r.method == "PUT"
                && r.path == format!("/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands")
        })
        .await
        .expect("guild command registration");
    let names: Vec<&str> = put
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "stage",
            "treatment",
            "ask",
            "glossary",
            "topics",
            "about",
            "reload"
        ]
    );
    let reload = &put.body.as_array().unwrap()[6];
    assert_eq!(
        reload["default_member_permissions"], "32",
        "only Manage Server sees /reload by default"
    );
    let identify = emu.identify().unwrap();
    assert_eq!(identify["token"], format!("Bot {TOKEN}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn stage_4_command_gets_the_stage_4_embed_with_disclaimer_shown_only_to_the_asker() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(
            11,
            CHANNEL,
            MEMBER,
            "stage",
            json!([{"name": "number", "type": 4, "value": 4}]),
        ),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_callback(11))
        .await
        .expect("a reply to /stage 4");
    assert_eq!(reply.body["type"], 4);
    assert_eq!(reply.body["data"]["flags"], 64, "ephemeral by default");
    let e = embed(&reply.body);
    assert!(e["title"].as_str().unwrap().contains("Stage 4"), "{e}");
    assert!(
        e["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("not medical advice"),
        "{e}"
    );
    assert_eq!(reply.body["data"]["allowed_mentions"]["parse"], json!([]));
    let buttons = &reply.body["data"]["components"][0]["components"];
    assert!(
        buttons.as_array().is_some_and(|b| (1..=3).contains(&b.len())),
        "{buttons}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_with_a_misspelled_question_gets_the_right_entry_as_a_reply() {
    let (emu, bot) = setup().await;
    let reply = reply_to_mention(&emu, 21, "chemoterapy side effects?").await;
    assert_eq!(embed(&reply.body)["title"], "Chemotherapy");
    assert_eq!(reply.body["message_reference"]["message_id"], "21");
    assert_eq!(reply.body["allowed_mentions"]["parse"], json!([]));
    // The log line is written just after the reply is sent.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = bot.log();
    assert!(
        log.contains("intent=\"chemotherapy\"") && log.contains("answered"),
        "{log}"
    );
    assert!(
        !log.contains("side effects"),
        "message text must not be logged: {log}"
    );
    assert!(!log.contains(TOKEN), "the token must never be logged");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_direct_message_is_answered() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "MESSAGE_CREATE",
        message(
            31,
            CHANNEL,
            None,
            MEMBER,
            false,
            "what is neoadjuvant therapy",
            false,
        ),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_post_to(CHANNEL))
        .await
        .expect("a reply to a DM");
    assert_eq!(embed(&reply.body)["title"], "Neoadjuvant therapy");
}

/// "Who are you" asks about the bot, whatever topic its few words might suggest, and the help
/// reply answers it.
#[tokio::test(flavor = "multi_thread")]
async fn asking_who_the_bot_is_gets_the_help_reply() {
    let (emu, _bot) = setup().await;
    let reply = reply_to_mention(&emu, 32, "who are you?").await;
    let kb = sarcoma_bot::knowledge::KnowledgeBase::embedded().unwrap().kb;
    assert_eq!(embed(&reply.body)["title"], kb.messages().help.title.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn unlisted_channels_without_a_mention_and_bot_authors_are_ignored() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "MESSAGE_CREATE",
        message(
            41,
            CHANNEL,
            Some(GUILD_ID),
            MEMBER,
            false,
            "what is stage 4",
            false,
        ),
    )
    .await;
    emu.dispatch(
        "MESSAGE_CREATE",
        message(
            42,
            CHANNEL,
            Some(GUILD_ID),
            600000000000000009,
            true,
            &mention("stage 4"),
            true,
        ),
    )
    .await;
    emu.dispatch(
        "MESSAGE_CREATE",
        message(43, LISTENED, Some(GUILD_ID), BOT_USER_ID, true, "stage 4", false),
    )
    .await;
    assert!(
        emu.wait_for_new(QUIET, |r| r.path.contains("/messages"))
            .await
            .is_none(),
        "nothing should be sent"
    );
    // A mention written in the text counts even when Discord's mention list is empty.
    emu.dispatch(
        "MESSAGE_CREATE",
        message(
            45,
            CHANNEL,
            Some(GUILD_ID),
            MEMBER,
            false,
            &mention("chemo"),
            false,
        ),
    )
    .await;
    emu.wait_for(WAIT, is_post_to(CHANNEL))
        .await
        .expect("a reply to a mention in the text");
    // The bot is alive: a listened channel is answered without a mention.
    emu.dispatch(
        "MESSAGE_CREATE",
        message(
            44,
            LISTENED,
            Some(GUILD_ID),
            MEMBER,
            false,
            "rads before the op?",
            false,
        ),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_post_to(LISTENED))
        .await
        .expect("a reply in the listened channel");
    assert_eq!(reply.body["message_reference"]["message_id"], "44");
    let sent = emu
        .requests()
        .iter()
        .filter(|r| r.path.contains("/messages"))
        .count();
    assert_eq!(
        sent, 2,
        "one reply to the mention in the text, one in the listened channel"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn everyone_and_role_mentions_in_a_question_ping_nobody() {
    let (emu, _bot) = setup().await;
    let reply = reply_to_mention(&emu, 51, "@everyone <@&123> what is surgery").await;
    assert_eq!(
        reply.body["allowed_mentions"],
        json!({"parse": [], "users": [], "roles": []})
    );
    assert_eq!(embed(&reply.body)["title"], "Surgery");
}

#[tokio::test(flavor = "multi_thread")]
async fn autocomplete_offers_typo_tolerant_choices() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "INTERACTION_CREATE",
        autocomplete_interaction(61, CHANNEL, MEMBER, "treatment", "topic", "raditation"),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_callback(61))
        .await
        .expect("autocomplete reply");
    assert_eq!(reply.body["type"], 8);
    let choices = reply.body["data"]["choices"].as_array().unwrap();
    assert!(!choices.is_empty() && choices.len() <= 25);
    assert_eq!(choices[0]["value"], "radiation");
    assert!(choices.iter().all(|c| (1..=100).contains(&chars(&c["name"]))));
    emu.dispatch(
        "INTERACTION_CREATE",
        autocomplete_interaction(62, CHANNEL, MEMBER, "glossary", "term", "palative"),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_callback(62))
        .await
        .expect("glossary autocomplete");
    assert_eq!(reply.body["data"]["choices"][0]["value"], "term-palliative");
}

#[tokio::test(flavor = "multi_thread")]
async fn glossary_choices_come_in_labelled_groups_and_a_drug_picked_shows_its_entry() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "INTERACTION_CREATE",
        autocomplete_interaction(63, CHANNEL, MEMBER, "glossary", "term", ""),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_callback(63))
        .await
        .expect("glossary autocomplete");
    let choices = reply.body["data"]["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 25, "Discord shows at most 25");
    let groups: Vec<&str> = choices
        .iter()
        .map(|c| c["name"].as_str().unwrap().split(':').next().unwrap())
        .collect();
    let mut order = groups.clone();
    order.dedup();
    assert_eq!(order, ["Basics", "Type", "Drug", "Word"], "{groups:?}");
    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(
            64,
            CHANNEL,
            MEMBER,
            "glossary",
            json!([{"name": "term", "type": 3, "value": "drug-doxorubicin"}]),
        ),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_callback(64))
        .await
        .expect("a /glossary reply");
    let e = embed(&reply.body);
    assert_eq!(e["title"], "Doxorubicin (Adriamycin)");
    assert_embed_within_limits(e);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_disease_the_base_does_not_cover_gets_an_honest_reply_with_the_closest_entries() {
    let (emu, _bot) = setup().await;
    let reply = reply_to_mention(&emu, 65, "what is the treatment for chondrosarcoma of the pelvis").await;
    let e = embed(&reply.body);
    assert_eq!(e["title"], "Not something I cover");
    assert!(
        e["description"].as_str().unwrap().contains("Bone sarcomas"),
        "{e}"
    );
    let buttons: Vec<&str> = reply.body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["custom_id"].as_str().unwrap())
        .collect();
    assert_eq!(buttons, ["entry:about-sts", "entry:sarcoma-specialists"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_related_topic_button_shows_that_entry_to_the_clicker() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "INTERACTION_CREATE",
        component_interaction(71, CHANNEL, MEMBER, "entry:term-palliative"),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_callback(71))
        .await
        .expect("a reply to the button");
    assert_eq!(reply.body["data"]["flags"], 64);
    assert_eq!(embed(&reply.body)["title"], "Palliative care");
    emu.dispatch(
        "INTERACTION_CREATE",
        component_interaction(72, CHANNEL, MEMBER, "entry:no-such-topic"),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_callback(72))
        .await
        .expect("a reply to an unknown button");
    assert!(
        embed(&reply.body)["description"]
            .as_str()
            .unwrap()
            .contains("no longer available")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crisis_message_gets_the_safety_reply_in_place_and_a_moderator_notice_without_a_quote() {
    let (emu, bot) = setup().await;
    let words = "i cant do this anymore i want to end my life";
    emu.dispatch(
        "MESSAGE_CREATE",
        message(81, CHANNEL, Some(GUILD_ID), MEMBER, false, &mention(words), true),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_post_to(CHANNEL))
        .await
        .expect("a safety reply");
    let e = embed(&reply.body);
    let text = e["description"].as_str().unwrap();
    assert!(
        text.contains("988") && text.contains("116 123") && text.contains("findahelpline.com"),
        "{e}"
    );
    assert!(
        reply.body["components"].as_array().is_none_or(|c| c.is_empty()),
        "no buttons on a safety reply"
    );
    let notice = emu
        .wait_for(WAIT, is_post_to(ALERTS))
        .await
        .expect("a moderator notice");
    let content = notice.body["content"].as_str().unwrap();
    assert!(
        content.contains(&format!("/channels/{GUILD_ID}/{CHANNEL}/81")),
        "{content}"
    );
    assert!(
        !content.contains("end my life"),
        "the notice must not quote the message"
    );
    assert_eq!(notice.body["allowed_mentions"]["parse"], json!([]));
    assert!(!bot.log().contains("end my life"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crisis_through_ask_is_answered_privately_and_moderators_are_told() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(
            91,
            CHANNEL,
            MEMBER,
            "ask",
            json!([{"name": "question", "type": 3, "value": "my husband collapsed and is not breathing"}]),
        ),
    )
    .await;
    let reply = emu.wait_for(WAIT, is_callback(91)).await.expect("a safety reply");
    assert_eq!(reply.body["data"]["flags"], 64);
    assert!(
        embed(&reply.body)["description"]
            .as_str()
            .unwrap()
            .contains("911")
    );
    emu.wait_for(WAIT, is_post_to(ALERTS))
        .await
        .expect("a moderator notice");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_entry_sent_through_its_button_is_within_discords_limits() {
    let (emu, _bot) = setup().await;
    let kb = sarcoma_bot::knowledge::KnowledgeBase::embedded().unwrap().kb;
    for (i, entry) in kb.entries().iter().enumerate() {
        let id = 1000 + i as u64;
        emu.dispatch(
            "INTERACTION_CREATE",
            component_interaction(id, CHANNEL, MEMBER, &format!("entry:{}", entry.id)),
        )
        .await;
        let reply = emu
            .wait_for(WAIT, is_callback(id))
            .await
            .unwrap_or_else(|| panic!("no reply for {}", entry.id));
        let e = embed(&reply.body);
        assert_eq!(e["title"], entry.title.as_str());
        assert_embed_within_limits(e);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn odd_input_gets_a_polite_reply_and_never_stops_the_bot() {
    let (emu, _bot) = setup().await;
    // An unknown command, an empty and a 4000-character question, a stage out of range.
    let cases = [
        (101, "reload", json!([])),
        (102, "ask", json!([{"name": "question", "type": 3, "value": ""}])),
        (
            103,
            "ask",
            json!([{"name": "question", "type": 3, "value": "chemo ".repeat(700)}]),
        ),
        (104, "stage", json!([{"name": "number", "type": 4, "value": 9}])),
        (105, "treatment", json!([])),
    ];
    for (id, name, options) in cases {
        emu.dispatch(
            "INTERACTION_CREATE",
            command_interaction(id, CHANNEL, MEMBER, name, options),
        )
        .await;
        let reply = emu
            .wait_for(WAIT, is_callback(id))
            .await
            .unwrap_or_else(|| panic!("no reply to /{name} ({id})"));
        assert_eq!(reply.body["type"], 4, "{name}");
        assert_embed_within_limits(embed(&reply.body));
    }
    // A partial payload is dropped by serenity; the next whole one is still answered.
    emu.dispatch(
        "MESSAGE_CREATE",
        json!({"id": "109", "channel_id": CHANNEL.to_string(), "content": "stage 4"}),
    )
    .await;
    emu.dispatch(
        "MESSAGE_CREATE",
        message(110, CHANNEL, None, MEMBER, false, "", false),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_post_to(CHANNEL))
        .await
        .expect("a reply to an empty DM");
    assert_eq!(reply.body["message_reference"]["message_id"], "110");
    assert_eq!(embed(&reply.body)["title"], "What I can help with");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_asking_again_too_soon_gets_a_polite_note_but_safety_is_never_held_back() {
    let emu = Emulator::start().await;
    let _bot = start_bot(&emu, 60).await;
    emu.wait_for(WAIT, |r| r.path.contains("/commands"))
        .await
        .unwrap();
    let reply_to = |id: u64| {
        move |r: &Recorded| {
            is_post_to(CHANNEL)(r)
                && r.body["message_reference"]["message_id"].as_str() == Some(&*id.to_string())
        }
    };
    // A burst of three questions in a channel is answered in full.
    for id in 121..124 {
        emu.dispatch(
            "MESSAGE_CREATE",
            message(
                id,
                CHANNEL,
                Some(GUILD_ID),
                MEMBER,
                false,
                &mention("stage 2"),
                true,
            ),
        )
        .await;
        let reply = emu.wait_for(WAIT, reply_to(id)).await.unwrap();
        assert_eq!(embed(&reply.body)["title"], "Stage 2 soft tissue sarcoma");
    }
    emu.dispatch(
        "MESSAGE_CREATE",
        message(
            124,
            CHANNEL,
            Some(GUILD_ID),
            MEMBER,
            false,
            &mention("stage 3"),
            true,
        ),
    )
    .await;
    let note = emu.wait_for(WAIT, reply_to(124)).await.unwrap();
    assert!(
        embed(&note.body)["description"]
            .as_str()
            .unwrap()
            .contains("second"),
        "{}",
        note.body
    );
    emu.dispatch(
        "MESSAGE_CREATE",
        message(
            125,
            CHANNEL,
            Some(GUILD_ID),
            MEMBER,
            false,
            &mention("i want to kill myself"),
            true,
        ),
    )
    .await;
    let safety = emu.wait_for(WAIT, reply_to(125)).await.unwrap();
    assert!(
        embed(&safety.body)["description"]
            .as_str()
            .unwrap()
            .contains("988")
    );
    // Private answers flood no one: a DM from the same member is answered.
    emu.dispatch(
        "MESSAGE_CREATE",
        message(126, CHANNEL, None, MEMBER, false, "stage 3", false),
    )
    .await;
    let dm = emu.wait_for(WAIT, reply_to(126)).await.unwrap();
    assert_eq!(embed(&dm.body)["title"], "Stage 3 soft tissue sarcoma");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_the_bot_cleanly() {
    let (_emu, mut bot) = setup().await;
    bot.signal("TERM").await;
    let exit = bot.wait_exit(WAIT).await.expect("exits within 10 s");
    assert!(exit.success(), "{exit:?}: {}", bot.log());
    assert!(bot.log().contains("shutting down"));
}

#[tokio::test(flavor = "multi_thread")]
async fn topics_and_about_describe_the_bot_its_sources_and_privacy() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(131, CHANNEL, MEMBER, "topics", json!([])),
    )
    .await;
    let topics = emu
        .wait_for(WAIT, is_callback(131))
        .await
        .expect("a reply to /topics");
    let fields = embed(&topics.body)["fields"].as_array().unwrap().clone();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Sarcoma basics (/glossary)",
            "Treatments (/treatment)",
            "Stages and recurrence (/stage)",
            "Types of sarcoma (/glossary)",
            "Drugs by name (/glossary)",
            "Living with it (/ask)",
            "Glossary (/glossary)"
        ]
    );
    let value = |i: usize| fields[i]["value"].as_str().unwrap();
    // Living with it has its own group; /treatment stays for the kinds of treatment.
    assert!(value(5).contains("Side effects of treatment") && value(5).contains("Follow-up care"));
    assert!(!value(1).contains("Side effects of treatment"));
    assert!(value(2).contains("Stage 4"));
    assert!(value(3).contains("Liposarcoma") && value(3).contains("GIST"));
    assert!(value(4).contains("Doxorubicin") && value(4).contains("Imatinib"));
    assert_embed_within_limits(embed(&topics.body));
    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(132, CHANNEL, MEMBER, "about", json!([])),
    )
    .await;
    let about = emu
        .wait_for(WAIT, is_callback(132))
        .await
        .expect("a reply to /about");
    let e = embed(&about.body);
    assert!(e["description"].as_str().unwrap().contains("Privacy"), "{e}");
    assert!(
        e["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("not medical advice")
    );
    let review = e["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Review")
        .expect("a review field");
    let kb = sarcoma_bot::knowledge::KnowledgeBase::embedded().unwrap().kb;
    let last_review = kb.entries().iter().map(|e| e.reviewed).max().unwrap();
    assert!(
        review["value"]
            .as_str()
            .unwrap()
            .contains(&last_review.to_string())
    );
    assert_embed_within_limits(e);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shipped_config_registers_commands_globally_and_answers() {
    let emu = Emulator::start().await;
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml");
    let log = std::env::temp_dir().join(format!("sarcoma-bot-e2e-{}-shipped.log", std::process::id()));
    let _bot = Bot::spawn(&emu, &shipped, log).await;
    let put = emu
        .wait_for(WAIT, |r| {
            r.method == "PUT" && r.path == format!("/applications/{APPLICATION_ID}/commands")
        })
        .await
        .expect("global command registration");
    assert_eq!(put.body.as_array().map(Vec::len), Some(7));
    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(
            141,
            CHANNEL,
            MEMBER,
            "stage",
            json!([{"name": "number", "type": 4, "value": 2}]),
        ),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_callback(141))
        .await
        .expect("a reply to /stage 2");
    assert_eq!(reply.body["data"]["flags"], 64, "ephemeral by default");
    emu.dispatch(
        "MESSAGE_CREATE",
        message(
            142,
            CHANNEL,
            Some(GUILD_ID),
            MEMBER,
            false,
            &mention("stage IV"),
            true,
        ),
    )
    .await;
    let reply = emu
        .wait_for(WAIT, is_post_to(CHANNEL))
        .await
        .expect("a reply to a mention");
    assert!(
        embed(&reply.body)["title"]
            .as_str()
            .unwrap()
            .starts_with("Stage 4")
    );
}
