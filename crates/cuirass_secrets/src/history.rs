//! `--git-history`: every blob reachable from any ref, scanned once.
//!
//! Commits are collected from every reference (branches, tags, remotes, stash, `HEAD`) and
//! visited oldest first (by committer time), so the first commit whose tree holds a blob is the
//! one that introduced it. Trees already visited are skipped — a tree id fixes every blob below
//! it — which makes the walk proportional to what changed, not to commits × files. Each new blob
//! is scanned once with [`scan_text`] under the path it first had; binary blobs (a NUL in the
//! first 8 KiB) and blobs over `ScanOptions::max_blob_bytes` are skipped and counted.
//!
//! Pure Rust (`gix`); no `git` process is started.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cuirass_diagnostics::Finding;
use gix::ObjectId;

use crate::{ScanOptions, TextKind, scan_text};

/// The result of a history scan.
#[derive(Debug, Default)]
pub struct HistoryScan {
    /// Findings in blobs, sorted by path, position and rule.
    pub findings: Vec<HistoryFinding>,
    /// Distinct commits reachable from the refs.
    pub commits_walked: usize,
    /// Distinct blobs scanned.
    pub blobs_scanned: usize,
    /// Distinct blobs skipped as binary or too large.
    pub blobs_skipped: usize,
}

/// A finding in a blob of the history, with the commit that introduced the blob.
///
/// `finding.location.path` is the blob's path in that commit; the message ends with
/// "in commit `abc1234` (2026-01-02)", and the same facts are here as fields.
#[derive(Debug, Clone)]
pub struct HistoryFinding {
    pub finding: Finding,
    /// Full hex id of the first commit (oldest by committer time) holding the blob.
    pub commit: String,
    /// Its abbreviated id (seven characters).
    pub short_commit: String,
    /// Its author date, `YYYY-MM-DD` in the author's time zone.
    pub date: String,
    /// The blob's path in that commit.
    pub path: String,
    /// Hex id of the blob.
    pub blob: String,
}

/// Why a history scan failed.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot open `{}` as a git repository", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("cannot read the git {what} of `{}`", path.display())]
    Read {
        path: PathBuf,
        /// What was being read: "references", "commit 1a2b3c4", "tree …", "blob …".
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

struct CommitInfo {
    id: ObjectId,
    tree: ObjectId,
    committed: i64,
    date: String,
}

/// Scans every blob reachable from any ref of the repository at `repo` (a work tree or a
/// `.git` directory).
pub fn scan_git_history(repo: &Path, options: &ScanOptions) -> Result<HistoryScan, HistoryError> {
    let repository = gix::open(repo).map_err(|source| HistoryError::Open {
        path: repo.to_path_buf(),
        source: Box::new(source),
    })?;
    let read_error =
        |what: String, source: Box<dyn std::error::Error + Send + Sync>| HistoryError::Read {
            path: repo.to_path_buf(),
            what,
            source,
        };

    let commits = collect_commits(&repository, &read_error)?;
    let blobs = first_blobs(&repository, &commits, &read_error)?;

    let mut scan = HistoryScan {
        commits_walked: commits.len(),
        ..HistoryScan::default()
    };
    for (blob_id, commit_index, path) in blobs {
        let header = repository
            .find_header(blob_id)
            .map_err(|e| read_error(format!("blob {blob_id}"), Box::new(e)))?;
        if header.size() > options.max_blob_bytes {
            scan.blobs_skipped += 1;
            continue;
        }
        let blob = repository
            .find_blob(blob_id)
            .map_err(|e| read_error(format!("blob {blob_id}"), Box::new(e)))?;
        let data = &blob.data;
        if data.iter().take(8192).any(|&b| b == 0) {
            scan.blobs_skipped += 1;
            continue;
        }
        scan.blobs_scanned += 1;
        let text = String::from_utf8_lossy(data);
        let kind = TextKind::for_path(Path::new(&path));
        let found = scan_text(&text, &path, kind, options);
        let Some(commit) = commits.get(commit_index) else {
            continue;
        };
        let short: String = commit.id.to_string().chars().take(7).collect();
        for mut finding in found {
            let _ = write!(finding.message, " (in commit `{short}`, {})", commit.date);
            scan.findings.push(HistoryFinding {
                finding,
                commit: commit.id.to_string(),
                short_commit: short.clone(),
                date: commit.date.clone(),
                path: path.clone(),
                blob: blob_id.to_string(),
            });
        }
    }
    scan.findings.sort_by(|a, b| {
        a.finding
            .sort_key()
            .cmp(&b.finding.sort_key())
            .then_with(|| a.commit.cmp(&b.commit))
    });
    Ok(scan)
}

type ReadError<'a> = dyn Fn(String, Box<dyn std::error::Error + Send + Sync>) -> HistoryError + 'a;

/// Every commit reachable from every ref and `HEAD`, oldest first.
fn collect_commits(
    repository: &gix::Repository,
    read_error: &ReadError<'_>,
) -> Result<Vec<CommitInfo>, HistoryError> {
    let mut tips: Vec<ObjectId> = Vec::new();
    let platform = repository
        .references()
        .map_err(|e| read_error("references".into(), Box::new(e)))?;
    let all = platform
        .all()
        .map_err(|e| read_error("references".into(), Box::new(e)))?;
    for reference in all {
        let mut reference = reference.map_err(|e| read_error("references".into(), Box::new(e)))?;
        // A ref that cannot be peeled (dangling, or pointing at a tree) has no history to scan.
        if let Ok(id) = reference.peel_to_id() {
            tips.push(id.detach());
        }
    }
    if let Ok(head) = repository.head_id() {
        tips.push(head.detach());
    }

    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut stack = tips;
    let mut commits = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Ok(object) = repository.find_object(id) else {
            continue;
        };
        if object.kind != gix::object::Kind::Commit {
            continue;
        }
        let commit = object.into_commit();
        let what = || format!("commit {id}");
        let tree = commit
            .tree_id()
            .map_err(|e| read_error(what(), Box::new(e)))?
            .detach();
        let committed = commit
            .time()
            .map_err(|e| read_error(what(), Box::new(e)))?
            .seconds;
        let authored = commit
            .author()
            .ok()
            .and_then(|a| a.time().ok())
            .unwrap_or_else(|| gix::date::Time::new(committed, 0));
        stack.extend(commit.parent_ids().map(gix::Id::detach));
        commits.push(CommitInfo {
            id,
            tree,
            committed,
            date: civil_date(authored.seconds + i64::from(authored.offset)),
        });
    }
    commits.sort_by(|a, b| a.committed.cmp(&b.committed).then(a.id.cmp(&b.id)));
    Ok(commits)
}

/// Each distinct blob with the index of the first commit holding it and its path there, in
/// discovery order.
fn first_blobs(
    repository: &gix::Repository,
    commits: &[CommitInfo],
    read_error: &ReadError<'_>,
) -> Result<Vec<(ObjectId, usize, String)>, HistoryError> {
    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut out = Vec::new();
    for (index, commit) in commits.iter().enumerate() {
        let mut stack: Vec<(ObjectId, String)> = vec![(commit.tree, String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = repository
                .find_tree(tree_id)
                .map_err(|e| read_error(format!("tree {tree_id}"), Box::new(e)))?;
            let decoded = tree
                .decode()
                .map_err(|e| read_error(format!("tree {tree_id}"), Box::new(e)))?;
            for entry in &decoded.entries {
                let name = String::from_utf8_lossy(entry.filename);
                let path = if prefix.is_empty() {
                    name.into_owned()
                } else {
                    format!("{prefix}/{name}")
                };
                let id = entry.oid.to_owned();
                if entry.mode.is_tree() {
                    stack.push((id, path));
                } else if entry.mode.is_blob() && seen_blobs.insert(id) {
                    out.push((id, index, path));
                }
            }
        }
    }
    Ok(out)
}

/// `YYYY-MM-DD` of a count of seconds since the Unix epoch (proleptic Gregorian calendar).
pub(crate) fn civil_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert_eq!(civil_date(1_767_312_000), "2026-01-02");
        assert_eq!(civil_date(-86_400), "1969-12-31");
    }
}
