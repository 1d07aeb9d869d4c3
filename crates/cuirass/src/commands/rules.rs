//! `cuirass rules`: the catalogue as a table, JSON or Markdown.

use std::io::Write;

use anyhow::Result;
use cuirass_diagnostics::RuleMeta;
use serde_json::json;

use crate::args::{RulesArgs, RulesFormat};
use crate::catalogue;
use crate::printer::Printer;

pub(crate) fn rules(args: &RulesArgs, printer: Printer) -> Result<()> {
    let rules = catalogue::all();
    printer.stdout(|out| match args.format {
        RulesFormat::Table => table(out, &rules),
        RulesFormat::Json => {
            let value: Vec<_> = rules.iter().map(|meta| to_json(meta)).collect();
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)
        }
        RulesFormat::Markdown => markdown(out, &rules),
    })?;
    Ok(())
}

fn aliases(meta: &RuleMeta) -> String {
    meta.aliases
        .iter()
        .map(|a| a.id())
        .collect::<Vec<_>>()
        .join(", ")
}

fn cwes(meta: &RuleMeta) -> String {
    meta.cwe
        .iter()
        .map(|c| format!("CWE-{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn table(out: &mut dyn Write, rules: &[&RuleMeta]) -> std::io::Result<()> {
    let width = rules.iter().map(|m| m.name.len()).max().unwrap_or(4).max(4);
    writeln!(
        out,
        "{:<width$}  {:<12}  {:<8}  {:<10}  {:<10}  {:<8}  ALIASES",
        "RULE", "AUDIT", "SEVERITY", "CONFIDENCE", "CWE", "OWASP"
    )?;
    for meta in rules {
        writeln!(
            out,
            "{:<width$}  {:<12}  {:<8}  {:<10}  {:<10}  {:<8}  {}",
            meta.name,
            meta.audit.as_str(),
            meta.severity.as_str(),
            meta.confidence.as_str(),
            cwes(meta),
            meta.owasp.map_or("-", |o| o.id()),
            aliases(meta),
        )?;
    }
    Ok(())
}

fn markdown(out: &mut dyn Write, rules: &[&RuleMeta]) -> std::io::Result<()> {
    writeln!(
        out,
        "| Rule | Audit | Severity | Confidence | CWE | OWASP | Aliases | Summary |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | --- | --- | --- | --- |")?;
    for meta in rules {
        writeln!(
            out,
            "| [`{0}`]({0}.md) | {1} | {2} | {3} | {4} | {5} | {6} | {7} |",
            meta.name,
            meta.audit,
            meta.severity,
            meta.confidence,
            cwes(meta),
            meta.owasp.map_or("-", |o| o.id()),
            aliases(meta),
            meta.summary().replace('|', "\\|"),
        )?;
    }
    Ok(())
}

/// The JSON form of a rule's metadata (also used by the docs generator).
pub(crate) fn to_json(meta: &RuleMeta) -> serde_json::Value {
    json!({
        "name": meta.name,
        "audit": meta.audit,
        "kind": meta.kind,
        "severity": meta.severity,
        "confidence": meta.confidence,
        "likelihood": meta.likelihood,
        "impact": meta.impact,
        "cwe": meta.cwe,
        "owasp": meta.owasp.map(cuirass_diagnostics::Owasp2021::id),
        "aliases": meta.aliases.iter().map(|a| json!({"tool": a.tool(), "id": a.id()})).collect::<Vec<_>>(),
        "tags": meta.tags,
        "default_enabled": meta.default_enabled,
        "summary": meta.summary(),
        "since": meta.since,
    })
}
