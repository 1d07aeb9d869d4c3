use cuirass_diagnostics::Confidence;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::code::cookies::helpers::{Flag, Holds, cookie_set};

declare_rule! {
    /// ## What it does
    /// Checks for cookies set without the `HttpOnly` attribute: `set_cookie(…)` /
    /// `set_signed_cookie(…)` without `httponly=True` (or with `httponly=False`), and
    /// `response.cookies["name"] = value` without a matching `…["httponly"] = True` in the same
    /// function, for the frameworks `cookie-without-secure` covers and recognised the same way.
    ///
    /// Only cookies that scripts have no reason to read are reported: names of sessions,
    /// tokens and logins at high confidence, other or non-literal names at medium confidence.
    /// CSRF-token cookies (`csrftoken`, `XSRF-TOKEN`: the double-submit pattern needs scripts to
    /// read them) and preferences (`theme`, `lang`) are not reported, nor are non-literal
    /// `httponly=` values, calls with `**kwargs`, or test files.
    ///
    /// ## Why is this bad?
    /// Without `HttpOnly`, any script on the page can read the cookie: one cross-site scripting
    /// bug, or one compromised third-party script, sends the session to an attacker, who can
    /// use it from anywhere.
    ///
    /// ## Example
    /// ```python
    /// response.set_cookie("auth_token", token, secure=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// response.set_cookie("auth_token", token, secure=True, httponly=True, samesite="Lax")
    /// ```
    ///
    /// ## Fix
    /// Pass `httponly=True` for every cookie scripts do not need to read (sessions and tokens
    /// never need to be). `cuirass.web`'s middleware adds `HttpOnly` to any cookie that lacks
    /// it.
    ///
    /// ## References
    /// - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    /// - [MDN: Set-Cookie, HttpOnly](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#httponly)
    pub(super) RULE = {
        name: "cookie-without-httponly",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [1004],
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
        Holds::Preference | Holds::CsrfToken => return,
        Holds::Credentials => Confidence::High,
        Holds::Unknown => Confidence::Medium,
    };
    let label = cookie.label();
    let (range, message) = match cookie.httponly {
        Flag::Missing => (
            cookie.range,
            format!(
                "{label} is set without `httponly=True`, so scripts on the page (and any XSS) can read it; pass `httponly=True`"
            ),
        ),
        Flag::False(range) => (
            range,
            format!(
                "{label} is set with `HttpOnly` off, so scripts on the page (and any XSS) can read it; pass `httponly=True`"
            ),
        ),
        Flag::True | Flag::Dynamic => return,
    };
    if let Some(finding) = ctx.report(range, message) {
        finding.confidence = confidence;
    }
}
