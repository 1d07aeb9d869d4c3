//! `cuirass db update` and `cuirass db info`: the advisory database of the dependency audit.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use cuirass_deps::db::{Progress, UpdateOutcome};
use cuirass_deps::{Database, Date, DbInfo};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::UsageError;
use crate::args::{DbCommand, DbInfoArgs, DbUpdateArgs};
use crate::exit::ExitStatus;
use crate::printer::Printer;

pub(crate) fn db(command: &DbCommand, printer: Printer) -> Result<ExitStatus> {
    match command {
        DbCommand::Update(args) => update(args, printer),
        DbCommand::Info(args) => info(args, printer),
    }
}

fn cache_dir(explicit: Option<&PathBuf>) -> Result<PathBuf> {
    explicit
        .cloned()
        .or_else(cuirass_deps::db::default_cache_dir)
        .ok_or_else(|| {
            UsageError::new("cannot tell where the user cache is (no `XDG_CACHE_HOME` or `HOME`)")
                .with_hint("pass `--cache-dir DIR`")
                .into()
        })
}

fn update(args: &DbUpdateArgs, printer: Printer) -> Result<ExitStatus> {
    let cache = cache_dir(args.cache_dir.as_ref())?;
    let show = std::io::stderr().is_terminal() && !printer.quiet;
    let bar = if show {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10))
    } else {
        ProgressBar::hidden()
    };
    let mut on_progress = |progress: Progress| match progress {
        Progress::Connecting { url } => bar.set_message(format!("Connecting to {url}")),
        Progress::Downloading { received, total } => {
            if let Some(total) = total
                && bar.length() != Some(total)
            {
                bar.set_length(total);
                if let Ok(style) = ProgressStyle::with_template(
                    "Downloading {bytes}/{total_bytes} [{elapsed}] {wide_bar} {eta}",
                ) {
                    bar.set_style(style);
                }
            }
            bar.set_position(received);
        }
        Progress::Verifying => bar.set_message("Verifying the archive"),
        Progress::Indexing => bar.set_message("Writing the index"),
    };
    let outcome = cuirass_deps::db::update(&args.url, &cache, &mut on_progress);
    bar.finish_and_clear();
    let outcome = outcome.map_err(|e| {
        anyhow::Error::new(e)
            .context("cannot update the advisory database; the cached copy was left as it was")
    })?;
    let (verb, info) = match &outcome {
        UpdateOutcome::Updated(info) => ("Updated", info),
        UpdateOutcome::NotModified(info) => ("Already current", info),
    };
    printer.info(format_args!(
        "{verb}: {} advisories for {} packages in `{}`",
        info.advisories,
        info.packages,
        info.path.display()
    ));
    Ok(ExitStatus::Success)
}

fn info(args: &DbInfoArgs, printer: Printer) -> Result<ExitStatus> {
    let info = if let Some(path) = &args.db {
        Database::open(path)
            .map_err(|e| UsageError::new(format!("cannot open `{}`: {e}", path.display())))?
            .info()
            .clone()
    } else {
        {
            let cache = cache_dir(args.cache_dir.as_ref())?;
            match cuirass_deps::db::cache_info(&cache)
                .map_err(|e| UsageError::new(format!("the cached database is unusable: {e}")))?
            {
                Some(info) => info,
                None => {
                    return Err(UsageError::new(format!(
                        "no advisory database in `{}`",
                        cache.display()
                    ))
                    .with_hint("run `cuirass db update`, or pass `--db PATH`")
                    .into());
                }
            }
        }
    };
    printer.stdout(|out| describe(out, &info))?;
    if let Some(warning) = info.staleness_warning(Date::today_utc()) {
        printer.warning(warning);
    }
    Ok(ExitStatus::Success)
}

fn describe(out: &mut dyn Write, info: &DbInfo) -> std::io::Result<()> {
    writeln!(out, "source:      {}", info.path.display())?;
    if let Some(url) = &info.url {
        writeln!(out, "downloaded:  from {url}")?;
    }
    if let Some(when) = info.downloaded_unix {
        writeln!(
            out,
            "at:          {}",
            cuirass_report::format_rfc3339_utc(when)
        )?;
    }
    if let Some(newest) = info.newest_modified {
        let age = info
            .age_days(Date::today_utc())
            .map_or_else(String::new, |days| format!(" ({days} days old)"));
        writeln!(out, "newest:      {newest}{age}")?;
    }
    writeln!(
        out,
        "advisories:  {} ({} withdrawn, {} unreadable, skipped)",
        info.advisories, info.withdrawn, info.invalid
    )?;
    writeln!(out, "packages:    {}", info.packages)?;
    writeln!(out, "size:        {} bytes", info.size_bytes)
}
