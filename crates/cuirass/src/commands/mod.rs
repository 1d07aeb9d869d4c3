//! One module per subcommand.

pub(crate) mod check;
pub(crate) mod db;
pub(crate) mod deps;
pub(crate) mod explain;
pub(crate) mod rules;
