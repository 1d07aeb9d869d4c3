//! `cuirass explain RULE`: a rule's metadata header and its documentation.

use std::io::Write;

use anyhow::Result;
use cuirass_diagnostics::{RuleMeta, cwe_title};

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
    printer.stdout(|out| render(out, meta))?;
    Ok(())
}

/// The text `explain` prints: a header of metadata, then the documentation.
pub(crate) fn render(out: &mut dyn Write, meta: &RuleMeta) -> std::io::Result<()> {
    writeln!(out, "# {}", meta.name)?;
    writeln!(out)?;
    writeln!(
        out,
        "Audit: {} · Severity: {} · Confidence: {} · Kind: {}",
        meta.audit, meta.severity, meta.confidence, meta.kind
    )?;
    for cwe in meta.cwe {
        writeln!(
            out,
            "CWE-{cwe}: {}",
            cwe_title(*cwe).unwrap_or("(title not in table)")
        )?;
    }
    if let Some(owasp) = meta.owasp {
        writeln!(out, "OWASP Top 10: {owasp}")?;
    }
    if !meta.aliases.is_empty() {
        let aliases: Vec<String> = meta
            .aliases
            .iter()
            .map(|a| format!("{} ({})", a.id(), a.tool()))
            .collect();
        writeln!(out, "Aliases: {}", aliases.join(", "))?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        cuirass_diagnostics::dedent_doc(meta.doc).trim_end()
    )
}
