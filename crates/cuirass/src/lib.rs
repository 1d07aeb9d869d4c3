//! The `cuirass` command line. [`run`] is the whole program: the binary calls it, and so does
//! the Python package, so both are one implementation.
#![forbid(unsafe_code)]

mod args;
mod baseline;
pub mod catalogue;
mod commands;
mod deps;
mod exit;
mod printer;
mod progress;
mod secrets;

use std::ffi::OsString;
use std::fmt;

use clap::Parser;

use crate::args::{Cli, Command};
pub use crate::exit::ExitStatus;
use crate::printer::Printer;

/// A usage or configuration problem: reported in one clear line, exit code 2.
#[derive(Debug)]
pub struct UsageError {
    message: String,
    hint: Option<String>,
}

impl UsageError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
        }
    }

    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

impl From<cuirass_workspace::ConfigError> for UsageError {
    fn from(error: cuirass_workspace::ConfigError) -> Self {
        UsageError::new(error.to_string())
    }
}

/// The command-line definition, for generated documentation.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Runs cuirass with the given arguments (the first is the program name) and returns how it
/// ended. Never panics on user input; never calls `process::exit`.
pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` are successes; everything else is a usage error.
            let _ = error.print();
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayVersion
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    ExitStatus::Success
                }
                _ => ExitStatus::Error,
            };
        }
    };
    let (no_color, quiet) = match &cli.command {
        Command::Check(args) => (args.scan.no_color, args.scan.quiet),
        Command::Baseline(args) => (args.scan.no_color, args.scan.quiet),
        Command::Deps(crate::args::DepsCommand::Fix(args)) => (args.scan.no_color, args.scan.quiet),
        _ => (false, false),
    };
    let printer = Printer::new(no_color, quiet);
    let result = match &cli.command {
        Command::Check(args) => commands::check::check(args, printer),
        Command::Baseline(args) => commands::check::baseline(args, printer),
        Command::Db(command) => commands::db::db(command, printer),
        Command::Deps(command) => commands::deps::deps(command, printer),
        Command::Rules(args) => commands::rules::rules(args, printer).map(|()| ExitStatus::Success),
        Command::Explain(args) => {
            commands::explain::explain(args, printer).map(|()| ExitStatus::Success)
        }
    };
    match result {
        Ok(status) => status,
        Err(error) => {
            report_error(&printer, &error);
            ExitStatus::Error
        }
    }
}

fn report_error(printer: &Printer, error: &anyhow::Error) {
    if let Some(usage) = error.downcast_ref::<UsageError>() {
        printer.error(&usage.message, &[], usage.hint.as_deref());
        return;
    }
    let causes: Vec<String> = error.chain().skip(1).map(ToString::to_string).collect();
    printer.error(error, &causes, None);
}
