//! Rule families. Each family's `RULES` slice is joined here; the registry sorts them.

use crate::rule::Rule;

pub(crate) mod code;
pub(crate) mod config;
pub(crate) mod templates;

pub(crate) use code::drop_superseded;

/// Every declared rule, in family order.
pub(crate) fn all() -> impl Iterator<Item = &'static Rule> {
    code::rules()
        .chain(config::rules())
        .chain(templates::RULES.iter().copied())
}
