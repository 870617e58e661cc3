//! The `sarcoma-bot` command: a thin front end over the answering core.

mod cli;

fn main() -> std::process::ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sarcoma-bot: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
