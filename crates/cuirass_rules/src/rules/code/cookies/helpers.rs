//! What the cookie rules share: recognising a cookie being set by a web framework's response
//! (`set_cookie(…)`, `set_signed_cookie(…)`, `response.cookies["name"] = value`), reading its
//! `Secure`, `HttpOnly` and `SameSite` settings, and judging from its name what it holds.
//!
//! Receivers are usually locals of unknown type (`resp = make_response(…)`), so the method name
//! is matched on any receiver — but only in a file that imports a web framework whose responses
//! have `set_cookie(key, value, max_age, expires, path, domain, secure, httponly, samesite)`
//! (Flask, Werkzeug, Quart, Django, Starlette, `FastAPI`, aiohttp, Bottle), and never in test
//! files, where `client.set_cookie(…)` is a test client's cookie jar.

use cuirass_python::ast::{Expr, Stmt};
use cuirass_python::{Ranged, TextRange};

use crate::checker::{Context, Node};
use crate::helpers::{identifier_words, imports_module, str_value};
use crate::rules::config::helpers::bool_literal;

/// Frameworks whose responses set cookies with `set_cookie(…)`.
const FRAMEWORKS: &[&str] = &[
    "flask",
    "werkzeug",
    "quart",
    "django",
    "starlette",
    "fastapi",
    "aiohttp",
    "bottle",
];

/// A cookie attribute as the call sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flag {
    /// Not passed: the framework's default (off for `Secure` and `HttpOnly`).
    Missing,
    /// Passed as a false literal (its range).
    False(TextRange),
    /// Passed as a true literal.
    True,
    /// Passed as something else (`secure=request.is_secure`), or maybe in `**kwargs`.
    Dynamic,
}

/// What a cookie holds, judged by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holds {
    /// A session id, a token, a login: `session`, `sessionid`, `auth_token`, `jwt`, `remember_me`.
    Credentials,
    /// A CSRF token for the double-submit pattern, which scripts must read.
    CsrfToken,
    /// A preference or a flag: `theme`, `lang`, `cookie_consent`.
    Preference,
    /// Anything else, or a name that is not a literal.
    Unknown,
}

/// One cookie being set.
pub(crate) struct CookieSet<'a> {
    /// Where to report a missing attribute: `resp.set_cookie` or the `cookies[…]` target.
    pub(crate) range: TextRange,
    /// The cookie's name, when it is a literal.
    pub(crate) name: Option<String>,
    pub(crate) holds: Holds,
    pub(crate) secure: Flag,
    pub(crate) httponly: Flag,
    /// The `samesite` value when passed.
    pub(crate) samesite: Option<&'a Expr>,
}

impl CookieSet<'_> {
    /// `` `session` `` or "a cookie", for messages.
    pub(crate) fn label(&self) -> String {
        self.name.as_ref().map_or_else(
            || "a cookie".to_string(),
            |name| format!("the cookie `{}`", name.escape_default()),
        )
    }
}

const CREDENTIAL_WORDS: &[&str] = &[
    "session",
    "sessionid",
    "sess",
    "sid",
    "auth",
    "authtoken",
    "token",
    "jwt",
    "access",
    "refresh",
    "remember",
    "login",
    "logged",
    "identity",
    "credential",
    "credentials",
    "secret",
    "apikey",
    "user",
    "userid",
    "uid",
    "account",
    "sso",
    "saml",
    "oauth",
    "bearer",
    "admin",
];

const CSRF_WORDS: &[&str] = &["csrf", "xsrf", "csrftoken"];

const PREFERENCE_WORDS: &[&str] = &[
    "theme",
    "lang",
    "language",
    "locale",
    "tz",
    "timezone",
    "consent",
    "gdpr",
    "banner",
    "tour",
    "sidebar",
    "layout",
    "currency",
    "country",
    "region",
    "dismissed",
    "seen",
    "visited",
    "font",
    "color",
    "colour",
    "dark",
    "mode",
    "notice",
    "popup",
    "utm",
    "ab",
    "variant",
    "experiment",
    "tab",
    "sort",
    "page",
    "zoom",
];

/// What a cookie called `name` holds.
pub(crate) fn holds(name: Option<&str>) -> Holds {
    let Some(name) = name else {
        return Holds::Unknown;
    };
    let words = identifier_words(name);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    if has(CSRF_WORDS) {
        Holds::CsrfToken
    } else if has(CREDENTIAL_WORDS) {
        Holds::Credentials
    } else if has(PREFERENCE_WORDS) {
        Holds::Preference
    } else {
        Holds::Unknown
    }
}

fn flag(value: Option<&Expr>, splat: bool) -> Flag {
    match value {
        None if splat => Flag::Dynamic,
        None => Flag::Missing,
        Some(value) => match bool_literal(value) {
            Some(true) => Flag::True,
            Some(false) => Flag::False(value.range()),
            None => Flag::Dynamic,
        },
    }
}

/// The cookie `node` sets, if it sets one through a web framework's response.
pub(crate) fn cookie_set<'a>(ctx: &Context<'_>, node: &Node<'a>) -> Option<CookieSet<'a>> {
    if ctx.is_test_file() {
        return None;
    }
    // The shape first: looking through the imports costs more.
    let uses_framework = || FRAMEWORKS.iter().any(|f| imports_module(ctx.semantic, f));
    match node {
        Node::Call(call) => {
            let Expr::Attribute(method) = call.node.func.as_ref() else {
                return None;
            };
            if !matches!(method.attr.as_str(), "set_cookie" | "set_signed_cookie") {
                return None;
            }
            let arguments = &call.node.arguments;
            // A cookie jar's `set_cookie(cookie)` takes one object; a response's takes a name
            // and a value.
            if arguments.args.len() + arguments.keywords.len() < 2 || !uses_framework() {
                return None;
            }
            // `set_cookie(name, max_age=0)` is how a cookie is deleted (Django's
            // `delete_cookie` does it): nothing is left to protect.
            let deletes = call
                .argument("max_age", 2)
                .and_then(crate::rules::config::helpers::int_literal)
                == Some(0)
                || call.argument("expires", 3).is_some_and(|e| {
                    crate::rules::config::helpers::int_literal(e) == Some(0)
                        || str_value(e).is_some_and(|t| t.contains("1970"))
                });
            if deletes {
                return None;
            }
            let splat = call.has_kwargs_splat();
            let name = call
                .argument("key", 0)
                .or_else(|| call.keyword("name"))
                .and_then(str_value);
            Some(CookieSet {
                range: call.node.func.range(),
                holds: holds(name.as_deref()),
                name,
                secure: flag(call.argument("secure", 6), splat),
                httponly: flag(call.argument("httponly", 7), splat),
                samesite: call.argument("samesite", 8),
            })
        }
        Node::Stmt(Stmt::Assign(assign)) => {
            let [Expr::Subscript(target)] = assign.targets.as_slice() else {
                return None;
            };
            let Expr::Attribute(cookies) = target.value.as_ref() else {
                return None;
            };
            if cookies.attr.as_str() != "cookies" || !uses_framework() {
                return None;
            }
            let receiver = ctx.text(cookies.value.range());
            let key = ctx.text(target.slice.range());
            let name = str_value(&target.slice);
            let body: &[Stmt] = ctx.function().map_or(&[], |f| &f.body);
            let attribute = |attribute: &str| {
                let mut found = None;
                find_morsel_attribute(ctx, body, receiver, key, attribute, &mut found);
                flag(found, false)
            };
            Some(CookieSet {
                range: target.range(),
                holds: holds(name.as_deref()),
                secure: attribute("secure"),
                httponly: attribute("httponly"),
                samesite: None,
                name,
            })
        }
        _ => None,
    }
}

/// Finds `receiver.cookies[key][attribute] = value` in `body` (same source text for the
/// receiver and the key), not entering nested functions.
fn find_morsel_attribute<'a>(
    ctx: &Context<'_>,
    body: &'a [Stmt],
    receiver: &str,
    key: &str,
    attribute: &str,
    found: &mut Option<&'a Expr>,
) {
    for stmt in body {
        match stmt {
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if let Expr::Subscript(outer) = target
                        && str_value(&outer.slice)
                            .is_some_and(|a| a.eq_ignore_ascii_case(attribute))
                        && let Expr::Subscript(inner) = outer.value.as_ref()
                        && let Expr::Attribute(cookies) = inner.value.as_ref()
                        && cookies.attr.as_str() == "cookies"
                        && ctx.text(cookies.value.range()) == receiver
                        && ctx.text(inner.slice.range()) == key
                    {
                        *found = Some(&assign.value);
                    }
                }
            }
            Stmt::If(stmt_if) => {
                find_morsel_attribute(ctx, &stmt_if.body, receiver, key, attribute, found);
                for clause in &stmt_if.elif_else_clauses {
                    find_morsel_attribute(ctx, &clause.body, receiver, key, attribute, found);
                }
            }
            Stmt::With(with) => {
                find_morsel_attribute(ctx, &with.body, receiver, key, attribute, found);
            }
            Stmt::Try(stmt_try) => {
                find_morsel_attribute(ctx, &stmt_try.body, receiver, key, attribute, found);
                find_morsel_attribute(ctx, &stmt_try.finalbody, receiver, key, attribute, found);
            }
            _ => {}
        }
    }
}

/// Whether a `samesite` value is the string `"None"` (any case).
pub(crate) fn is_samesite_none_string(value: &Expr) -> bool {
    str_value(value).is_some_and(|v| v.trim().eq_ignore_ascii_case("none"))
}

/// Whether an expression is Python's `None`.
pub(crate) fn is_none(value: &Expr) -> bool {
    matches!(value, Expr::NoneLiteral(_))
}
