//! What the legacy-protocol rules share: telling a connection to the local machine apart.

use cuirass_python::ast::Expr;

use crate::helpers::str_value;

/// Whether `host` is a literal naming this machine (`localhost`, `127.0.0.1`, `::1`), where
/// clear text never crosses a network.
pub(super) fn is_loopback(host: &Expr) -> bool {
    str_value(host).is_some_and(|host| {
        let host = host.trim().to_ascii_lowercase();
        host == "localhost"
            || host.ends_with(".localhost")
            || host == "::1"
            || host == "[::1]"
            || host.starts_with("127.")
    })
}
