//! The rule catalogue across every audit: code, configuration and template rules
//! (`cuirass_rules`), dependency and interpreter rules (`cuirass_deps`), secret detectors
//! (`cuirass_secrets`). Selection,
//! suppressions, `rules` and `explain` all look rules up here.

use std::collections::HashMap;
use std::sync::OnceLock;

use cuirass_diagnostics::{Audit, RuleMeta};

/// Every rule's metadata, sorted by name.
pub fn all() -> Vec<&'static RuleMeta> {
    static ALL: OnceLock<Vec<&'static RuleMeta>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut rules: Vec<&'static RuleMeta> = cuirass_rules::registry()
            .iter()
            .map(|rule| &rule.meta)
            .chain(cuirass_deps::rules().iter().copied())
            .chain(cuirass_secrets::rules().iter().copied())
            .collect();
        rules.sort_by_key(|meta| meta.name);
        rules
    })
    .clone()
}

/// Finds a rule by name or alias (aliases case-insensitively).
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    static INDEX: OnceLock<HashMap<String, &'static RuleMeta>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        for meta in all() {
            map.insert(meta.name.to_string(), meta);
        }
        for meta in all() {
            for alias in meta.aliases {
                map.entry(alias.id().to_ascii_uppercase()).or_insert(meta);
            }
        }
        map
    });
    index
        .get(id)
        .or_else(|| index.get(&id.to_ascii_uppercase()))
        .copied()
}

/// Whether `id` names a rule, an alias or an audit.
pub fn is_known_selector(id: &str) -> bool {
    find(id).is_some() || id.parse::<Audit>().is_ok() || id.eq_ignore_ascii_case("all")
}

/// Whether a selector covers a rule: its name, one of its aliases, its audit, or `all`.
pub fn selector_matches(selector: &str, meta: &RuleMeta) -> bool {
    selector.eq_ignore_ascii_case("all")
        || meta.is_named(selector)
        || selector
            .parse::<Audit>()
            .is_ok_and(|audit| audit == meta.audit)
}

/// A rule's page: a metadata header, then its documentation. `cuirass explain` prints it and
/// `docs/rules/<name>.md` is generated from it, so the two never differ.
pub fn rule_markdown(meta: &RuleMeta) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", meta.name);
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| Audit | {} |", meta.audit);
    let _ = writeln!(out, "| Kind | {} |", meta.kind);
    let _ = writeln!(out, "| Severity | {} |", meta.severity);
    let _ = writeln!(out, "| Confidence | {} |", meta.confidence);
    for cwe in meta.cwe {
        let _ = writeln!(
            out,
            "| CWE | [CWE-{cwe}](https://cwe.mitre.org/data/definitions/{cwe}.html): {} |",
            cuirass_diagnostics::cwe_title(*cwe).unwrap_or("(title not in table)")
        );
    }
    if let Some(owasp) = meta.owasp {
        let _ = writeln!(out, "| OWASP Top 10 | {owasp} |");
    }
    if !meta.aliases.is_empty() {
        let aliases: Vec<String> = meta
            .aliases
            .iter()
            .map(|a| format!("`{}` ({})", a.id(), a.tool()))
            .collect();
        let _ = writeln!(out, "| Aliases | {} |", aliases.join(", "));
    }
    let _ = writeln!(
        out,
        "| Enabled by default | {} |",
        if meta.default_enabled { "yes" } else { "no" }
    );
    let _ = writeln!(out, "| Since | {} |\n", meta.since);
    out.push_str(cuirass_diagnostics::dedent_doc(meta.doc).trim());
    out.push('\n');
    out
}

/// The catalogue as a Markdown table (`cuirass rules --format markdown`, `docs/rules/index.md`).
pub fn index_markdown(rules: &[&RuleMeta]) -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "| Rule | Audit | Severity | Confidence | CWE | OWASP | Aliases | Summary |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for meta in rules {
        let cwes: Vec<String> = meta.cwe.iter().map(|c| format!("CWE-{c}")).collect();
        let aliases: Vec<&str> = meta.aliases.iter().map(|a| a.id()).collect();
        let _ = writeln!(
            out,
            "| [`{0}`]({0}.md) | {1} | {2} | {3} | {4} | {5} | {6} | {7} |",
            meta.name,
            meta.audit,
            meta.severity,
            meta.confidence,
            cwes.join(", "),
            meta.owasp.map_or("-", cuirass_diagnostics::Owasp2021::id),
            aliases.join(", "),
            meta.summary().replace('|', "\\|"),
        );
    }
    out
}

/// The JSON form of a rule's metadata (`cuirass rules --format json`).
pub fn to_json(meta: &RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "name": meta.name,
        "audit": meta.audit,
        "kind": meta.kind,
        "severity": meta.severity,
        "confidence": meta.confidence,
        "likelihood": meta.likelihood,
        "impact": meta.impact,
        "cwe": meta.cwe,
        "owasp": meta.owasp.map(cuirass_diagnostics::Owasp2021::id),
        "aliases": meta.aliases.iter().map(|a| serde_json::json!({"tool": a.tool(), "id": a.id()})).collect::<Vec<_>>(),
        "tags": meta.tags,
        "default_enabled": meta.default_enabled,
        "summary": meta.summary(),
        "fix": meta.fix(),
        "since": meta.since,
    })
}
