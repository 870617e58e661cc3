//! Command-line front end: `ask` shows exactly what the bot would reply, `match` scores
//! questions in bulk for evaluation, `check` validates a knowledge folder before it ships.

use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

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
        #[arg(long, value_name = "ID")]
        client_id: Option<u64>,
    },
}

/// Longest `match` input line kept; the matcher reads 4000 characters, and a bounded
/// line keeps a runaway input from filling memory.
const MAX_LINE_BYTES: usize = 8 * 1024;

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
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(config.log_filter()))
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();
    let answerer = answerer(config)?;
    tracing::info!(entries = answerer.knowledge().entries().len(), "knowledge loaded");
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(sarcoma_bot::discord::serve(config, answerer))?;
    Ok(ExitCode::SUCCESS)
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
    Ok(Answerer::new(kb))
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

/// One JSON object per input line, in order; a line that is not UTF-8 gets an error object
/// and the rest go on.
fn match_lines(answerer: &Answerer, mut input: impl BufRead, out: &mut impl Write) -> Result<()> {
    let mut number = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = read_bounded_line(&mut input, &mut line).context("reading stdin")?;
        if read == 0 {
            break;
        }
        number += 1;
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        match std::str::from_utf8(&line) {
            Ok(q) => {
                let m = answerer.matcher().find(q);
                let query = Query {
                    query: q,
                    matched: &m,
                };
                serde_json::to_writer(&mut *out, &query).map_err(io::Error::from)?;
            }
            Err(_) => serde_json::to_writer(
                &mut *out,
                &LineError {
                    query: String::from_utf8_lossy(&line).into_owned(),
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

/// Reads up to and including the next newline, keeping at most `MAX_LINE_BYTES` of it.
/// Returns the number of bytes consumed (0 at end of input).
fn read_bounded_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    let mut consumed = 0;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(consumed);
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let n = chunk.len();
        input.consume(n);
        consumed += n;
        if done {
            return Ok(consumed);
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
        Ok(Loaded { kb, warnings }) => (warnings, Some(Answerer::new(kb))),
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

    #[test]
    fn long_lines_are_cut_and_the_next_line_survives() {
        let mut input = Vec::new();
        input.extend(std::iter::repeat_n(b'a', MAX_LINE_BYTES * 3));
        input.extend_from_slice(b"\nnext\n");
        let mut reader = io::BufReader::with_capacity(1024, input.as_slice());
        let mut line = Vec::new();
        assert_eq!(
            read_bounded_line(&mut reader, &mut line).unwrap(),
            MAX_LINE_BYTES * 3 + 1
        );
        assert_eq!(line.len(), MAX_LINE_BYTES);
        line.clear();
        read_bounded_line(&mut reader, &mut line).unwrap();
        assert_eq!(line, b"next\n");
    }
}
