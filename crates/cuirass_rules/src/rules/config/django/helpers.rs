//! Recognising a Django settings module and reporting on it.
//!
//! A module is a Django settings module when it assigns, at module level (also inside `if`,
//! `try` and `with` blocks):
//! - at least two names only Django settings use (`INSTALLED_APPS`, `MIDDLEWARE`,
//!   `ROOT_URLCONF`, `DATABASES`, `ALLOWED_HOSTS`, `WSGI_APPLICATION`, `SECURE_*`, …), or
//! - in a file named like settings (`settings.py`, `settings_*.py`, `*_settings.py`, or any
//!   file in a `settings/` folder): one such name, or a name Django shares with other
//!   frameworks (`SECRET_KEY`, `DEBUG`, `SESSION_COOKIE_SECURE`, …) when the module also has a
//!   star import or imports `django`.
//!
//! A module that imports Flask, `FastAPI` or Starlette is never one: Flask projects have
//! `settings.py` files too, and the Flask rules look at those.
//!
//! "Missing setting" rules only judge a *complete* settings module: one that assigns
//! `INSTALLED_APPS`, imports no names from elsewhere (no `from .base import *`, no
//! django-split-settings `include()`), and is not named as a base, development or test module.
//! A split layout (`base.py` + `production.py`) therefore gets no "missing" findings at all:
//! `base.py` is a base, and `production.py` imports `base`'s names. Those findings are reported
//! at medium confidence, on the line that assigns `INSTALLED_APPS`.

use cuirass_diagnostics::Confidence;
use cuirass_python::semantic::Modules;
use cuirass_python::{Ranged, TextRange};

use crate::checker::{Context, Node};
use crate::rules::config::helpers::{
    Purpose, TopLevel, Value, bool_literal, file_purpose, stem_and_parent, string_elements,
};

/// Names only Django settings assign.
const DJANGO_NAMES: &[&str] = &[
    "INSTALLED_APPS",
    "MIDDLEWARE",
    "MIDDLEWARE_CLASSES",
    "ROOT_URLCONF",
    "DATABASES",
    "ALLOWED_HOSTS",
    "WSGI_APPLICATION",
    "ASGI_APPLICATION",
    "AUTH_PASSWORD_VALIDATORS",
    "AUTH_USER_MODEL",
    "DEFAULT_AUTO_FIELD",
    "STATICFILES_DIRS",
    "STATICFILES_STORAGE",
    "PASSWORD_HASHERS",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_ENGINE",
    "USE_TZ",
    "LANGUAGE_CODE",
];

/// Names Django settings share with other frameworks' configuration.
const SHARED_NAMES: &[&str] = &[
    "SECRET_KEY",
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "TEMPLATES",
    "STATIC_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
];

/// A Django settings module, as the rules see it.
pub(crate) struct Settings<'a> {
    pub(crate) top: TopLevel<'a>,
    pub(crate) purpose: Purpose,
    /// Complete enough to judge settings it does not assign.
    pub(crate) complete: bool,
}

impl<'a> Settings<'a> {
    /// The settings of the module being checked, if it is a Django settings module.
    pub(crate) fn of(ctx: &Context<'_>, node: &Node<'a>) -> Option<Self> {
        let Node::Module(suite) = node else {
            return None;
        };
        let top = TopLevel::collect(ctx, suite);
        let django = DJANGO_NAMES.iter().filter(|n| top.is_set(n)).count();
        let shared = SHARED_NAMES.iter().filter(|n| top.is_set(n)).count();
        let (stem, parent) = stem_and_parent(ctx);
        let settings_file = stem == "settings"
            || stem.starts_with("settings_")
            || stem.ends_with("_settings")
            || parent == "settings";
        let is_settings = django >= 2
            || (settings_file
                && django + shared >= 1
                && (top.imports_names || ctx.semantic.seen_module(Modules::DJANGO) || django >= 1));
        if !is_settings
            || ctx.semantic.seen_module(Modules::FLASK)
            || ctx.semantic.seen_module(Modules::FASTAPI)
            || crate::helpers::imports_module(ctx.semantic, "starlette")
        {
            return None;
        }
        let purpose = file_purpose(ctx);
        let complete =
            purpose == Purpose::Production && !top.imports_names && top.is_set("INSTALLED_APPS");
        Some(Self {
            top,
            purpose,
            complete,
        })
    }

    /// Whether value findings are worth reporting here: development and test settings are
    /// expected to be lax.
    pub(crate) fn is_deployed(&self) -> bool {
        self.purpose != Purpose::Development
    }

    /// Reports a finding about a value set here. In a base module (which the deployed settings
    /// may override) it has low confidence.
    pub(crate) fn report(&self, ctx: &mut Context<'_>, range: TextRange, message: String) {
        if let Some(finding) = ctx.report(range, message)
            && self.purpose == Purpose::Base
        {
            finding.confidence = Confidence::Low;
        }
    }

    /// Reports a setting this complete module never assigns, on its `INSTALLED_APPS` line.
    pub(crate) fn report_missing(&self, ctx: &mut Context<'_>, message: String) {
        if !self.complete {
            return;
        }
        let Some(anchor) = self.top.of("INSTALLED_APPS").next() else {
            return;
        };
        let range = anchor.target.range();
        if let Some(finding) = ctx.report(range, message) {
            finding.confidence = Confidence::Medium;
        }
    }
}

/// What must be installed for a setting to matter — Django's own checks skip a setting whose
/// middleware is missing (the missing middleware is reported instead).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Needs {
    /// Only applied by this middleware class (`SecurityMiddleware`).
    Middleware(&'static str),
    /// Only matters with sessions: `django.contrib.sessions` in `INSTALLED_APPS` or
    /// `SessionMiddleware` in `MIDDLEWARE`.
    Sessions,
}

impl Settings<'_> {
    /// The entries of `MIDDLEWARE` (or the old `MIDDLEWARE_CLASSES`) when it is a literal list
    /// assigned once, with the name it was assigned to; `None` when unknown.
    fn middleware(&self) -> Option<(&'static str, Vec<String>)> {
        let name = if self.top.is_set("MIDDLEWARE") {
            "MIDDLEWARE"
        } else if self.top.is_set("MIDDLEWARE_CLASSES") {
            "MIDDLEWARE_CLASSES"
        } else {
            return None;
        };
        let Value::Set(assignment) = self.top.value(name) else {
            return None;
        };
        let entries = string_elements(assignment.value)?;
        Some((name, entries.into_iter().map(|(path, _)| path).collect()))
    }

    /// Whether the middleware class (by its last dotted component) is among the literal
    /// entries the module gives `MIDDLEWARE` anywhere; `None` when it gives none. Entries added
    /// at run time (`MIDDLEWARE.append(plugin)`) are assumed not to be Django's own.
    pub(crate) fn has_middleware(&self, class: &str) -> Option<bool> {
        let entries = self
            .top
            .literal_entries("MIDDLEWARE")
            .or_else(|| self.top.literal_entries("MIDDLEWARE_CLASSES"))?;
        let present = entries
            .iter()
            .any(|path| path.trim().rsplit('.').next() == Some(class));
        // A module that imports another's names may only be adding to its list.
        (present || !self.top.imports_names).then_some(present)
    }

    /// Whether the app is among the literal entries the module gives `INSTALLED_APPS`
    /// anywhere; `None` when it gives none.
    fn has_app(&self, app: &str) -> Option<bool> {
        let apps = self.top.literal_entries("INSTALLED_APPS")?;
        let present = apps.iter().any(|name| {
            let name = name.trim();
            name == app || name.starts_with(&format!("{app}."))
        });
        (present || !self.top.imports_names).then_some(present)
    }

    /// Whether a setting with this requirement can matter here (unknown counts as yes).
    pub(crate) fn matters(&self, needs: Needs) -> bool {
        match needs {
            Needs::Middleware(class) => self.has_middleware(class) != Some(false),
            Needs::Sessions => {
                self.has_app("django.contrib.sessions") != Some(false)
                    || self.has_middleware("SessionMiddleware") == Some(true)
            }
        }
    }
}

/// The "off or missing" check of a boolean setting that should be `True`: reported when set to
/// a false literal, and (when `missing` is given) when a complete module never sets it — as
/// long as what makes the setting matter is installed.
pub(crate) fn check_required_true(
    ctx: &mut Context<'_>,
    node: &Node<'_>,
    name: &'static str,
    needs: Needs,
    off: impl FnOnce() -> String,
    missing: Option<&dyn Fn() -> String>,
) {
    let Some(settings) = Settings::of(ctx, node) else {
        return;
    };
    if !settings.is_deployed() || !settings.matters(needs) {
        return;
    }
    match settings.top.value(name) {
        Value::Set(assignment) => {
            if bool_literal(assignment.value) == Some(false) {
                settings.report(ctx, assignment.range(), off());
            }
        }
        Value::Unset => {
            if let Some(missing) = missing {
                settings.report_missing(ctx, missing());
            }
        }
        Value::Dynamic => {}
    }
}

/// Reports a `MIDDLEWARE` list (a literal, not changed elsewhere in the module) that lacks the
/// middleware class `class` (matched by its last dotted component, so a subclass with the same
/// name counts as present). Reported on the `MIDDLEWARE` name, at the rule's confidence.
pub(crate) fn check_middleware(
    ctx: &mut Context<'_>,
    node: &Node<'_>,
    class: &str,
    message: impl FnOnce(&str) -> String,
) {
    let Some(settings) = Settings::of(ctx, node) else {
        return;
    };
    if !settings.is_deployed() {
        return;
    }
    // Only a list written out whole, in one literal, is judged.
    let Some((name, entries)) = settings.middleware() else {
        return;
    };
    if entries
        .iter()
        .any(|path| path.trim().rsplit('.').next() == Some(class))
    {
        return;
    }
    if let Some(assignment) = settings.top.of(name).last() {
        let range = assignment.target.range();
        settings.report(ctx, range, message(name));
    }
}
