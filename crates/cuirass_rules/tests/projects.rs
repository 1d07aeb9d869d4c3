//! Whole-project fixtures: every default rule over a small Django site, Python files and
//! templates alike, asserting the exact findings.
//!
//! `django_insecure/` is a site `manage.py check --deploy` (Django 5.2) warns about with
//! security.W002, W004, W006, W008, W009, W012, W015, W016, W018 and W022; each of those has a
//! cuirass finding below (see `docs/django-deploy-checks.md`), plus what the deploy check does
//! not look at (templates, views, `ALLOWED_HOSTS = ["*"]`, CORS, password hashers).
//! `django_hardened/` is the same site fixed: the deploy check is silent, and so is cuirass.
// Helpers of a test: a fixture that cannot be read should fail it loudly.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use cuirass_python::{SourceFile, module_path_for};
use cuirass_rules::{AnalysisOptions, RuleSet, analyze_python, analyze_template};

fn project(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("resources/test/projects")
        .join(name)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// `(path relative to the project, rule, line)` of every finding of the default rules, sorted.
fn findings(name: &str) -> Vec<(String, &'static str, u32)> {
    let root = project(name);
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let rules = RuleSet::defaults();
    let options = AnalysisOptions::default();
    let mut out = Vec::new();
    for path in paths {
        let display = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let text = std::fs::read_to_string(&path).unwrap();
        let source = SourceFile::new(path.clone(), display.clone(), text)
            .with_module_path(module_path_for(&path));
        let mut analysis = match ext {
            "py" => analyze_python(&source, &rules, &options),
            "html" | "htm" | "jinja" | "jinja2" | "j2" | "djhtml" => {
                analyze_template(&source, &rules, &options)
            }
            _ => continue,
        };
        assert!(
            analysis.notices.is_empty(),
            "{display}: {:?}",
            analysis.notices
        );
        let (kept, _) = analysis.apply_suppressions();
        for finding in kept {
            assert_eq!(finding.location.path, display);
            assert!(finding.frame.is_some() && !finding.fingerprint_key.is_empty());
            out.push((
                display.clone(),
                finding.rule.name,
                finding.location.span.start.line,
            ));
        }
    }
    out.sort();
    out
}

fn expected(list: &[(&str, &'static str, u32)]) -> Vec<(String, &'static str, u32)> {
    let mut out: Vec<_> = list
        .iter()
        .map(|&(path, rule, line)| (path.to_string(), rule, line))
        .collect();
    out.sort();
    out
}

#[test]
fn insecure_django_site_gets_the_deploy_check_findings() {
    let actual = findings("django_insecure");
    let settings = "mysite/settings.py";
    let want = expected(&[
        // security.W009: a `django-insecure-` key (hardcoded-password sees a secret key too).
        (settings, "django-secret-key-literal", 9),
        (settings, "hardcoded-password", 9),
        // security.W018
        (settings, "django-debug-true", 11),
        // Beyond the deploy check: any Host header accepted.
        (settings, "django-allowed-hosts-wildcard", 13),
        // security.W004, W008, W012 and W016: never set, reported on `INSTALLED_APPS`.
        (settings, "django-hsts-missing", 15),
        (settings, "django-ssl-redirect-off", 15),
        (settings, "django-session-cookie-secure-off", 15),
        (settings, "django-csrf-cookie-secure-off", 15),
        // security.W002
        (settings, "django-clickjacking-middleware-missing", 23),
        // Beyond the deploy check: MD5 hashes new passwords.
        (settings, "django-weak-password-hasher", 57),
        // security.W015, W006 and W022.
        (settings, "django-session-cookie-httponly-off", 61),
        (settings, "django-nosniff-off", 62),
        (settings, "django-referrer-policy-unsafe", 63),
        // Beyond the deploy check: django-cors-headers lets every site read responses.
        (settings, "django-cors-wildcard-credentials", 65),
        // The view and its template.
        // Request input marked safe and pasted into HTML: the taint findings (with their paths)
        // supersede `django-mark-safe-non-literal` (line 10) and `html-string-response` (17).
        ("mysite/views.py", "django-csrf-exempt", 7),
        ("mysite/views.py", "tainted-xss", 10),
        ("mysite/views.py", "cookie-without-secure", 11),
        ("mysite/views.py", "cookie-without-httponly", 11),
        ("mysite/views.py", "tainted-xss", 17),
        ("templates/profile.html", "template-safe-filter", 6),
        ("templates/profile.html", "template-autoescape-off", 7),
    ]);
    assert_eq!(actual, want);
}

#[test]
fn hardened_django_site_gets_no_findings() {
    assert_eq!(findings("django_hardened"), Vec::new());
}
