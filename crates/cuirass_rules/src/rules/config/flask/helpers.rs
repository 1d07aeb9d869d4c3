//! Finding Flask configuration values set in code, wherever Flask applications set them:
//! - `app.config["KEY"] = value`, `app.secret_key = value`;
//! - `app.config.update(KEY=value)`, `.update({"KEY": value})`, `.from_mapping(…)`,
//!   `.update(dict(KEY=value))`;
//! - class attributes of configuration classes (`class ProductionConfig(Config): KEY = value`,
//!   any class whose name or a base's name ends in `Config`), loaded with `from_object`;
//! - module-level names in a file that imports Flask (`app.config.from_object(__name__)`).
//!
//! The application behind `app.config` is resolved as `flask-debug-true` does: bound to
//! `Flask(…)` gives high confidence; unknown (a factory's result, `self.app`) gives medium
//! confidence in a file that imports Flask; anything else is not Flask's. Values in classes or
//! files named for development or tests (`TestingConfig`, `DevelopmentConfig`, `tests/`) and
//! in blocks that also set `TESTING = True` carry that purpose, for the rules to skip.

use cuirass_diagnostics::Confidence;
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::Modules;
use cuirass_python::{Ranged, TextRange};

use crate::checker::{Call, Context, Node};
use crate::helpers::{constructed_by, is_true, str_value};
use crate::rules::config::helpers::{Purpose, file_purpose, purpose_of_name};

const FLASK_APPS: &[&str] = &["flask.Flask", "flask.app.Flask"];

/// One configuration value set in code.
pub(crate) struct FlaskSetting<'a> {
    /// The configuration key (`SECRET_KEY` also for `app.secret_key`).
    pub(crate) key: String,
    pub(crate) value: &'a Expr,
    /// What to report: the whole assignment, or the `KEY=value` keyword / dict item.
    pub(crate) range: TextRange,
    pub(crate) confidence: Confidence,
    /// The purpose of the class or file the value is set in.
    pub(crate) purpose: Purpose,
    /// The same block also sets `TESTING = True`.
    pub(crate) testing: bool,
}

impl FlaskSetting<'_> {
    /// Whether the value is meant for development or tests only.
    pub(crate) fn is_for_development(&self) -> bool {
        self.purpose == Purpose::Development || self.testing
    }
}

/// Every configuration value `node` sets.
pub(crate) fn flask_settings<'a>(ctx: &Context<'_>, node: &Node<'a>) -> Vec<FlaskSetting<'a>> {
    let mut out = Vec::new();
    match node {
        Node::Stmt(stmt @ (Stmt::Assign(_) | Stmt::AnnAssign(_))) => {
            let (targets, value): (Vec<&'a Expr>, &'a Expr) = match stmt {
                Stmt::Assign(assign) => (assign.targets.iter().collect(), &assign.value),
                Stmt::AnnAssign(ast::StmtAnnAssign {
                    target,
                    value: Some(value),
                    ..
                }) => (vec![target.as_ref()], value.as_ref()),
                _ => return out,
            };
            for target in targets {
                assigned(ctx, stmt, target, value, &mut out);
            }
        }
        Node::Call(call) => updated(ctx, call, &mut out),
        _ => {}
    }
    out
}

/// `app.config[...]`-style receivers: how sure we are that `app` is a Flask application.
fn app_confidence(ctx: &Context<'_>, app: &Expr) -> Option<Confidence> {
    match constructed_by(ctx.semantic, app) {
        Some(name) if FLASK_APPS.contains(&name.as_str()) => Some(Confidence::High),
        None if ctx.semantic.seen_module(Modules::FLASK) => Some(Confidence::Medium),
        Some(_) | None => None,
    }
}

fn assigned<'a>(
    ctx: &Context<'_>,
    stmt: &'a Stmt,
    target: &'a Expr,
    value: &'a Expr,
    out: &mut Vec<FlaskSetting<'a>>,
) {
    let range = target.range().cover(value.range());
    match target {
        // `app.config["KEY"] = value`
        Expr::Subscript(subscript) => {
            let Expr::Attribute(config) = subscript.value.as_ref() else {
                return;
            };
            let Some(key) = str_value(&subscript.slice) else {
                return;
            };
            if config.attr.as_str() != "config" {
                return;
            }
            if let Some(confidence) = app_confidence(ctx, &config.value) {
                out.push(FlaskSetting {
                    key,
                    value,
                    range,
                    confidence,
                    purpose: file_purpose(ctx),
                    testing: false,
                });
            }
        }
        // `app.secret_key = value`
        Expr::Attribute(attr) if attr.attr.as_str() == "secret_key" => {
            if let Some(confidence) = app_confidence(ctx, &attr.value) {
                out.push(FlaskSetting {
                    key: "SECRET_KEY".to_string(),
                    value,
                    range,
                    confidence,
                    purpose: file_purpose(ctx),
                    testing: false,
                });
            }
        }
        Expr::Name(name) => {
            let key = name.id.as_str();
            if !key.starts_with(|c: char| c.is_ascii_uppercase()) {
                return;
            }
            if let Some(class) = ctx.class().filter(|class| in_body(&class.body, stmt)) {
                if !is_config_class(class) {
                    return;
                }
                let purpose = match file_purpose(ctx) {
                    Purpose::Development => Purpose::Development,
                    _ => purpose_of_name(class.name.as_str()),
                };
                out.push(FlaskSetting {
                    key: key.to_string(),
                    value,
                    range,
                    confidence: Confidence::Medium,
                    purpose,
                    testing: sets_testing(&class.body),
                });
            } else if ctx.function().is_none()
                && ctx.class().is_none()
                && ctx.semantic.seen_module(Modules::FLASK)
            {
                out.push(FlaskSetting {
                    key: key.to_string(),
                    value,
                    range,
                    confidence: Confidence::Medium,
                    purpose: file_purpose(ctx),
                    testing: false,
                });
            }
        }
        _ => {}
    }
}

/// `app.config.update(KEY=value)`, `.update({"KEY": value})`, `.from_mapping(…)`.
fn updated<'a>(ctx: &Context<'_>, call: &Call<'a>, out: &mut Vec<FlaskSetting<'a>>) {
    let Expr::Attribute(method) = call.node.func.as_ref() else {
        return;
    };
    if !matches!(method.attr.as_str(), "update" | "from_mapping") {
        return;
    }
    let Expr::Attribute(config) = method.value.as_ref() else {
        return;
    };
    if config.attr.as_str() != "config" {
        return;
    }
    let Some(confidence) = app_confidence(ctx, &config.value) else {
        return;
    };
    let mut items: Vec<(String, &'a Expr, TextRange)> = Vec::new();
    collect_items(&call.node.arguments, &mut items);
    let testing = items
        .iter()
        .any(|(key, value, _)| key == "TESTING" && is_true(value));
    let purpose = file_purpose(ctx);
    for (key, value, range) in items {
        out.push(FlaskSetting {
            key,
            value,
            range,
            confidence,
            purpose,
            testing,
        });
    }
}

/// The `KEY=value` keywords and `{"KEY": value}` / `dict(KEY=value)` arguments of a call.
fn collect_items<'a>(
    arguments: &'a ast::Arguments,
    items: &mut Vec<(String, &'a Expr, TextRange)>,
) {
    for keyword in &arguments.keywords {
        if let Some(arg) = &keyword.arg {
            items.push((arg.as_str().to_string(), &keyword.value, keyword.range()));
        }
    }
    for arg in &arguments.args {
        match arg {
            Expr::Dict(dict) => {
                for item in &dict.items {
                    if let Some(key) = item.key.as_ref().and_then(str_value) {
                        let range = item
                            .key
                            .as_ref()
                            .map_or(item.value.range(), |k| k.range().cover(item.value.range()));
                        items.push((key, &item.value, range));
                    }
                }
            }
            Expr::Call(inner) if matches!(inner.func.as_ref(), Expr::Name(n) if n.id.as_str() == "dict") =>
            {
                collect_items(&inner.arguments, items);
            }
            _ => {}
        }
    }
}

fn in_body(body: &[Stmt], stmt: &Stmt) -> bool {
    body.iter().any(|s| s.range() == stmt.range())
}

/// A configuration class: its name, or a base's, ends in `Config` (`ProductionConfig`,
/// `class Production(BaseConfig)`).
fn is_config_class(class: &ast::StmtClassDef) -> bool {
    let named = |name: &str| name.ends_with("Config");
    named(class.name.as_str())
        || class.arguments.as_ref().is_some_and(|arguments| {
            arguments.args.iter().any(|base| {
                let name = match base {
                    Expr::Name(name) => name.id.as_str(),
                    Expr::Attribute(attr) => attr.attr.as_str(),
                    _ => "",
                };
                named(name)
            })
        })
}

/// Whether a class body sets `TESTING = True`.
fn sets_testing(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| {
        matches!(stmt, Stmt::Assign(assign)
            if is_true(&assign.value)
                && assign.targets.iter().any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "TESTING")))
    })
}
