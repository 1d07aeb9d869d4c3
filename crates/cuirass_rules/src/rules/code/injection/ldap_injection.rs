use cuirass_diagnostics::{Confidence, Related};
use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{built_string, constructed_by, dynamic_parts, leading_literal, terminal_name};

declare_rule! {
    /// ## What it does
    /// Checks for LDAP search filters built at run time (an f-string, `%`, `.format()` or `+`
    /// with values that are not escaped), directly in the call or in a local variable:
    /// - python-ldap: `search`, `search_s`, `search_st`, `search_ext` and `search_ext_s`
    ///   (`filterstr`, third argument) on a connection from `ldap.initialize(…)`;
    /// - ldap3: `search` (`search_filter`, second argument) on an `ldap3.Connection(…)`.
    ///
    /// On a connection the rule cannot trace, the same calls are reported at medium confidence
    /// when the filter's literal text reads as an LDAP filter (`"(uid=…"`). Values passed
    /// through `escape_filter_chars` (python-ldap's `ldap.filter` or ldap3's
    /// `ldap3.utils.conv`), or filters made by `ldap.filter.filter_format`, are safe.
    ///
    /// ## Why is this bad?
    /// A value pasted into a filter is parsed as filter syntax: a user name of `*` matches
    /// everyone, and `admin)(|(uid=*` rewrites the condition — bypassing a login that checks
    /// `(&(uid=…)(userPassword=…))`, or reading attributes across the directory.
    ///
    /// ## Example
    /// ```python
    /// import ldap
    ///
    /// def find_user(conn, username):
    ///     return conn.search_s("ou=people,dc=acme,dc=io", ldap.SCOPE_SUBTREE, f"(uid={username})")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import ldap
    /// from ldap.filter import escape_filter_chars
    ///
    /// def find_user(conn, username):
    ///     return conn.search_s(
    ///         "ou=people,dc=acme,dc=io", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(username)})"
    ///     )
    /// ```
    ///
    /// ## Fix
    /// Escape every value with `escape_filter_chars` (or build the filter with
    /// `ldap.filter.filter_format("(uid=%s)", [username])`), and validate user names against
    /// a strict pattern first.
    ///
    /// ## References
    /// - [CWE-90: LDAP Injection](https://cwe.mitre.org/data/definitions/90.html)
    /// - [OWASP LDAP Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "ldap-injection",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [90],
        owasp: A03Injection,
        aliases: [],
        tags: ["ldap", "injection"],
        interest: [Call],
        check: check,
    }
}

/// python-ldap connection constructors.
const PYTHON_LDAP: &[&str] = &[
    "ldap.initialize",
    "ldap.ldapobject.LDAPObject",
    "ldap.ldapobject.SimpleLDAPObject",
    "ldap.ldapobject.ReconnectLDAPObject",
];

/// ldap3 connection constructors.
const LDAP3: &[&str] = &["ldap3.Connection", "ldap3.core.connection.Connection"];

/// python-ldap search methods (filter: `filterstr`, third argument).
const PYTHON_LDAP_SEARCHES: &[&str] = &[
    "search",
    "search_s",
    "search_st",
    "search_ext",
    "search_ext_s",
];

/// Escapers that make a value safe inside a filter.
const ESCAPERS: &[&str] = &["escape_filter_chars", "filter_format", "int"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if call.name.is_some() {
        // `re.search(…)` and other functions we can name.
        return;
    }
    let Some(method) = call.method().filter(|m| PYTHON_LDAP_SEARCHES.contains(m)) else {
        return;
    };
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return;
    };
    let connection = constructed_by(ctx.semantic, &attr.value);
    let python_ldap = connection
        .as_deref()
        .is_some_and(|c| PYTHON_LDAP.contains(&c));
    let ldap3 = connection.as_deref().is_some_and(|c| LDAP3.contains(&c));
    if connection.is_some() && !python_ldap && !ldap3 {
        return;
    }
    let candidates: Vec<&Expr> = if python_ldap {
        call.argument("filterstr", 2).into_iter().collect()
    } else if ldap3 {
        call.argument("search_filter", 1).into_iter().collect()
    } else if method == "search" {
        // Unknown connection: either library's position.
        [
            call.argument("search_filter", 1),
            call.argument("filterstr", 2),
        ]
        .into_iter()
        .flatten()
        .collect()
    } else {
        call.argument("filterstr", 2).into_iter().collect()
    };
    let known = python_ldap || ldap3;
    for filter in candidates {
        if report_filter(ctx, call, filter, known) {
            return;
        }
    }
}

/// Reports `filter` when it is built from unescaped values; whether it did.
fn report_filter(ctx: &mut Context<'_>, call: &Call<'_>, filter: &Expr, known: bool) -> bool {
    let Some(built) = built_string(ctx.semantic, filter) else {
        return false;
    };
    let looks_like_filter = leading_literal(built).is_some_and(|text| {
        let text = text.trim_start();
        text.starts_with('(') && text.contains('=')
    });
    if !known && !looks_like_filter {
        return false;
    }
    let unescaped = dynamic_parts(built).into_iter().any(|part| {
        !matches!(part, Expr::Call(inner) if terminal_name(&inner.func).is_some_and(|n| ESCAPERS.contains(&n)))
    });
    if !unescaped {
        return false;
    }
    let built_at = (built.range() != filter.range()).then(|| ctx.source.location(built.range()));
    let callee = ctx.text(call.node.func.range());
    let callee = if callee.len() <= 40 && !callee.contains('\n') {
        format!("`{callee}`")
    } else {
        "the LDAP search".to_string()
    };
    let message = format!(
        "{callee} gets a filter built from values that are not escaped, so they can change the filter; escape each with `escape_filter_chars`"
    );
    if let Some(finding) = ctx.report(call.node.range(), message) {
        if !known {
            finding.confidence = Confidence::Medium;
        }
        if let Some(location) = built_at {
            finding.related.push(Related {
                location,
                message: "the filter is built here".to_string(),
            });
        }
    }
    true
}
