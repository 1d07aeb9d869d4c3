//! The registry of every rule, and the set of rules enabled for a run.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::rule::{Interest, Rule};
use crate::rules;

/// Every rule, sorted by name.
pub fn registry() -> &'static [&'static Rule] {
    static REGISTRY: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut all: Vec<&'static Rule> = rules::all().collect();
        all.sort_by_key(|rule| rule.meta.name);
        all
    })
}

/// Finds a rule by name or alias (`B602`, `S602`; aliases case-insensitively).
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    static INDEX: OnceLock<HashMap<String, &'static Rule>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        for &rule in registry() {
            map.insert(rule.meta.name.to_string(), rule);
            for alias in rule.meta.aliases {
                map.entry(alias.id().to_ascii_uppercase()).or_insert(rule);
            }
        }
        map
    });
    index
        .get(id)
        .or_else(|| index.get(&id.to_ascii_uppercase()))
        .copied()
}

/// The rules enabled for a run, indexed by interest for dispatch.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<&'static Rule>,
    by_interest: [Vec<&'static Rule>; Interest::COUNT],
}

impl RuleSet {
    /// A set of the given rules (order kept).
    pub fn new(rules: impl IntoIterator<Item = &'static Rule>) -> Self {
        let rules: Vec<&'static Rule> = rules.into_iter().collect();
        let mut by_interest: [Vec<&'static Rule>; Interest::COUNT] = Default::default();
        for &rule in &rules {
            for interest in rule.interest {
                if let Some(slot) = by_interest.get_mut(interest.index()) {
                    slot.push(rule);
                }
            }
        }
        Self { rules, by_interest }
    }

    /// Every rule enabled by default.
    pub fn defaults() -> Self {
        Self::new(
            registry()
                .iter()
                .copied()
                .filter(|rule| rule.meta.default_enabled),
        )
    }

    pub fn rules(&self) -> &[&'static Rule] {
        &self.rules
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub(crate) fn wants(&self, interest: Interest) -> bool {
        self.by_interest
            .get(interest.index())
            .is_some_and(|rules| !rules.is_empty())
    }

    pub(crate) fn interested(&self, interest: Interest) -> &[&'static Rule] {
        self.by_interest
            .get(interest.index())
            .map_or(&[], Vec::as_slice)
    }
}
