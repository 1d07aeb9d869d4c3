use cuirass_python::Ranged;
use cuirass_python::ast::{Expr, Stmt};

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for SSL 2.0, SSL 3.0, TLS 1.0 and TLS 1.1 chosen on purpose:
    /// - a protocol constant (`ssl.PROTOCOL_SSLv3`, `ssl.PROTOCOL_TLSv1`,
    ///   `ssl.PROTOCOL_TLSv1_1`, pyOpenSSL's `SSL.TLSv1_METHOD`, …) passed to any call, such
    ///   as `ssl.SSLContext(…)`, `ssl.wrap_socket(ssl_version=…)` or `OpenSSL.SSL.Context(…)`;
    /// - the same constants as the default value of a function parameter (Bandit's B503);
    /// - `context.minimum_version` set to `TLSVersion.MINIMUM_SUPPORTED`, `SSLv3`, `TLSv1`
    ///   or `TLSv1_1`, or `context.maximum_version` set to one of those old versions.
    ///
    /// ## Why is this bad?
    /// Every SSL version and TLS before 1.2 has practical attacks (POODLE, BEAST, weak
    /// handshake hashes) and was formally deprecated by RFC 8996; pinning a connection to one
    /// of them, or allowing a peer to negotiate down to one, exposes its traffic.
    ///
    /// The same constants in a comparison, a `hasattr` test or a lookup table are not
    /// reported: only a value that configures a connection is. `PROTOCOL_TLS`,
    /// `PROTOCOL_TLS_CLIENT` and pyOpenSSL's `SSLv23_METHOD` (which Bandit reports) negotiate
    /// the best version both sides support and are not reported.
    ///
    /// ## Example
    /// ```python
    /// import ssl
    ///
    /// context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import ssl
    ///
    /// context = ssl.create_default_context()
    /// context.minimum_version = ssl.TLSVersion.TLSv1_2
    /// ```
    ///
    /// ## Fix
    /// Use `ssl.create_default_context()` (or `ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)`),
    /// and set `minimum_version = ssl.TLSVersion.TLSv1_2` if a floor must be explicit. With
    /// pyOpenSSL, use `SSL.TLS_METHOD` and `set_min_proto_version(SSL.TLS1_2_VERSION)`.
    ///
    /// ## References
    /// - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    /// - [RFC 8996: Deprecating TLS 1.0 and TLS 1.1](https://www.rfc-editor.org/rfc/rfc8996)
    /// - [Python docs: `ssl` protocol versions](https://docs.python.org/3/library/ssl.html#ssl.TLSVersion)
    pub(super) RULE = {
        name: "ssl-insecure-version",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [327],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B502"), Bandit("B503"), Ruff("S502"), Ruff("S503")],
        tags: ["tls", "ssl"],
        interest: [Call, FunctionDef, Assign],
        check: check,
    }
}

/// Protocol constants that pin a broken version.
const BROKEN_PROTOCOLS: &[&str] = &[
    "ssl.PROTOCOL_SSLv2",
    "ssl.PROTOCOL_SSLv3",
    "ssl.PROTOCOL_TLSv1",
    "ssl.PROTOCOL_TLSv1_1",
    "ssl._SSLMethod.PROTOCOL_SSLv2",
    "ssl._SSLMethod.PROTOCOL_SSLv3",
    "ssl._SSLMethod.PROTOCOL_TLSv1",
    "ssl._SSLMethod.PROTOCOL_TLSv1_1",
    "OpenSSL.SSL.SSLv2_METHOD",
    "OpenSSL.SSL.SSLv3_METHOD",
    "OpenSSL.SSL.TLSv1_METHOD",
    "OpenSSL.SSL.TLSv1_1_METHOD",
];

/// `ssl.TLSVersion` members below TLS 1.2.
const BROKEN_VERSIONS: &[&str] = &[
    "ssl.TLSVersion.SSLv3",
    "ssl.TLSVersion.TLSv1",
    "ssl.TLSVersion.TLSv1_1",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    match node {
        Node::Call(call) => {
            let arguments = call
                .node
                .arguments
                .args
                .iter()
                .chain(call.node.arguments.keywords.iter().map(|k| &k.value));
            for argument in arguments {
                if let Some(name) = broken_constant(ctx, argument, false) {
                    ctx.report(
                        argument.range(),
                        format!("`{name}` selects a broken SSL/TLS version; use `ssl.create_default_context()` (TLS 1.2 or later)"),
                    );
                }
            }
        }
        Node::Stmt(Stmt::FunctionDef(function)) => {
            let defaults = function
                .parameters
                .iter_non_variadic_params()
                .filter_map(|parameter| parameter.default.as_deref());
            for default in defaults {
                if let Some(name) = broken_constant(ctx, default, false) {
                    ctx.report(
                        default.range(),
                        format!("a parameter defaults to `{name}`, a broken SSL/TLS version; default to a context from `ssl.create_default_context()`"),
                    );
                }
            }
        }
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                check_version_assignment(ctx, target, &assign.value);
            }
        }
        _ => {}
    }
}

/// `context.minimum_version = …` / `context.maximum_version = …`.
fn check_version_assignment(ctx: &mut Context<'_>, target: &Expr, value: &Expr) {
    let Expr::Attribute(attr) = target else {
        return;
    };
    let minimum = match attr.attr.as_str() {
        "minimum_version" => true,
        "maximum_version" => false,
        _ => return,
    };
    if let Some(name) = broken_constant(ctx, value, minimum) {
        let what = if minimum {
            "lets peers negotiate"
        } else {
            "limits connections to"
        };
        ctx.report(
            target.range(),
            format!("setting `{}` to `{name}` {what} a broken SSL/TLS version; use `ssl.TLSVersion.TLSv1_2` or later", attr.attr),
        );
    }
}

/// The dotted name of a broken protocol or version constant `expr` resolves to. With
/// `minimum`, `TLSVersion.MINIMUM_SUPPORTED` counts as broken too (as a floor it lets peers
/// go as low as the OpenSSL build allows).
fn broken_constant(ctx: &Context<'_>, expr: &Expr, minimum: bool) -> Option<String> {
    if !matches!(expr, Expr::Attribute(_) | Expr::Name(_)) {
        return None;
    }
    let name = ctx.qualified_name(expr)?;
    let broken = BROKEN_PROTOCOLS.contains(&name.as_str())
        || BROKEN_VERSIONS.contains(&name.as_str())
        || (minimum && name == "ssl.TLSVersion.MINIMUM_SUPPORTED");
    broken.then_some(name)
}
