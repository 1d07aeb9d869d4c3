//! `.env` files: which paths are environment files, and the `env-file-committed` finding the
//! CLI reports for those git tracks.

use std::path::Path;

use cuirass_diagnostics::{CodeFrame, Finding, Location, Span};

use crate::families::generic::ENV_FILE;

/// Name parts that mark an env file as a template meant to be committed.
const TEMPLATE_WORDS: &[&str] = &[
    "example",
    "examples",
    "sample",
    "samples",
    "template",
    "templates",
    "tmpl",
    "tpl",
    "dist",
    "default",
    "defaults",
    "schema",
    "skel",
    "stub",
];

/// Whether `path` names an environment file: `.env`, `.env.<anything>`, `<name>.env` — but not
/// a template (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`, `example.env`, …).
#[allow(clippy::case_sensitive_file_extension_comparisons)] // `name` is lower-cased.
pub fn is_env_file(path: &Path) -> bool {
    let Some(name) = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    let env =
        name == ".env" || name.starts_with(".env.") || (name.len() > 4 && name.ends_with(".env"));
    env && !name
        .split(['.', '-', '_'])
        .any(|part| TEMPLATE_WORDS.contains(&part))
}

/// The `env-file-committed` finding for an env file tracked by git. It carries an empty code
/// frame on purpose: the file's first line may well be a secret.
pub fn env_file_finding(display_path: &str) -> Finding {
    let name = display_path.rsplit('/').next().unwrap_or(display_path);
    let mut finding = Finding::new(
        &ENV_FILE,
        format!(
            "environment file `{name}` is tracked by git; untrack it, ignore it and commit a \
             template with placeholders instead"
        ),
        Location::new(display_path, Span::line(1)),
    );
    finding.frame = Some(CodeFrame {
        first_line: 1,
        lines: Vec::new(),
    });
    finding.fingerprint_key = "env-file-committed".to_string();
    finding
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files_and_templates() {
        for env in [
            ".env",
            ".env.local",
            ".env.production",
            "config/.env",
            "docker/app.env",
        ] {
            assert!(is_env_file(Path::new(env)), "{env}");
        }
        for not_env in [
            ".env.example",
            ".env.sample",
            ".env.template",
            ".env.dist",
            "example.env",
            ".envrc",
            "env.py",
            ".env.local.example",
            "environment.yml",
        ] {
            assert!(!is_env_file(Path::new(not_env)), "{not_env}");
        }
    }

    #[test]
    fn finding_names_the_file_and_has_no_frame_lines() {
        let finding = env_file_finding("app/.env");
        assert_eq!(finding.rule.name, "env-file-committed");
        assert!(finding.message.contains("`.env`"));
        assert_eq!(finding.location.path, "app/.env");
        assert!(finding.frame.as_ref().is_some_and(|f| f.lines.is_empty()));
    }
}
