use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::code::cookies::helpers::{Holds, cookie_set, is_none, is_samesite_none_string};

declare_rule! {
    /// ## What it does
    /// Checks for cookies set with `samesite="None"` (sent on every cross-site request), and at
    /// low confidence with `samesite=None` (Python's `None`, which leaves the attribute out and
    /// the decision to each browser), through `set_cookie(…)` / `set_signed_cookie(…)` of the
    /// frameworks `cookie-without-secure` covers, recognised the same way.
    ///
    /// A `SameSite` attribute that is simply not passed is not reported (Starlette defaults to
    /// `lax`, and current browsers treat a missing attribute as `Lax`). Names of sessions,
    /// tokens and logins give high confidence, other names medium; preferences (`theme`,
    /// `lang`) are not reported, nor are test files. Cookies that must work inside a third-party
    /// frame or a cross-site `POST` (embedded widgets, some single-sign-on flows) need
    /// `SameSite=None; Secure`: suppress the finding with that reason.
    ///
    /// ## Why is this bad?
    /// With `SameSite=None`, the browser attaches the cookie to requests that other sites make
    /// — form posts, images, scripts, frames — so a session cookie authenticates requests the
    /// user never meant to make (cross-site request forgery), and the site can be framed with
    /// the user signed in (clickjacking).
    ///
    /// ## Example
    /// ```python
    /// resp.set_cookie("session", sid, secure=True, httponly=True, samesite="None")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// resp.set_cookie("session", sid, secure=True, httponly=True, samesite="Lax")
    /// ```
    ///
    /// ## Fix
    /// Use `samesite="Lax"` (or `"Strict"` for cookies no cross-site navigation needs), and
    /// keep CSRF tokens on state-changing requests.
    ///
    /// ## References
    /// - [CWE-1275: Sensitive Cookie with Improper SameSite Attribute](https://cwe.mitre.org/data/definitions/1275.html)
    /// - [MDN: Set-Cookie, SameSite](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value)
    pub(super) RULE = {
        name: "cookie-samesite-none",
        audit: Code,
        kind: Pattern,
        severity: Low,
        confidence: Medium,
        likelihood: Low,
        impact: Medium,
        cwe: [1275],
        owasp: A01BrokenAccessControl,
        aliases: [],
        tags: ["cookies", "csrf"],
        interest: [Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Some(cookie) = cookie_set(ctx, node) else {
        return;
    };
    let Some(samesite) = cookie.samesite else {
        return;
    };
    let confidence = match cookie.holds {
        Holds::Preference => return,
        Holds::Credentials => Confidence::High,
        Holds::CsrfToken | Holds::Unknown => Confidence::Medium,
    };
    let label = cookie.label();
    let (message, confidence) = if is_samesite_none_string(samesite) {
        (
            format!(
                "{label} is set with `SameSite=None`, so browsers send it on requests other sites make (CSRF); use `samesite=\"Lax\"`"
            ),
            confidence,
        )
    } else if is_none(samesite) {
        (
            format!(
                "{label} is set with `samesite=None`, which leaves the attribute out and cross-site sending to each browser's default; use `samesite=\"Lax\"`"
            ),
            Confidence::Low,
        )
    } else {
        return;
    };
    if let Some(finding) = ctx.report(samesite.range(), message) {
        finding.confidence = confidence;
    }
}
