//! Command-line front end: `ask` shows exactly what the bot would reply, `match` scores
//! questions in bulk for evaluation, `check` validates a knowledge folder before it ships.

use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use sarcoma_bot::answer::Answerer;
use sarcoma_bot::config::Config;
use sarcoma_bot::knowledge::{KnowledgeBase, LoadError, Loaded, Severity};
use serde::Serialize;

/// Soft tissue sarcoma information for support-group members, from a curated knowledge base.
#[derive(Parser)]
#[command(name = "sarcoma-bot", version)]
struct Cli {
    /// Configuration file [default: ./config.toml when present]
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Answer from this knowledge folder instead of the built-in knowledge
    #[arg(long, global = true, value_name = "DIR")]
    knowledge: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the reply the bot would send to a question
    Ask {
        /// Print the reply as JSON instead of text
        #[arg(long)]
        json: bool,
        /// Print the whole entry rather than the section that answers
        #[arg(long)]
        full: bool,
        /// The question, in the member's own words
        #[arg(required = true, num_args = 1..)]
        question: Vec<String>,
    },
    /// Read questions from stdin, one per line; write one JSON object per line
    Match,
    /// Run the Discord bot (token from DISCORD_TOKEN or the config's token_file)
    Serve,
    /// Validate a knowledge folder and report every problem
    Check {
        /// The folder [default: the configured knowledge folder, else ./knowledge]
        dir: Option<PathBuf>,
        /// Treat warnings (overdue reviews, hard reading) as failures
        #[arg(long)]
        strict: bool,
        /// List each entry's reading grade
        #[arg(long)]
        grades: bool,
        /// List every example question that lands elsewhere, with where it lands
        #[arg(long)]
        routes: bool,
    },
    /// Print the link that adds the bot to a server, with the scopes and permissions it needs
    Invite {
        /// The application id from the Developer Portal [default: asked of Discord with the token]
        #[arg(long, value_name = "ID", value_parser = application_id)]
        client_id: Option<u64>,
    },
}

/// The characters of a question that are read: Discord's message limit with Nitro, and what
/// the matcher reads. A longer line is cut on a character boundary, never mid-character.
const MAX_QUESTION_CHARS: usize = 4000;

/// The most bytes those characters can take in UTF-8 (4 bytes each at most): a line of any
/// length costs at most this much memory.
const MAX_LINE_BYTES: usize = MAX_QUESTION_CHARS * 4;

pub(crate) fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let mut config = match &cli.config {
        Some(path) => Config::load(path)?,
        None if PathBuf::from("config.toml").is_file() => Config::load("config.toml".as_ref())?,
        None => Config::default(),
    };
    if let Some(dir) = cli.knowledge {
        config.set_knowledge_dir(dir);
    }
    match cli.command {
        Command::Ask { json, full, question } => {
            let answerer = answerer(&config)?;
            let mut answer = answerer.ask(&question.join(" "));
            if full {
                answer.reply = answer.reply.whole_entry();
            }
            let mut out = io::stdout().lock();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&answer)?)?;
            } else {
                if let Some(note) = &answer.note {
                    writeln!(out, "({note})\n")?;
                }
                // The Discord reply shows the safety note above the answer; so does this one.
                if let Some(safety) = answer.safety_note_text {
                    writeln!(out, "{safety}\n")?;
                }
                write!(out, "{}", answer.reply.to_text())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Match => {
            let answerer = answerer(&config)?;
            match_lines(
                &answerer,
                io::stdin().lock(),
                &mut BufWriter::new(io::stdout().lock()),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            dir,
            strict,
            grades,
            routes,
        } => check(&config, dir, strict, grades, routes),
        Command::Serve => serve(&config),
        Command::Invite { client_id } => invite(&config, client_id),
    }
}

fn serve(config: &Config) -> Result<ExitCode> {
    let filter = config.log_filter();
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .with_context(|| format!("RUST_LOG = {filter:?} is not a log filter; try RUST_LOG=info"))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();
    let answerer = answerer(config)?;
    tracing::info!(entries = answerer.knowledge().entries().len(), "knowledge loaded");
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let served = runtime.block_on(sarcoma_bot::discord::serve(config, answerer));
    // Tasks still running (a shard still reconnecting, the health check) end with the
    // runtime; none of them holds a reply, which `serve` has already waited for.
    runtime.shutdown_timeout(Duration::from_millis(500));
    match served {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("sarcoma-bot: {e}");
            Ok(ExitCode::from(e.exit_code()))
        }
    }
}

/// An application id as the Developer Portal shows it: a positive whole number.
fn application_id(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(format!(
            "{text:?} is not an application id: copy the Application ID (a number above 0) from \
             the General Information page of your application in the Discord Developer Portal"
        )),
    }
}

fn invite(config: &Config, client_id: Option<u64>) -> Result<ExitCode> {
    let id = match client_id {
        Some(id) => id,
        None => tokio::runtime::Runtime::new()
            .context("starting the async runtime")?
            .block_on(sarcoma_bot::discord::application_id(config))
            .context("finding the application id (or give it with --client-id)")?,
    };
    println!("{}", sarcoma_bot::discord::invite_url(id));
    Ok(ExitCode::SUCCESS)
}

fn answerer(config: &Config) -> Result<Answerer> {
    let Loaded { kb, warnings } = config.load_knowledge().map_err(report_load_error)?;
    for w in &warnings {
        eprintln!("{w}");
    }
    let answerer = Answerer::checked(kb).map_err(report_load_error)?;
    for w in answerer.matcher().safety_warnings() {
        eprintln!("{w}");
    }
    Ok(answerer)
}

fn report_load_error(e: LoadError) -> anyhow::Error {
    anyhow::anyhow!("{e}\nrun `sarcoma-bot check` on the folder for details")
}

#[derive(Serialize)]
struct LineError {
    query: String,
    id: Option<()>,
    section: Option<()>,
    score: f32,
    alternatives: [(); 0],
    error: String,
}

/// One JSON object per input line, in order; a line with bytes that are not UTF-8 gets an
/// error object and the rest go on.
fn match_lines(answerer: &Answerer, mut input: impl BufRead, out: &mut impl Write) -> Result<()> {
    let mut number = 0;
    let mut line = Line::default();
    loop {
        if !line.read(&mut input).context("reading stdin")? {
            break;
        }
        number += 1;
        match line.text() {
            Some(q) => {
                let m = answerer.matcher().find(q);
                let query = Query {
                    query: q,
                    matched: &m,
                };
                serde_json::to_writer(&mut *out, &query).map_err(io::Error::from)?;
            }
            None => serde_json::to_writer(
                &mut *out,
                &LineError {
                    query: String::from_utf8_lossy(&line.kept).into_owned(),
                    id: None,
                    section: None,
                    score: 0.0,
                    alternatives: [],
                    error: format!("line {number} is not valid UTF-8"),
                },
            )
            .map_err(io::Error::from)?,
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct Query<'a> {
    query: &'a str,
    #[serde(flatten)]
    matched: &'a sarcoma_bot::matcher::Match,
}

/// One input line of any length: its first [`MAX_LINE_BYTES`] bytes, and whether every byte
/// of it, kept or not, is UTF-8.
#[derive(Default)]
struct Line {
    kept: Vec<u8>,
    /// Some byte of the line is not UTF-8.
    invalid: bool,
    /// The first bytes of a character whose other bytes come in the next read.
    pending: Vec<u8>,
}

impl Line {
    /// Reads the next line and drops its line ending (`\n` or `\r\n`). False at the end of
    /// the input.
    fn read(&mut self, input: &mut impl BufRead) -> io::Result<bool> {
        self.kept.clear();
        self.pending.clear();
        self.invalid = false;
        let mut any = false;
        loop {
            let buf = input.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            any = true;
            let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..i], true),
                None => (buf, false),
            };
            let room = MAX_LINE_BYTES.saturating_sub(self.kept.len());
            self.kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            self.invalid |= !validate(&mut self.pending, chunk);
            let n = chunk.len() + usize::from(done);
            input.consume(n);
            if done {
                break;
            }
        }
        // A line that ends inside a character.
        self.invalid |= !self.pending.is_empty();
        if self.kept.len() < MAX_LINE_BYTES && self.kept.last() == Some(&b'\r') {
            self.kept.pop();
        }
        Ok(any)
    }

    /// The line as text, cut to [`MAX_QUESTION_CHARS`] characters; `None` if some byte of it
    /// is not UTF-8.
    fn text(&self) -> Option<&str> {
        if self.invalid {
            return None;
        }
        let text = match std::str::from_utf8(&self.kept) {
            Ok(text) => text,
            // The byte limit cut a character in two: the whole line is valid, so keep what
            // comes before that character.
            Err(e) => std::str::from_utf8(&self.kept[..e.valid_up_to()]).ok()?,
        };
        Some(match text.char_indices().nth(MAX_QUESTION_CHARS) {
            Some((cut, _)) => &text[..cut],
            None => text,
        })
    }
}

/// Checks `bytes` as the continuation of a UTF-8 stream whose unfinished last character is in
/// `pending` (left there again for the next call). False if some byte is not UTF-8.
fn validate(pending: &mut Vec<u8>, mut bytes: &[u8]) -> bool {
    let mut valid = true;
    // Finish the character the previous read left open, a byte at a time (it needs 3 at most).
    while !pending.is_empty() && !bytes.is_empty() {
        pending.push(bytes[0]);
        bytes = &bytes[1..];
        match std::str::from_utf8(pending) {
            Ok(_) => pending.clear(),
            Err(e) if e.error_len().is_some() => {
                valid = false;
                pending.clear();
            }
            Err(_) => {}
        }
    }
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(_) => return valid,
            Err(e) => match e.error_len() {
                Some(bad) => {
                    valid = false;
                    rest = &rest[e.valid_up_to() + bad..];
                }
                None => {
                    pending.extend_from_slice(&rest[e.valid_up_to()..]);
                    return valid;
                }
            },
        }
    }
}

fn check(
    config: &Config,
    dir: Option<PathBuf>,
    strict: bool,
    grades: bool,
    routes: bool,
) -> Result<ExitCode> {
    let dir = dir
        .or_else(|| config.knowledge_dir())
        .unwrap_or_else(|| PathBuf::from("knowledge"));
    let shown = dir.display().to_string();
    let (mut problems, loaded) = match KnowledgeBase::from_dir(&dir) {
        Ok(Loaded { kb, mut warnings }) => {
            let answerer = Answerer::new(kb);
            warnings.extend_from_slice(answerer.matcher().safety_warnings());
            (warnings, Some(answerer))
        }
        Err(e) => (e.problems, None),
    };
    let mut out = io::stdout().lock();
    if let Some(answerer) = &loaded {
        let misroutes = sarcoma_bot::routes::misroutes(answerer.knowledge(), answerer.matcher());
        if routes {
            let examples: usize = answerer
                .knowledge()
                .entries()
                .iter()
                .map(|e| e.examples().len() + e.sections.iter().map(|s| s.examples().len()).sum::<usize>())
                .sum();
            writeln!(
                out,
                "{} of {examples} example questions land elsewhere:",
                misroutes.len()
            )?;
            for m in &misroutes {
                writeln!(out, "  {m}")?;
            }
        }
        problems.splice(0..0, misroutes.iter().map(sarcoma_bot::routes::Misroute::problem));
        problems.extend(answerer.safety_problems());
    }
    for p in &problems {
        writeln!(out, "{p}")?;
    }
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = problems.len() - errors;
    if let Some(kb) = loaded.as_ref().map(Answerer::knowledge) {
        let graded: Vec<(f64, &str)> = kb
            .entries()
            .iter()
            .map(|e| (KnowledgeBase::grade(e), e.id.as_str()))
            .collect();
        if grades {
            for (g, id) in &graded {
                writeln!(out, "{id:<24} grade {g:.1}")?;
            }
        }
        let max = graded.iter().map(|(g, _)| *g).fold(0.0, f64::max);
        writeln!(
            out,
            "{shown}: {} entries, hardest reading grade {max:.1}; {errors} error(s), {warnings} warning(s)",
            kb.entries().len()
        )?;
    } else {
        writeln!(out, "{shown}: {errors} error(s), {warnings} warning(s)")?;
    }
    let failed = errors > 0 || (strict && warnings > 0);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads every line of `input` through a small buffer, so lines span many reads.
    fn lines(input: &[u8]) -> Vec<Result<String, String>> {
        let mut reader = io::BufReader::with_capacity(7, input);
        let mut line = Line::default();
        let mut out = Vec::new();
        while line.read(&mut reader).unwrap() {
            out.push(match line.text() {
                Some(text) => Ok(text.to_owned()),
                None => Err(String::from_utf8_lossy(&line.kept).into_owned()),
            });
        }
        out
    }

    #[test]
    fn long_lines_keep_their_first_characters_and_the_next_line_survives() {
        for (name, unit) in [
            ("ascii", "a"),
            ("cjk", "あ"),
            ("cyrillic", "ж"),
            ("combining", "e\u{301}"),
            ("emoji", "🦴"),
        ] {
            let long = unit.repeat(MAX_QUESTION_CHARS * 3);
            let input = format!("what is chemo? {long}\nnext\r\n");
            let got = lines(input.as_bytes());
            assert_eq!(got.len(), 2, "{name}");
            let first = got[0]
                .as_ref()
                .unwrap_or_else(|e| panic!("{name}: reported invalid: {e:.40}"));
            assert_eq!(first.chars().count(), MAX_QUESTION_CHARS, "{name}");
            assert!(input.starts_with(first.as_str()), "{name}");
            assert_eq!(got[1], Ok("next".to_owned()), "{name}");
        }
    }

    #[test]
    fn only_lines_with_bytes_that_are_not_utf8_are_invalid() {
        let mut input = b"ok\n\xff bad\n".to_vec();
        // An invalid byte far past the kept part still makes the line invalid...
        input.extend("あ".repeat(MAX_QUESTION_CHARS * 2).as_bytes());
        input.extend(b"\xc3(\n");
        // ...and a character cut at the end of the input is not finished.
        input.extend("stage 4 ".as_bytes());
        input.extend(&"あ".as_bytes()[..2]);
        let got = lines(&input);
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], Ok("ok".to_owned()));
        assert!(got[1].is_err());
        assert!(got[2].is_err());
        assert!(got[3].is_err());
    }

    #[test]
    fn the_validator_finds_characters_split_across_reads() {
        let text = "ж🦴あ".as_bytes();
        for cut in 0..=text.len() {
            let mut pending = Vec::new();
            assert!(validate(&mut pending, &text[..cut]), "cut at {cut}");
            assert!(validate(&mut pending, &text[cut..]), "cut at {cut}");
            assert!(pending.is_empty(), "cut at {cut}");
        }
        let mut pending = Vec::new();
        assert!(validate(&mut pending, &[0xE3]));
        assert!(!validate(&mut pending, b"a"));
    }
}
