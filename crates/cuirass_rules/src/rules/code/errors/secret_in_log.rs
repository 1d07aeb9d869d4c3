use cuirass_diagnostics::Confidence;
use cuirass_python::ast::{self, Expr};
use cuirass_python::{Ranged, TextRange, with_stack};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{
    constructed_by, identifier_words, is_constant_value, last_identifier_word_in, secret_kind,
    str_value, terminal_name, value_name,
};

declare_rule! {
    /// ## What it does
    /// Checks for passwords, secrets, tokens, keys, credentials and session ids written to
    /// logs: a value whose name says so (`password`, `user.api_key`, `form["password"]`,
    /// `data.get("access_token")`, `{"token": …}`) passed to a logging call — as an argument,
    /// inside an f-string, `%` or `.format()`, or as a keyword — or to `print` (low
    /// confidence). Logging calls are `logging.debug/info/warning/error/exception/critical/log`
    /// and those methods on a logger: one from `logging.getLogger` / `structlog.get_logger`,
    /// `loguru.logger`, or an object named like one (`log`, `logger`, `self.logger`,
    /// `app.logger`).
    ///
    /// The format string itself is not evidence: `log.info("password changed for %s", user)`
    /// logs a user. Derived values are not reported (`len(password)`, `token[:4]`,
    /// `mask(token)`, `password is None`), nor names for something else (`password_hash`,
    /// `token_type`, `secret_name`). A bare `token` is low confidence (lexers and parsers have
    /// tokens too).
    ///
    /// ## Why is this bad?
    /// Logs are copied to aggregators, tickets, backups and laptops, kept for months and read
    /// by many more people than the database: a password or token in them is a credential
    /// leaked to all of those, and rotating it is rarely done because nobody notices.
    ///
    /// ## Example
    /// ```python
    /// import logging
    ///
    /// log = logging.getLogger(__name__)
    ///
    /// def login(username, password):
    ///     log.debug("login attempt %s / %s", username, password)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import logging
    ///
    /// log = logging.getLogger(__name__)
    ///
    /// def login(username, password):
    ///     log.debug("login attempt for %s", username)
    /// ```
    ///
    /// ## Fix
    /// Log who and what, never the secret itself. Keep secrets in `cuirass.secrets.Secret`,
    /// which prints as `Secret('********')`, and install the `cuirass.secrets` logging filter
    /// to redact what slips through.
    ///
    /// ## References
    /// - [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
    /// - [OWASP Logging Cheat Sheet: data to exclude](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude)
    pub(super) RULE = {
        name: "secret-in-log",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: Medium,
        cwe: [532],
        owasp: A09LoggingFailures,
        aliases: [],
        tags: ["logging", "secret"],
        interest: [Call],
        check: check,
    }
}

/// Logging functions and methods.
const LOG_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];

/// Constructors and objects that are loggers.
const LOGGER_FACTORIES: &[&str] = &[
    "logging.getLogger",
    "logging.Logger",
    "logging.LoggerAdapter",
    "structlog.get_logger",
    "structlog.getLogger",
    "structlog.stdlib.get_logger",
];

const LOGGER_OBJECTS: &[&str] = &["loguru.logger", "logging.root"];

/// Keywords of logging calls that carry no data.
const CONTROL_KEYWORDS: &[&str] = &[
    "exc_info",
    "stack_info",
    "stacklevel",
    "level",
    "file",
    "sep",
    "end",
    "flush",
];

struct Leak {
    range: TextRange,
    name: String,
    kind: &'static str,
    bare_token: bool,
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some((callee, is_print)) = log_call(ctx, call) else {
        return;
    };
    // `log.log(level, msg, …)`: the level is not data.
    let skip = usize::from(call.method() == Some("log") || call.name == Some("logging.log"));
    let arguments = call.node.arguments.args.iter().skip(skip).chain(
        call.node
            .arguments
            .keywords
            .iter()
            .filter(|k| {
                k.arg
                    .as_ref()
                    .is_none_or(|arg| !CONTROL_KEYWORDS.contains(&arg.as_str()))
            })
            .map(|k| &k.value),
    );
    let mut leak = None;
    for argument in arguments {
        leak = find_leak(ctx, argument, 0);
        if leak.is_some() {
            break;
        }
    }
    let Some(leak) = leak else {
        return;
    };
    let destination = if is_print { "the output" } else { "the log" };
    let message = format!(
        "{callee} writes the {} `{}` to {destination}; log who and what, never the secret (wrap it in `cuirass.secrets.Secret`)",
        leak.kind, leak.name
    );
    if let Some(finding) = ctx.report(leak.range, message)
        && (is_print || leak.bare_token)
    {
        finding.confidence = Confidence::Low;
    }
}

/// How the call logs (for messages), and whether it is `print`.
fn log_call(ctx: &Context<'_>, call: &Call<'_>) -> Option<(String, bool)> {
    if let Some(name) = call.name {
        if name == "builtins.print" {
            return Some(("`print`".to_string(), true));
        }
        // `logging.info`, `loguru.logger.debug`, `flask.current_app.logger.error`.
        let (receiver, method) = name.rsplit_once('.')?;
        let is_logger = receiver == "logging"
            || LOGGER_OBJECTS.contains(&receiver)
            || receiver.rsplit('.').next().is_some_and(looks_like_logger);
        return (is_logger && LOG_METHODS.contains(&method)).then(|| (format!("`{name}`"), false));
    }
    let method = call.method().filter(|m| LOG_METHODS.contains(m))?;
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return None;
    };
    let receiver = attr.value.as_ref();
    let is_logger = constructed_by(ctx.semantic, receiver)
        .is_some_and(|name| LOGGER_FACTORIES.contains(&name.as_str()))
        || ctx
            .qualified_name(receiver)
            .is_some_and(|name| LOGGER_OBJECTS.contains(&name.as_str()))
        || terminal_name(receiver).is_some_and(looks_like_logger);
    if !is_logger {
        return None;
    }
    let text = ctx.text(attr.range());
    let callee = if text.len() <= 40 && !text.contains('\n') {
        format!("`{text}`")
    } else {
        format!("`.{method}()`")
    };
    Some((callee, false))
}

/// `log`, `logger`, `_LOG`, `audit_logger`, `app_log`.
fn looks_like_logger(name: &str) -> bool {
    last_identifier_word_in(name, &["log", "logger"])
}

/// A secret-named value inside a logged argument.
fn find_leak(ctx: &Context<'_>, expr: &Expr, depth: u32) -> Option<Leak> {
    if depth > 16 {
        return None;
    }
    with_stack(|| match expr {
        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) | Expr::Call(_) => {
            if let Some(leak) = named_secret(ctx, expr) {
                return Some(leak);
            }
            let Expr::Call(call) = expr else {
                return None;
            };
            // `str(password)`, `repr(token)`, `"…".format(password)`.
            let conversion = matches!(
                ctx.qualified_name(&call.func).as_deref(),
                Some("builtins.str" | "builtins.repr" | "builtins.format")
            );
            let format = matches!(call.func.as_ref(), Expr::Attribute(attr) if attr.attr.as_str() == "format");
            if !(conversion || format) {
                return None;
            }
            call.arguments
                .args
                .iter()
                .chain(call.arguments.keywords.iter().map(|k| &k.value))
                .find_map(|argument| find_leak(ctx, argument, depth + 1))
        }
        Expr::FString(fstring) => fstring.value.elements().find_map(|element| {
            element
                .as_interpolation()
                .and_then(|field| find_leak(ctx, &field.expression, depth + 1))
        }),
        Expr::BinOp(binop) => find_leak(ctx, &binop.left, depth + 1)
            .or_else(|| find_leak(ctx, &binop.right, depth + 1)),
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().find_map(|e| find_leak(ctx, e, depth + 1))
        }
        Expr::Dict(dict) => dict.items.iter().find_map(|item| {
            // `{"password": value}`: the key names the value.
            if let Some(key) = item.key.as_ref().and_then(str_value)
                && let Some(kind) = secret_kind(&key)
                && !is_constant_value(ctx.semantic, &item.value)
            {
                return Some(Leak {
                    range: item.value.range(),
                    name: key.clone(),
                    kind,
                    bare_token: identifier_words(&key) == ["token"],
                });
            }
            find_leak(ctx, &item.value, depth + 1)
        }),
        _ => None,
    })
}

/// `password`, `self.api_key`, `form["password"]`, `data.get("token")`, when not a constant.
fn named_secret(ctx: &Context<'_>, expr: &Expr) -> Option<Leak> {
    if let Expr::Subscript(sub) = expr
        && sub.slice.is_slice_expr()
    {
        // `token[:4]`: a deliberate prefix.
        return None;
    }
    let name = value_name(expr)?;
    let kind = secret_kind(name)?;
    if is_constant_value(ctx.semantic, expr) {
        return None;
    }
    Some(Leak {
        range: expr.range(),
        name: name.to_string(),
        kind,
        bare_token: identifier_words(name) == ["token"],
    })
}
