//! `cuirass deps fix`: raise vulnerable exact pins to the smallest version that fixes every
//! advisory, in place (atomically) or as a diff.

use anyhow::{Context as _, Result};

use crate::UsageError;
use crate::args::{DepsCommand, DepsFixArgs};
use crate::commands::check::scan;
use crate::exit::ExitStatus;
use crate::printer::Printer;

pub(crate) fn deps(command: &DepsCommand, printer: Printer) -> Result<ExitStatus> {
    match command {
        DepsCommand::Fix(args) => fix(args, printer),
    }
}

fn fix(args: &DepsFixArgs, printer: Printer) -> Result<ExitStatus> {
    let scan = scan(&args.scan, false)?;
    let Some(deps) = scan.deps else {
        return Err(
            UsageError::new("no dependency rule is selected, so there is nothing to fix").into(),
        );
    };
    if let Some(reason) = &deps.not_run {
        return Err(UsageError::new(format!("cannot fix without advisories: {reason}")).into());
    }
    let plan = cuirass_deps::fix::plan_fixes(&deps.report).context("cannot plan the fixes")?;
    for skipped in &plan.skipped {
        printer.warning(format_args!(
            "{}:{}: not changing `{}` {}: {}",
            skipped.location.path,
            skipped.location.span.start.line,
            skipped.package,
            skipped.version,
            skipped.reason
        ));
    }
    if args.dry_run {
        let diff = plan.diff();
        printer.stdout(|out| out.write_all(diff.as_bytes()))?;
    } else {
        plan.apply().context("cannot write the fixes")?;
        printer.info(format_args!("updated {} file(s)", plan.edits.len()));
    }
    Ok(ExitStatus::Success)
}
