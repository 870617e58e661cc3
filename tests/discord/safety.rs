//! End to end, each safety outcome through the real bot: crisis and emergency replies with a
//! moderator notice, distress answered with the emotional-support entry and no notice, a
//! question carrying a risk sign answered with the note above it, an emergency beside a crisis
//! answered with the emergency reply and the crisis note, and an idiom left alone; a
//! writer who says they are safe gets support, and a sign told over two sentences still counts.
//! A wish after a comma or in another language reaches moderators; calm plans for the end and
//! panic felt in the body do not; a sign asked about in a last clause gets the note.

use crate::support;

use std::time::Duration;

use serde_json::json;
use support::bot::*;
use support::emulator::*;

const CHANNEL: u64 = 710000000000000001;
const ALERTS: u64 = 710000000000000003;
const MEMBER: u64 = 610000000000000001;
/// Long enough for a notice that would follow a reply to have arrived.
const QUIET: Duration = Duration::from_millis(1500);

async fn setup() -> (Emulator, Bot) {
    let emu = Emulator::start().await;
    let bot = ready_bot(&emu, &format!("[safety]\nalert_channel = {ALERTS}")).await;
    (emu, bot)
}

async fn ask(emu: &Emulator, id: u64, text: &str) -> serde_json::Value {
    emu.dispatch(
        "MESSAGE_CREATE",
        message(id, CHANNEL, Some(GUILD_ID), MEMBER, false, &mention(text), true),
    )
    .await;
    emu.wait_for(WAIT, is_reply_to(id))
        .await
        .expect("a reply")
        .payload()
}

async fn notices(emu: &Emulator) -> usize {
    tokio::time::sleep(QUIET).await;
    emu.requests().iter().filter(|r| is_post_to(ALERTS)(r)).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emergency_in_everyday_words_gets_the_emergency_reply_and_a_notice() {
    let (emu, bot) = setup().await;
    let reply = ask(&emu, 11, "had chemo tuesday and now im 38.7 and shaking").await;
    let text = embed(&reply)["description"].as_str().unwrap().to_owned();
    assert!(
        text.contains("24-hour") && text.contains("999") && text.contains("111"),
        "{text}"
    );
    assert_eq!(notices(&emu).await, 1);
    assert!(!bot.log().contains("shaking"), "no message text in logs");
}

/// A crisis sign beside an emergency: the emergency reply, the crisis lines above it as the
/// note, and one notice.
#[tokio::test(flavor = "multi_thread")]
async fn an_emergency_beside_a_crisis_gets_the_emergency_reply_with_the_crisis_note() {
    let (emu, bot) = setup().await;
    let reply = ask(
        &emu,
        61,
        "I want to die. My chest is crushing and I can't breathe.",
    )
    .await;
    let note = reply["content"]
        .as_str()
        .expect("the crisis note as the message text");
    assert!(note.contains("988") && note.contains("116 123"), "{note}");
    let text = embed(&reply)["description"].as_str().unwrap().to_owned();
    assert!(text.contains("24-hour") && text.contains("999"), "{text}");
    assert_eq!(notices(&emu).await, 1);
    assert!(!bot.log().contains("crushing"), "no message text in logs");
}

/// Sends `text` to a fresh bot and expects the crisis reply (its US and UK lines) and one
/// moderator notice.
async fn expect_crisis(id: u64, text: &str) {
    let (emu, _bot) = setup().await;
    let reply = ask(&emu, id, text).await;
    let text = embed(&reply)["description"].as_str().unwrap().to_owned();
    assert!(text.contains("988") && text.contains("116 123"), "{text}");
    assert_eq!(notices(&emu).await, 1);
}

/// Sends `text` to a fresh bot and expects the emotional-support entry, no safety note and no
/// moderator notice.
async fn expect_support(id: u64, text: &str) {
    let (emu, _bot) = setup().await;
    let reply = ask(&emu, id, text).await;
    let e = embed(&reply);
    assert_eq!(e["title"], "When it all feels too much", "{e}");
    assert!(reply["content"].is_null(), "no safety note: {reply}");
    assert_eq!(notices(&emu).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn passive_thoughts_of_dying_get_the_crisis_reply_and_a_notice() {
    expect_crisis(21, "everyone would honestly be better off without me").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn distress_gets_emotional_support_and_no_notice() {
    expect_support(31, "i feel so alone with all of this and i cant stop crying").await;
}

/// A writer who says they are safe is met with support, and moderators are not called.
#[tokio::test(flavor = "multi_thread")]
async fn a_writer_who_says_they_are_safe_gets_support_and_no_notice() {
    expect_support(41, "i am at the end of my rope tonight but i am safe").await;
}

/// A sign that only two sentences together say still reaches the crisis reply and moderators.
#[tokio::test(flavor = "multi_thread")]
async fn a_crisis_told_over_two_sentences_gets_the_crisis_reply_and_a_notice() {
    expect_crisis(
        51,
        "Packing it in. All of it. My life mostly. I have got what I need.",
    )
    .await;
}

/// Sends `text` to a fresh bot and expects an answer, not the emergency reply, with the
/// emergency note as the message text above it, and one moderator notice.
async fn expect_answer_with_the_emergency_note(id: u64, text: &str) {
    let (emu, _bot) = setup().await;
    let reply = ask(&emu, id, text).await;
    let note = reply["content"].as_str().expect("the note as the message text");
    assert!(note.contains("urgent care") && note.contains("999"), "{note}");
    let title = embed(&reply)["title"].as_str().unwrap().to_owned();
    assert_ne!(
        title, "Please get help now",
        "the answer, not the emergency reply"
    );
    assert_eq!(notices(&emu).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_question_with_a_risk_sign_gets_its_answer_with_the_note_above_and_a_notice() {
    expect_answer_with_the_emergency_note(
        41,
        "what are the side effects of chemo? also i have a temperature of 38.6 right now",
    )
    .await;
}

/// Sends `text` and expects neither a safety note nor the crisis or emergency reply; the
/// caller counts the notices once all its messages are sent.
async fn expect_no_safety_reply(emu: &Emulator, id: u64, text: &str) {
    let reply = ask(emu, id, text).await;
    assert!(reply["content"].is_null(), "no note: {reply}");
    let title = embed(&reply)["title"].as_str().unwrap_or_default().to_owned();
    assert!(
        !matches!(title.as_str(), "Please get help now" | "You are not alone"),
        "{text}: {title}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idiom_is_answered_without_alerting_moderators() {
    let (emu, _bot) = setup().await;
    expect_no_safety_reply(
        &emu,
        51,
        "this waiting for scan results is killing me, when do results come?",
    )
    .await;
    assert_eq!(notices(&emu).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_note_through_ask_is_private_and_above_the_answer() {
    let (emu, _bot) = setup().await;
    emu.dispatch(
        "INTERACTION_CREATE",
        command_interaction(
            61,
            CHANNEL,
            MEMBER,
            "ask",
            json!([{"name": "question", "type": 3, "value": "how is radiation given? i am coughing up blood right now"}]),
        ),
    )
    .await;
    let reply = emu.wait_for(WAIT, is_callback(61)).await.expect("an answer");
    let data = &reply.body["data"];
    assert!(
        data["content"].as_str().is_some_and(|c| c.contains("999")),
        "{data}"
    );
    assert_eq!(notices(&emu).await, 1);
}

/// A wish after a comma is not denied by a "not" before it, and a wish in another language is
/// heard: both reach the crisis reply and the moderators.
#[tokio::test(flavor = "multi_thread")]
async fn a_wish_after_a_comma_or_in_another_language_gets_the_crisis_reply_and_a_notice() {
    expect_crisis(71, "i'm not coping, i want to die").await;
    expect_crisis(72, "ya no puedo mas, quiero morir").await;
}

/// Calm plans for the end and a racing heart told with fear call no one: no safety reply, no
/// note, no notice.
#[tokio::test(flavor = "multi_thread")]
async fn calm_plans_for_the_end_and_panic_in_the_body_alert_no_one() {
    let (emu, _bot) = setup().await;
    for (id, text) in [
        (
            81,
            "paid off my funeral plan at last, one less thing for the kids to think about",
        ),
        (
            82,
            "keep waking at 3am with my heart pounding, thinking about the results",
        ),
    ] {
        expect_no_safety_reply(&emu, id, text).await;
    }
    assert_eq!(notices(&emu).await, 0);
}

/// A red-flag sign asked about in a last clause gets its answer with the emergency note above
/// it, and one notice.
#[tokio::test(flavor = "multi_thread")]
async fn a_sign_asked_about_in_a_last_clause_gets_its_answer_with_the_note_and_a_notice() {
    expect_answer_with_the_emergency_note(
        91,
        "mum gets a bit sleepy and muddled on her ifos days, is that a known effect",
    )
    .await;
}
