//! Rules over framework configuration: Django settings modules, Flask configuration and
//! FastAPI/Starlette middleware. They read Python code (so they run where the code rules run),
//! but report under the `config` audit.

use crate::rule::Rule;

mod django;
mod fastapi;
mod flask;
pub(crate) mod helpers;

/// Every configuration rule.
pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    [django::RULES, fastapi::RULES, flask::RULES]
        .into_iter()
        .flatten()
        .copied()
}
