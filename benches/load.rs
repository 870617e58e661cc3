//! Load bench: the real `sarcoma-bot serve` binary (release) answering members' questions in
//! 100 listened channels of the loopback Discord emulator.
//!
//! Run with `cargo bench --bench load` (`LOAD_MAX_WAITING` sets the bot's
//! `max_waiting_questions`, 2,000 by default as in the bot). It is a bench, not a timed test: the figures depend on
//! the machine, so it fails (exit code 1) only when a question goes unanswered, is answered
//! twice, or is answered in the wrong channel, and prints the figures for the README.
//!
//! Every question the bot accepts must be answered exactly once; questions it drops past its
//! `max_waiting_questions` cap are counted by the bot itself (`shed` in `/healthz`) and shown.
//!
//! Two phases against one bot process, each `LOAD_MESSAGES` questions (10,000 by default):
//! 1. **paced**: questions sent at a steady `LOAD_RATE` a second (1,000 by default, far above
//!    what the busiest support server sees), for latency: each question's latency runs from
//!    just before the emulator is asked to dispatch its MESSAGE_CREATE to the arrival of the
//!    bot's reply (`Recorded::at`), so it includes the emulator's own work on both sides.
//! 2. **burst**: all questions dispatched at once, for throughput; latencies then measure the
//!    queue, not the bot.
//!
//! Memory is the bot's resident set from `/proc/<pid>/status`: `VmRSS` when idle after READY,
//! and `VmHWM` (the peak) after each phase. CPU is the bot's user + system time from
//! `/proc/<pid>/stat`.
//!
//! The bot runs with `log_level = "warn"` (one info line per message would measure the log
//! file), `cooldown_seconds = 0` (the bench's 1,000 members ask several questions each) and no
//! moderators' channel. Questions are the fixtures' first column, kept only when the bot answers
//! them in a listened channel from an entry or with help (a listened channel ignores questions
//! it has no answer for), and not safety lines, whose replies are held to other rules.

#[path = "../tests/support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use sarcoma_bot::answer::Answerer;
use sarcoma_bot::knowledge::KnowledgeBase;
use sarcoma_bot::matcher::Intent;
use support::bot::{Bot, WAIT, scratch_dir, write_config};
use support::emulator::{Emulator, GUILD_ID, check_dispatch, message, set_model_checks};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CHANNELS: u64 = 100;
/// Members asking; enough that no one member's messages dominate.
const MEMBERS: u64 = 1000;
const FIRST_CHANNEL_ID: u64 = 700_000_000_000_000_000;
const FIRST_MEMBER_ID: u64 = 600_000_000_000_000_000;
/// Question ids; each phase gets its own range so that a late reply cannot be miscounted.
const FIRST_MESSAGE_ID: u64 = 800_000_000_000_000_000;
/// How long to wait for replies after the last dispatch before calling the rest missing.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to keep listening after the last expected reply, so that a second reply to some
/// question would be seen.
const DUPLICATE_GRACE: Duration = Duration::from_millis(500);

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {value:?}")),
        Err(_) => default,
    }
}

/// Distinct fixture questions the bot answers in a listened channel, safety lines left out.
fn answered_questions() -> Vec<String> {
    let answerer = Answerer::new(KnowledgeBase::embedded().expect("built-in knowledge").kb);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .map(|entry| entry.expect("a fixture").path())
        .filter(|path| path.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    let mut questions: Vec<String> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a readable fixture");
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let question = line.split('\t').next().unwrap_or_default();
            let answered = matches!(
                answerer.ask(question).matched.intent,
                Some(Intent::Entry(_) | Intent::Help)
            );
            if answered && !questions.iter().any(|q| q == question) {
                questions.push(question.to_owned());
            }
        }
    }
    questions
}

/// `(VmRSS, VmHWM)` of a process, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/<pid>/status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// User + system CPU time a process has used so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/<pid>/stat");
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat[stat.rfind(')').expect("a stat line") + 2..]
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
    let ticks: u64 = fields[11].parse::<u64>().unwrap_or(0) + fields[12].parse::<u64>().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

struct Phase {
    name: &'static str,
    sent: usize,
    /// Dropped by the bot past `max_waiting_questions`, by its own count (`/healthz`).
    shed: usize,
    answered: usize,
    duplicates: usize,
    missing: usize,
    wrong_channel: usize,
    /// Sorted.
    latencies: Vec<Duration>,
    /// First dispatch to last reply.
    elapsed: Duration,
    /// Mean time the emulator took to check and queue one dispatch (part of every latency).
    dispatch_cost: Duration,
    bot_cpu: Duration,
    /// CPU of this process: the emulator's work (and the bench's own small share).
    emulator_cpu: Duration,
    peak_kib: u64,
}

impl Phase {
    /// Some question the bot accepted was not answered exactly once in its own channel.
    fn failed(&self) -> bool {
        self.missing != self.shed || self.duplicates + self.wrong_channel > 0
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p * self.latencies.len() as f64).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[rank - 1]
    }
}

/// How many questions the bot has dropped so far, from its health check.
async fn shed_so_far(addr: SocketAddr) -> usize {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("the bot's health check");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .await
        .expect("ask the health check");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("read the health check");
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    let status: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    status["shed"].as_u64().unwrap_or(0) as usize
}

/// Sends `count` questions round-robin over the channels, `rate` a second (0: all at once),
/// then collects the replies.
#[allow(clippy::too_many_arguments)]
async fn run_phase(
    emu: &Emulator,
    pid: u32,
    health: SocketAddr,
    name: &'static str,
    index: u64,
    questions: &[String],
    count: usize,
    rate: u64,
) -> Phase {
    let before = emu.requests().len();
    let shed_before = shed_so_far(health).await;
    let cpu_before = (cpu_time(pid), cpu_time(std::process::id()));
    let first_id = FIRST_MESSAGE_ID + index * 100_000_000;
    let mut sent_at = Vec::with_capacity(count);
    let mut dispatching = Duration::ZERO;
    let start = Instant::now();
    for i in 0..count as u64 {
        if rate > 0 {
            tokio::time::sleep_until((start + Duration::from_secs_f64(i as f64 / rate as f64)).into()).await;
        }
        let channel = FIRST_CHANNEL_ID + i % CHANNELS;
        let member = FIRST_MEMBER_ID + i % MEMBERS;
        let question = &questions[i as usize % questions.len()];
        let data = message(
            first_id + i,
            channel,
            Some(GUILD_ID),
            member,
            false,
            question,
            false,
        );
        let at = Instant::now();
        emu.dispatch("MESSAGE_CREATE", data).await;
        dispatching += at.elapsed();
        sent_at.push(at);
    }
    // Every question is answered, or was dropped by the bot and counted.
    let deadline = Instant::now() + REPLY_TIMEOUT;
    let mut shed = 0;
    while Instant::now() < deadline {
        shed = shed_so_far(health).await - shed_before;
        if emu.requests().len() >= before + count - shed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(DUPLICATE_GRACE).await;
    let shed = shed.max(shed_so_far(health).await - shed_before);
    let bot_cpu = cpu_time(pid).saturating_sub(cpu_before.0);
    let emulator_cpu = cpu_time(std::process::id()).saturating_sub(cpu_before.1);
    let peak_kib = memory_kib(pid).1;

    let mut replies = vec![0usize; count];
    let mut latencies = Vec::with_capacity(count);
    let mut wrong_channel = 0;
    let mut last = start;
    for request in emu.requests().into_iter().skip(before) {
        let reply_to = request.payload()["message_reference"]["message_id"]
            .as_str()
            .and_then(|id| id.parse::<u64>().ok())
            .and_then(|id| id.checked_sub(first_id))
            .filter(|&i| i < count as u64);
        let Some(i) = reply_to else {
            eprintln!("unexpected request: {} {}", request.method, request.path);
            continue;
        };
        replies[i as usize] += 1;
        if replies[i as usize] == 1 {
            latencies.push(request.at.duration_since(sent_at[i as usize]));
            last = last.max(request.at);
        }
        let channel = FIRST_CHANNEL_ID + i % CHANNELS;
        if request.method != "POST" || request.path != format!("/channels/{channel}/messages") {
            wrong_channel += 1;
        }
    }
    latencies.sort();
    Phase {
        name,
        sent: count,
        shed,
        answered: replies.iter().filter(|&&n| n > 0).count(),
        duplicates: replies.iter().map(|&n| n.saturating_sub(1)).sum(),
        missing: replies.iter().filter(|&&n| n == 0).count(),
        wrong_channel,
        latencies,
        elapsed: last.duration_since(start),
        dispatch_cost: dispatching / count.max(1) as u32,
        bot_cpu,
        emulator_cpu,
        peak_kib,
    }
}

/// The 1, 5 and 15-minute load averages: on a shared machine, other work skews the latencies.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// CPU time spread over the phase's questions.
fn per_question(total: Duration, p: &Phase) -> String {
    format!("{:.0} µs", total.as_secs_f64() * 1e6 / p.sent.max(1) as f64)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// How one row of the table shows a phase.
type Cell = dyn Fn(&Phase) -> String;

fn print_table(
    phases: &[Phase],
    idle_kib: u64,
    questions: usize,
    rate: u64,
    load_before: &str,
    model_checks: bool,
) {
    println!();
    println!(
        "sarcoma-bot load: {CHANNELS} listened channels, {MEMBERS} members, {questions} distinct questions"
    );
    println!("load average before: {load_before}; after: {}", load_average());
    println!(
        "emulator model checks: {}",
        if model_checks {
            "on (LOAD_MODEL_CHECKS=1)"
        } else {
            "off"
        }
    );
    println!("bot RSS at idle after READY: {}", mib(idle_kib));
    let header: Vec<String> = phases
        .iter()
        .map(|p| match p.name {
            "paced" => format!("paced, {rate}/s"),
            other => other.to_owned(),
        })
        .collect();
    let rows: [(&str, &Cell); 15] = [
        ("questions sent", &|p| p.sent.to_string()),
        ("dropped by the bot (max_waiting_questions)", &|p| {
            p.shed.to_string()
        }),
        ("answered", &|p| p.answered.to_string()),
        ("answered twice (extra replies)", &|p| p.duplicates.to_string()),
        ("missing", &|p| p.missing.to_string()),
        ("reply in the wrong channel", &|p| p.wrong_channel.to_string()),
        ("throughput (first dispatch to last reply)", &|p| {
            format!(
                "{:.0} msg/s",
                p.answered as f64 / p.elapsed.as_secs_f64().max(1e-9)
            )
        }),
        ("latency p50", &|p| ms(p.percentile(0.50))),
        ("latency p90", &|p| ms(p.percentile(0.90))),
        ("latency p99", &|p| ms(p.percentile(0.99))),
        ("latency max", &|p| ms(p.percentile(1.0))),
        ("emulator dispatch cost, mean", &|p| {
            format!("{:.1} µs", p.dispatch_cost.as_secs_f64() * 1e6)
        }),
        ("bot CPU per question", &|p| per_question(p.bot_cpu, p)),
        ("emulator CPU per question", &|p| per_question(p.emulator_cpu, p)),
        ("bot peak RSS (VmHWM) after the phase", &|p| mib(p.peak_kib)),
    ];
    println!(
        "| {:<42} | {:>16} | {:>16} |",
        "",
        header[0],
        header.get(1).map_or("", String::as_str)
    );
    println!("|{:-<44}|{:->18}|{:->18}|", "", "", "");
    for (label, cell) in &rows {
        let cells: Vec<String> = phases.iter().map(cell).collect();
        println!(
            "| {label:<42} | {:>16} | {:>16} |",
            cells[0],
            cells.get(1).map_or("", String::as_str)
        );
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let count = env_number("LOAD_MESSAGES", 10_000) as usize;
    // The bot's default unless LOAD_MAX_WAITING says otherwise.
    let max_waiting = env_number("LOAD_MAX_WAITING", 2000);
    let rate = env_number("LOAD_RATE", 1000);
    let load_before = load_average();
    let questions = answered_questions();
    assert!(!questions.is_empty(), "no fixture question is answered");

    // Every question goes out in the same shape; one check stands for all of them.
    let sample = message(
        FIRST_MESSAGE_ID,
        FIRST_CHANNEL_ID,
        Some(GUILD_ID),
        FIRST_MEMBER_ID,
        false,
        &questions[0],
        false,
    );
    if let Err(problem) = check_dispatch("MESSAGE_CREATE", &sample) {
        panic!("the bench's MESSAGE_CREATE would not reach the bot's handler: {problem}");
    }
    let model_checks = env_number("LOAD_MODEL_CHECKS", 0) != 0;
    set_model_checks(model_checks);

    let emu = Emulator::start().await;
    let health = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address")
    };
    let channels: Vec<String> = (0..CHANNELS)
        .map(|c| (FIRST_CHANNEL_ID + c).to_string())
        .collect();
    let config = write_config(
        &emu,
        "load.toml",
        &format!(
            "log_level = \"warn\"\n[discord]\nguild_ids = [{GUILD_ID}]\nlisten_channels = [{}]\n\
             cooldown_seconds = 0\nmax_waiting_questions = {max_waiting}\n[health]\nlisten = \"{health}\"\n",
            channels.join(", ")
        ),
    );
    let log = scratch_dir(&emu).join("load.log");
    let mut bot = Bot::spawn(&emu, &config, log).await;
    emu.wait_for(WAIT, |r| r.method == "PUT" && r.path.contains("/commands"))
        .await
        .expect("the bot registers its commands");
    let pid = bot.child.id().expect("the bot is running");
    // Let start-up settle so that idle memory is idle.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_kib = memory_kib(pid).0;

    let paced = run_phase(&emu, pid, health, "paced", 0, &questions, count, rate.max(1)).await;
    let burst = run_phase(&emu, pid, health, "burst", 1, &questions, count, 0).await;
    let phases = [paced, burst];
    print_table(
        &phases,
        idle_kib,
        questions.len(),
        rate,
        &load_before,
        model_checks,
    );

    bot.signal("TERM").await;
    if bot.wait_exit(WAIT).await.is_none() {
        eprintln!("the bot did not stop within {WAIT:?} of SIGTERM");
    }
    let warnings = bot.log();
    if !warnings.trim().is_empty() {
        eprintln!("the bot's log (warnings and errors):\n{warnings}");
    }
    let _ = std::fs::remove_dir_all(scratch_dir(&emu));
    if phases.iter().any(Phase::failed) {
        eprintln!("FAILED: some question the bot accepted was not answered exactly once in its own channel");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
