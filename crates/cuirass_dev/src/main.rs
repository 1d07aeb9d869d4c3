//! `cargo run -p cuirass_dev -- generate [--check]`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
enum Task {
    /// Write docs/rules/*.md, docs/rules/index.md and docs/cli.md (or, with --check, fail when
    /// they are stale).
    Generate {
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut err = std::io::stderr().lock();
    match Task::parse() {
        Task::Generate { check: true } => {
            let problems = cuirass_dev::check(&root);
            for problem in &problems {
                let _ = std::io::Write::write_fmt(&mut err, format_args!("{problem}\n"));
            }
            if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                let _ = std::io::Write::write_fmt(
                    &mut err,
                    format_args!("run `cargo run -p cuirass_dev -- generate`\n"),
                );
                ExitCode::FAILURE
            }
        }
        Task::Generate { check: false } => match cuirass_dev::write(&root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                let _ = std::io::Write::write_fmt(&mut err, format_args!("error: {error:#}\n"));
                ExitCode::FAILURE
            }
        },
    }
}
