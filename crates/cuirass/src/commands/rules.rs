//! `cuirass rules`: the catalogue as a table, JSON or Markdown.

use std::io::Write;

use anyhow::Result;
use cuirass_diagnostics::RuleMeta;

use crate::args::{RulesArgs, RulesFormat};
use crate::catalogue;
use crate::printer::Printer;

pub(crate) fn rules(args: &RulesArgs, printer: Printer) -> Result<()> {
    let rules = catalogue::all();
    printer.stdout(|out| match args.format {
        RulesFormat::Table => table(out, &rules),
        RulesFormat::Json => {
            let value: Vec<_> = rules.iter().map(|meta| catalogue::to_json(meta)).collect();
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)
        }
        RulesFormat::Markdown => out.write_all(catalogue::index_markdown(&rules).as_bytes()),
    })?;
    Ok(())
}

fn table(out: &mut dyn Write, rules: &[&RuleMeta]) -> std::io::Result<()> {
    let width = rules.iter().map(|m| m.name.len()).max().unwrap_or(4).max(4);
    writeln!(
        out,
        "{:<width$}  {:<12}  {:<8}  {:<10}  {:<9}  {:<8}  {:<3}  ALIASES",
        "RULE", "AUDIT", "SEVERITY", "CONFIDENCE", "CWE", "OWASP", "ON"
    )?;
    for meta in rules {
        let cwes: Vec<String> = meta.cwe.iter().map(|c| format!("CWE-{c}")).collect();
        let aliases: Vec<&str> = meta.aliases.iter().map(|a| a.id()).collect();
        writeln!(
            out,
            "{:<width$}  {:<12}  {:<8}  {:<10}  {:<9}  {:<8}  {:<3}  {}",
            meta.name,
            meta.audit.as_str(),
            meta.severity.as_str(),
            meta.confidence.as_str(),
            cwes.first().map_or("-", String::as_str),
            meta.owasp.map_or("-", cuirass_diagnostics::Owasp2021::id),
            if meta.default_enabled { "yes" } else { "no" },
            aliases.join(", "),
        )?;
    }
    Ok(())
}
