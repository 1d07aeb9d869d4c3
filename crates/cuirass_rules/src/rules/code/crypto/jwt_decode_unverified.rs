use cuirass_diagnostics::{Confidence, Severity};
use cuirass_python::ast::visitor::{self, Visitor};
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::{Ranged, TextRange, with_stack};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, is_false, str_value};

declare_rule! {
    /// ## What it does
    /// Checks for JSON Web Tokens decoded without verifying their signature:
    /// - PyJWT's `jwt.decode` / `jwt.decode_complete` and python-jose's `jose.jwt.decode` with
    ///   `options={"verify_signature": False}` (a dict display, or a name assigned one), or
    ///   with PyJWT 1.x's `verify=False`;
    /// - the same functions with `algorithms=` listing `"none"`, which accepts unsigned tokens;
    /// - python-jose's `jwt.get_unverified_claims(…)`, at low severity (it is also how a key is
    ///   chosen before verifying).
    ///
    /// Reading only what picks the verification key is not reported: the header, `kid`,
    /// `iss` or `alg` of an unverified decode (`decode(…)["iss"]`, or a name assigned the
    /// result and only read as `x["header"]` / `x.get("kid")`) — that is how JWKS and
    /// multi-issuer setups work. When the same function also decodes with verification,
    /// other unverified decoding there is low confidence and `get_unverified_claims` is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// A JWT's claims are only as trustworthy as its signature. Without verification anyone
    /// can write `{"sub": "admin"}`, encode it, and be whoever they claim; with `"none"`
    /// accepted, they can strip the signature from a real token and change its claims.
    ///
    /// ## Example
    /// ```python
    /// import jwt
    ///
    /// def current_user(token):
    ///     claims = jwt.decode(token, options={"verify_signature": False})
    ///     return claims["sub"]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import jwt
    ///
    /// def current_user(token, public_key):
    ///     claims = jwt.decode(token, public_key, algorithms=["RS256"], audience="api")
    ///     return claims["sub"]
    /// ```
    ///
    /// ## Fix
    /// Always pass the key and an explicit list of the algorithms you issue (never `"none"`),
    /// and keep `verify_signature` on; for tokens your own service issues, signed
    /// `cuirass.signing` tokens avoid the algorithm question altogether.
    ///
    /// ## References
    /// - [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
    /// - [PyJWT docs: `jwt.decode` options](https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode)
    /// - [OWASP JSON Web Token Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "jwt-decode-unverified",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [347],
        owasp: A02CryptographicFailures,
        aliases: [],
        tags: ["jwt", "crypto", "authentication"],
        interest: [Call],
        check: check,
    }
}

const DECODES: &[&str] = &[
    "jwt.decode",
    "jwt.decode_complete",
    "jwt.api_jwt.decode",
    "jwt.api_jwt.decode_complete",
    "jose.jwt.decode",
];

const UNVERIFIED_CLAIMS: &[&str] = &[
    "jose.jwt.get_unverified_claims",
    "jose.jws.get_unverified_claims",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    if UNVERIFIED_CLAIMS.contains(&name) {
        if function_verifies(ctx) || picks_key_only(ctx, call.node.range()) {
            return;
        }
        if let Some(finding) = ctx.report(
            call.node.range(),
            format!("`{name}` returns claims whose signature nobody checked; do not base access decisions on them, decode with `jwt.decode(token, key, algorithms=[…])`"),
        ) {
            finding.severity = Severity::Low;
            finding.confidence = Confidence::Medium;
        }
        return;
    }
    if !DECODES.contains(&name) {
        return;
    }
    let Some(problem) = unverified(ctx, call) else {
        return;
    };
    if matches!(problem, Unverified::SignatureOff) && picks_key_only(ctx, call.node.range()) {
        return;
    }
    let verified_elsewhere = function_verifies(ctx);
    let message = match problem {
        Unverified::SignatureOff => format!(
            "`{name}` with signature verification turned off accepts tokens anyone can forge; pass the key and `algorithms=[…]` and keep `verify_signature`"
        ),
        Unverified::NoneAlgorithm => format!(
            "`{name}` accepts the `none` algorithm, so an unsigned token passes; list only the algorithms you issue"
        ),
    };
    if let Some(finding) = ctx.report(call.node.range(), message)
        && verified_elsewhere
    {
        finding.confidence = Confidence::Low;
    }
}

enum Unverified {
    SignatureOff,
    NoneAlgorithm,
}

/// Why a decode call does not verify, if it does not.
fn unverified(ctx: &Context<'_>, call: &Call<'_>) -> Option<Unverified> {
    if call.keyword("verify").is_some_and(is_false) {
        return Some(Unverified::SignatureOff);
    }
    if let Some(options) = call.keyword("options").and_then(|o| dict_of(ctx, o))
        && options.items.iter().any(|item| {
            item.key.as_ref().and_then(str_value).as_deref() == Some("verify_signature")
                && is_false(&item.value)
        })
    {
        return Some(Unverified::SignatureOff);
    }
    let algorithms = call.keyword("algorithms")?;
    let elements: &[Expr] = match algorithms {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        Expr::Set(set) => &set.elts,
        _ => return None,
    };
    elements
        .iter()
        .any(|e| str_value(e).is_some_and(|a| a.eq_ignore_ascii_case("none")))
        .then_some(Unverified::NoneAlgorithm)
}

/// Header fields and claims that choose the verification key.
const KEY_FIELDS: &[&str] = &["header", "kid", "iss", "alg", "jku", "x5u", "x5c", "typ"];

/// Whether the result of the decode at `call` is only read to pick the key: `decode(…)["iss"]`,
/// or `claims = decode(…)` with every use `claims["header"]` / `claims.get("kid")`.
fn picks_key_only(ctx: &Context<'_>, call: TextRange) -> bool {
    let after = |range: TextRange| ctx.source.text.get(range.end().to_usize()..).unwrap_or("");
    if is_key_selector(after(call)) {
        return true;
    }
    let Some(Stmt::Assign(assign)) = ctx.statements().last() else {
        return false;
    };
    let [Expr::Name(target)] = &assign.targets[..] else {
        return false;
    };
    if assign.value.range() != call {
        return false;
    }
    let semantic = ctx.semantic;
    let Some(binding) = semantic.bindings.iter().find(|b| b.range == target.range) else {
        return false;
    };
    let mut uses = binding
        .references()
        .map(|id| semantic.reference(id).range())
        .peekable();
    uses.peek().is_some() && uses.all(|range| is_key_selector(after(range)))
}

/// Text starting with `["kid"]` or `.get("iss"` (any key of [`KEY_FIELDS`]).
fn is_key_selector(text: &str) -> bool {
    let Some(inner) = text
        .strip_prefix('[')
        .or_else(|| text.strip_prefix(".get("))
    else {
        return false;
    };
    let inner = inner.trim_start();
    let Some(quoted) = inner.strip_prefix('"').or_else(|| inner.strip_prefix('\'')) else {
        return false;
    };
    KEY_FIELDS.iter().any(|field| {
        quoted
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with(['"', '\'']))
    })
}

/// A dict display, directly or through a name assigned one.
fn dict_of<'x>(ctx: &'x Context<'_>, expr: &'x Expr) -> Option<&'x ast::ExprDict> {
    match expr {
        Expr::Dict(dict) => Some(dict),
        Expr::Name(name) => match bound_value(ctx.semantic, name)? {
            Expr::Dict(dict) => Some(dict),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the enclosing function also decodes a token with verification.
fn function_verifies(ctx: &Context<'_>) -> bool {
    let Some(function) = ctx.function() else {
        return false;
    };
    let mut finder = VerifyingDecode { ctx, found: false };
    finder.visit_body(&function.body);
    finder.found
}

struct VerifyingDecode<'c, 'a> {
    ctx: &'c Context<'a>,
    found: bool,
}

impl<'x> Visitor<'x> for VerifyingDecode<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'x Stmt) {
        if self.found || matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            return;
        }
        with_stack(|| visitor::walk_stmt(self, stmt));
    }

    fn visit_expr(&mut self, expr: &'x Expr) {
        if self.found {
            return;
        }
        if let Expr::Call(node) = expr {
            let name = self.ctx.qualified_name(&node.func);
            if name.as_deref().is_some_and(|n| DECODES.contains(&n)) {
                let call = Call {
                    node,
                    name: name.as_deref(),
                };
                if unverified(self.ctx, &call).is_none() {
                    self.found = true;
                    return;
                }
            }
        }
        with_stack(|| visitor::walk_expr(self, expr));
    }
}
