//! Rules over Python code, by topic.

use crate::rule::Rule;

mod deserialization;
mod injection;

/// Every code rule.
pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    [deserialization::RULES, injection::RULES]
        .into_iter()
        .flatten()
        .copied()
}
