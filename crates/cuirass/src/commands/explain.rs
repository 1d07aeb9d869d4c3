//! `cuirass explain RULE`: a rule's page, the same text as `docs/rules/<name>.md`.

use anyhow::Result;

use crate::UsageError;
use crate::args::ExplainArgs;
use crate::catalogue;
use crate::printer::Printer;

pub(crate) fn explain(args: &ExplainArgs, printer: Printer) -> Result<()> {
    let Some(meta) = catalogue::find(args.rule.trim()) else {
        return Err(UsageError::new(format!("unknown rule `{}`", args.rule))
            .with_hint("`cuirass rules` lists every rule name and alias")
            .into());
    };
    printer.stdout(|out| out.write_all(catalogue::rule_markdown(meta).as_bytes()))?;
    Ok(())
}
