//! The rule catalogue across every audit: code and configuration rules today, with secret
//! detectors and dependency rules joining as their crates land. Selection, suppressions,
//! `rules` and `explain` all look rules up here.

use cuirass_diagnostics::{Audit, RuleMeta};

/// Every rule's metadata, sorted by name.
pub(crate) fn all() -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&'static RuleMeta> = cuirass_rules::registry()
        .iter()
        .map(|rule| &rule.meta)
        .collect();
    rules.sort_by_key(|meta| meta.name);
    rules
}

/// Finds a rule by name or alias.
pub(crate) fn find(id: &str) -> Option<&'static RuleMeta> {
    cuirass_rules::find_rule(id).map(|rule| &rule.meta)
}

/// Whether `id` names a rule, an alias or an audit.
pub(crate) fn is_known_selector(id: &str) -> bool {
    find(id).is_some() || id.parse::<Audit>().is_ok() || id.eq_ignore_ascii_case("all")
}

/// Whether a selector covers a rule: its name, one of its aliases, its audit, or `all`.
pub(crate) fn selector_matches(selector: &str, meta: &RuleMeta) -> bool {
    selector.eq_ignore_ascii_case("all")
        || meta.is_named(selector)
        || selector
            .parse::<Audit>()
            .is_ok_and(|audit| audit == meta.audit)
}
