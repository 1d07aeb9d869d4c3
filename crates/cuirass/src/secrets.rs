//! Wiring of the secrets audit: which files, `.env` files tracked by git, the git history, and
//! one finding per secret when a code rule and a detector report the same literal.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use cuirass_diagnostics::{Audit, Finding};

/// Whether any enabled rule belongs to the secrets audit.
pub(crate) fn wanted(enabled: &std::collections::BTreeSet<&'static str>) -> bool {
    cuirass_secrets::rules()
        .iter()
        .any(|meta| enabled.contains(meta.name))
}

/// How specific a secret-reporting rule is: provider detectors know the format, framework
/// rules know the setting, `hardcoded-password` knows the name, the entropy heuristic only
/// guesses.
fn specificity(finding: &Finding) -> u8 {
    let rule = finding.rule;
    match (rule.audit, rule.name) {
        (Audit::Secrets, "high-entropy-secret") => 0,
        (Audit::Secrets, _) => 3,
        (_, "hardcoded-password") => 1,
        _ if rule.tags.contains(&"secret") => 2,
        _ => 4,
    }
}

fn reports_a_secret(finding: &Finding) -> bool {
    finding.rule.audit == Audit::Secrets || finding.rule.tags.contains(&"secret")
}

fn overlaps(a: &Finding, b: &Finding) -> bool {
    let (a, b) = (a.location.span, b.location.span);
    a.start.line == b.start.line && a.start <= b.end && b.start <= a.end
}

/// Keeps one finding per secret: where findings of secret-reporting rules overlap on a line,
/// the most specific stays.
pub(crate) fn dedupe(findings: &mut Vec<Finding>) {
    let mut drop = vec![false; findings.len()];
    for i in 0..findings.len() {
        for j in (i + 1)..findings.len() {
            let (Some(a), Some(b)) = (findings.get(i), findings.get(j)) else {
                continue;
            };
            if !reports_a_secret(a) || !reports_a_secret(b) || !overlaps(a, b) {
                continue;
            }
            let loser = if specificity(a) >= specificity(b) {
                j
            } else {
                i
            };
            if let Some(slot) = drop.get_mut(loser) {
                *slot = true;
            }
        }
    }
    let mut index = 0;
    findings.retain(|_| {
        let keep = !drop.get(index).copied().unwrap_or(false);
        index += 1;
        keep
    });
}

/// The files git tracks in the repository holding `start`, as absolute paths (empty outside a
/// repository). Read from the index with gix: no `git` process.
pub(crate) fn tracked_files(start: &Path) -> HashSet<PathBuf> {
    let Ok(repo) = gix::discover(start) else {
        return HashSet::new();
    };
    let Some(workdir) = repo.workdir().map(Path::to_path_buf) else {
        return HashSet::new();
    };
    let Ok(index) = repo.index_or_empty() else {
        return HashSet::new();
    };
    index
        .entries()
        .iter()
        .filter_map(|entry| {
            let path = entry.path(&index);
            std::str::from_utf8(path.as_ref())
                .ok()
                .map(|p| workdir.join(p))
        })
        .collect()
}

/// Secrets in the git history of the project: every blob reachable from any ref, once. A
/// secret still in the work tree is reported there, not again from history.
pub(crate) fn history(
    settings: &cuirass_workspace::Settings,
    secrets: &crate::commands::check::SecretsScan,
    current: &[(Finding, String)],
) -> anyhow::Result<Vec<(Finding, String)>> {
    let scan = cuirass_secrets::scan_git_history(&settings.project_root, &secrets.options)
        .map_err(|e| {
            crate::UsageError::new(format!("cannot read the git history: {e}"))
                .with_hint("`--git-history` needs the project to be a git repository")
        })?;
    let known: HashSet<(&str, &str)> = current
        .iter()
        .map(|(f, _)| (f.rule.name, f.fingerprint_key.as_str()))
        .collect();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for found in scan.findings {
        let mut finding = found.finding;
        if !secrets.enabled.contains(finding.rule.name)
            || known.contains(&(finding.rule.name, finding.fingerprint_key.as_str()))
            || !seen.insert((finding.rule.name, finding.fingerprint_key.clone()))
        {
            continue;
        }
        finding.fingerprint = cuirass_diagnostics::fingerprint(
            finding.rule.name,
            &found.path,
            &finding.fingerprint_key,
            0,
        );
        out.push((finding, found.path));
    }
    Ok(out)
}
