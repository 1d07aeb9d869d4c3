use cuirass_diagnostics::Confidence;
use cuirass_python::ast::visitor::{self, Visitor};
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::{Ranged, TextRange, with_stack};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{identifier_words, secret_kind, terminal_name, value_name};

declare_rule! {
    /// ## What it does
    /// Checks for the `random` module (and `numpy.random`, and time-based `uuid.uuid1`) used
    /// where the value becomes a secret: a token, password, key, salt, nonce, IV, one-time
    /// code, CSRF token or session id. The value counts as one when the call is
    /// - assigned to such a name (`api_token = …`, `self.api_key = …`,
    ///   `session["csrf_token"] = …`, `reset_code += …`), passed as such a keyword
    ///   (`User(password=…)`) or stored under such a dict key (`{"nonce": …}`): high
    ///   confidence — low for a bare `token` given a number (`token = random.randrange(…)`
    ///   is how MIME boundaries are made);
    /// - in a function named for making one (`generate_token`, `make_password`, `new_salt`,
    ///   `create_otp`), inside a `return` or assigned to a name the function returns: medium
    ///   confidence.
    ///
    /// Bandit's B311 reports every call of `random`, including shuffling test data,
    /// jitter, sampling and games; this rule leaves those alone. `random.SystemRandom` (backed
    /// by `os.urandom`) is never reported.
    ///
    /// ## Why is this bad?
    /// `random` is a Mersenne Twister: after 624 outputs an observer can compute every later
    /// (and earlier) one, and its default seed may be guessable. Tokens, reset codes and salts
    /// drawn from it can be predicted by anyone who sees a few others, which turns into account
    /// takeover.
    ///
    /// ## Example
    /// ```python
    /// import random
    /// import string
    ///
    /// def generate_reset_token():
    ///     return "".join(random.choice(string.ascii_letters) for _ in range(32))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import secrets
    ///
    /// def generate_reset_token():
    ///     return secrets.token_urlsafe(32)
    /// ```
    ///
    /// ## Fix
    /// Use the `secrets` module (`secrets.token_urlsafe`, `token_hex`, `token_bytes`,
    /// `secrets.choice`) or `os.urandom`; `cuirass.passwords.generate` makes passwords and
    /// `cuirass.sessions` makes session ids.
    ///
    /// ## References
    /// - [CWE-330: Use of Insufficiently Random Values](https://cwe.mitre.org/data/definitions/330.html)
    /// - [CWE-338: Use of Cryptographically Weak Pseudo-Random Number Generator (PRNG)](https://cwe.mitre.org/data/definitions/338.html)
    /// - [Python docs: `random` is not for security](https://docs.python.org/3/library/random.html)
    /// - [Python docs: `secrets`](https://docs.python.org/3/library/secrets.html)
    pub(super) RULE = {
        name: "insecure-random",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [330, 338],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B311"), Ruff("S311")],
        tags: ["crypto", "random"],
        interest: [Call],
        check: check,
    }
}

/// Predictable generators: `random`'s module-level functions, `numpy.random`, `uuid.uuid1`.
const GENERATORS: &[&str] = &[
    "random.random",
    "random.randint",
    "random.randrange",
    "random.choice",
    "random.choices",
    "random.sample",
    "random.getrandbits",
    "random.randbytes",
    "random.shuffle",
    "random.uniform",
    "numpy.random.randint",
    "numpy.random.choice",
    "numpy.random.bytes",
    "numpy.random.random",
    "numpy.random.rand",
    "uuid.uuid1",
];

/// Generators of numbers (rather than strings or bytes).
const NUMBERS: &[&str] = &[
    "random.random",
    "random.randint",
    "random.randrange",
    "random.uniform",
    "numpy.random.randint",
    "numpy.random.random",
    "numpy.random.rand",
];

/// Verbs that open the name of a function making something (`generate_token`).
const MAKER_VERBS: &[&str] = &[
    "generate", "gen", "make", "create", "new", "random", "rand", "build", "issue", "mint", "get",
];

/// Words before `code` that make it a one-time code (`reset_code`, `verification_code`).
const CODE_KINDS: &[&str] = &[
    "otp",
    "verification",
    "verify",
    "reset",
    "confirm",
    "confirmation",
    "activation",
    "auth",
    "login",
    "mfa",
    "security",
    "invite",
    "invitation",
    "recovery",
    "pairing",
    "sms",
    "email",
];

/// What a name says the value is, when it is a secret (see [`secret_kind`]) or another value
/// that must be unpredictable (salt, nonce, IV, one-time code, CSRF token).
fn secret_value_kind(name: &str) -> Option<&'static str> {
    if let Some(kind) = secret_kind(name) {
        return Some(kind);
    }
    let words = identifier_words(name);
    let last = words.last()?.as_str();
    let before = words
        .len()
        .checked_sub(2)
        .and_then(|i| words.get(i))
        .map(String::as_str);
    Some(match (before, last) {
        (_, "salt") => "salt",
        (_, "nonce") => "nonce",
        (_, "iv") => "IV",
        (_, "otp" | "totp" | "hotp") => "one-time code",
        (Some(kind), "code" | "pin") if CODE_KINDS.contains(&kind) => "one-time code",
        (_, "csrf" | "xsrf") => "CSRF token",
        _ => return None,
    })
}

/// What a function name says it makes, after its verbs (`generate_reset_token` → token).
fn made_by(function: &str) -> Option<&'static str> {
    let words = identifier_words(function);
    let start = words
        .iter()
        .position(|w| !MAKER_VERBS.contains(&w.as_str()))?;
    if start == 0 {
        return None;
    }
    secret_value_kind(&words.get(start..)?.join("_"))
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name.filter(|name| GENERATORS.contains(name)) else {
        return;
    };
    let range = call.node.range();
    let Some((place, confidence)) = secret_place(ctx, name, range) else {
        return;
    };
    let message = format!(
        "`{name}` is predictable, and its value becomes {place}; use `secrets` (`secrets.token_urlsafe`, `secrets.choice`) or `os.urandom`"
    );
    if let Some(finding) = ctx.report(range, message) {
        finding.confidence = confidence;
    }
}

/// Where the value of the call at `range` goes, when that makes it a secret.
fn secret_place(
    ctx: &Context<'_>,
    generator: &str,
    range: TextRange,
) -> Option<(String, Confidence)> {
    let statement = *ctx.statements().last()?;
    // Assigned to a secret-like name.
    let targets: Vec<&Expr> = match statement {
        Stmt::Assign(assign) if assign.value.range().contains_range(range) => {
            assign.targets.iter().collect()
        }
        Stmt::AnnAssign(assign)
            if assign
                .value
                .as_ref()
                .is_some_and(|v| v.range().contains_range(range)) =>
        {
            vec![assign.target.as_ref()]
        }
        Stmt::AugAssign(assign) if assign.value.range().contains_range(range) => {
            vec![assign.target.as_ref()]
        }
        _ => Vec::new(),
    };
    for target in &targets {
        if let Some(name) = value_name(target)
            && let Some(kind) = secret_value_kind(name)
        {
            // A bare `token` holding a number is as often a MIME boundary or a counter.
            let confidence = if identifier_words(name) == ["token"] && NUMBERS.contains(&generator)
            {
                Confidence::Low
            } else {
                Confidence::High
            };
            return Some((format!("{} {kind} (`{name}`)", article(kind)), confidence));
        }
    }
    // Passed as a secret-like keyword, or stored under a secret-like key.
    if is_simple(statement) {
        let mut finder = KeyFinder { range, found: None };
        finder.visit_stmt(statement);
        if let Some((name, kind)) = finder.found {
            return Some((
                format!("{} {kind} (`{name}`)", article(kind)),
                Confidence::High,
            ));
        }
    }
    // Returned by a function that makes one.
    let function = ctx.function()?;
    let kind = made_by(function.name.as_str())?;
    let returned = match statement {
        Stmt::Return(ret) => ret
            .value
            .as_ref()
            .is_some_and(|v| v.range().contains_range(range)),
        _ => targets.iter().any(|target| {
            terminal_name(target).is_some_and(|name| returned_names(&function.body).contains(&name))
        }),
    };
    returned.then(|| {
        (
            format!("{} {kind} (returned by `{}`)", article(kind), function.name),
            Confidence::Medium,
        )
    })
}

/// `an API key`, `an IV`, `a token`.
fn article(kind: &str) -> &'static str {
    if matches!(kind, "API key" | "IV") {
        "an"
    } else {
        "a"
    }
}

/// Statements without a body of their own.
fn is_simple(statement: &Stmt) -> bool {
    matches!(
        statement,
        Stmt::Expr(_) | Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::AugAssign(_) | Stmt::Return(_)
    )
}

/// Finds the secret-like keyword or dict key whose value holds `range`.
struct KeyFinder {
    range: TextRange,
    found: Option<(String, &'static str)>,
}

impl<'a> Visitor<'a> for KeyFinder {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found.is_some() || !expr.range().contains_range(self.range) {
            return;
        }
        match expr {
            Expr::Call(call) => {
                for keyword in &call.arguments.keywords {
                    if let Some(arg) = &keyword.arg
                        && keyword.value.range().contains_range(self.range)
                        && let Some(kind) = secret_value_kind(arg.as_str())
                    {
                        self.found = Some((arg.to_string(), kind));
                        return;
                    }
                }
            }
            Expr::Dict(dict) => {
                for item in &dict.items {
                    if let Some(Expr::StringLiteral(key)) = &item.key
                        && item.value.range().contains_range(self.range)
                        && let Some(kind) = secret_value_kind(key.value.to_str())
                    {
                        self.found = Some((key.value.to_str().to_string(), kind));
                        return;
                    }
                }
            }
            _ => {}
        }
        with_stack(|| visitor::walk_expr(self, expr));
    }
}

/// Names a function returns as such: `return token`, `return token, expires`,
/// `return "".join(chars)`.
fn returned_names(body: &[Stmt]) -> Vec<&str> {
    let mut visitor = ReturnedNames::default();
    visitor.visit_body(body);
    visitor.names
}

#[derive(Default)]
struct ReturnedNames<'a> {
    names: Vec<&'a str>,
}

impl<'a> Visitor<'a> for ReturnedNames<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => {
                let values: Vec<&Expr> = match value.as_ref() {
                    Expr::Tuple(tuple) => tuple.elts.iter().collect(),
                    other => vec![other],
                };
                for value in values {
                    let value = match value {
                        Expr::Call(call) if matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "join") => {
                            call.arguments.args.first().unwrap_or(value)
                        }
                        other => other,
                    };
                    if let Expr::Name(name) = value {
                        self.names.push(name.id.as_str());
                    }
                }
            }
            _ => with_stack(|| visitor::walk_stmt(self, stmt)),
        }
    }

    fn visit_expr(&mut self, _: &'a Expr) {}
}
