use cuirass_diagnostics::Confidence;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::code::cookies::helpers::{Flag, Holds, cookie_set};

declare_rule! {
    /// ## What it does
    /// Checks for cookies set without the `Secure` attribute: `set_cookie(…)` /
    /// `set_signed_cookie(…)` without `secure=True` (or with `secure=False`), and
    /// `response.cookies["name"] = value` without a matching `response.cookies["name"]["secure"]
    /// = True` in the same function. Flask, Werkzeug, Quart, Django, Starlette, FastAPI, aiohttp
    /// and Bottle responses are covered (see below for how they are recognised).
    ///
    /// The cookie's name sets the confidence: names of sessions, tokens and logins (`session`,
    /// `sessionid`, `auth_token`, `jwt`, `remember_me`) give high confidence; other or
    /// non-literal names medium; names of preferences (`theme`, `lang`, `cookie_consent`) are not
    /// reported. A `secure=` value that is not a literal (`secure=request.is_secure`,
    /// `secure=not app.debug`) and calls with `**kwargs` are not reported. The method is matched
    /// on any receiver in a file that imports one of those frameworks, never in test files
    /// (where `client.set_cookie` fills a test client's jar).
    ///
    /// ## Why is this bad?
    /// A cookie without `Secure` is also sent over plain HTTP — after a mistyped link, a
    /// redirect, or a request an attacker on the network provokes — where anyone on the path
    /// can read it; for a session cookie that is a hijacked session.
    ///
    /// ## Example
    /// ```python
    /// resp = make_response(redirect("/"))
    /// resp.set_cookie("session_id", session_id, httponly=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// resp = make_response(redirect("/"))
    /// resp.set_cookie("session_id", session_id, secure=True, httponly=True, samesite="Lax")
    /// ```
    ///
    /// ## Fix
    /// Pass `secure=True` (and `httponly=True`, `samesite="Lax"`) for every cookie that
    /// identifies the user, and serve the site over HTTPS only. `cuirass.web`'s middleware adds
    /// all three to any cookie that lacks them.
    ///
    /// ## References
    /// - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    /// - [MDN: Set-Cookie, Secure](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#secure)
    /// - [OWASP Session Management Cheat Sheet: cookies](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies)
    pub(super) RULE = {
        name: "cookie-without-secure",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [614],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["cookies"],
        interest: [Call, Assign],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Some(cookie) = cookie_set(ctx, node) else {
        return;
    };
    let confidence = match cookie.holds {
        Holds::Preference => return,
        Holds::Credentials => Confidence::High,
        Holds::CsrfToken | Holds::Unknown => Confidence::Medium,
    };
    let label = cookie.label();
    let (range, message) = match cookie.secure {
        Flag::Missing => (
            cookie.range,
            format!(
                "{label} is set without `secure=True`, so the browser also sends it over plain HTTP where it can be read; pass `secure=True`"
            ),
        ),
        Flag::False(range) => (
            range,
            format!(
                "{label} is set with `Secure` off, so the browser also sends it over plain HTTP where it can be read; pass `secure=True`"
            ),
        ),
        Flag::True | Flag::Dynamic => return,
    };
    if let Some(finding) = ctx.report(range, message) {
        finding.confidence = confidence;
    }
}
