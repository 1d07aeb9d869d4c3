use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;
use cuirass_python::ast::Expr;
use cuirass_python::semantic::Modules;

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{constructed_by, str_value};

declare_rule! {
    /// ## What it does
    /// Checks for tar archives extracted without an extraction filter: `extractall()` and
    /// `extract()` on a `tarfile` object without `filter=`, or with
    /// `filter="fully_trusted"` / `tarfile.fully_trusted_filter`; and
    /// `shutil.unpack_archive()` without `filter=`.
    ///
    /// The receiver is resolved with the semantic model: `tarfile.open(…).extractall()`, or a
    /// name bound by `tar = tarfile.open(…)` or `with tarfile.open(…) as tar` (also
    /// `tarfile.TarFile(…)` and `tarfile.TarFile.open(…)`), is reported at medium confidence.
    /// When the receiver cannot be resolved (a parameter, an attribute), `extractall()` alone
    /// is reported, at low confidence, and only in files that import `tarfile`; a receiver
    /// built by something else we can name (`zipfile.ZipFile(…)`) is never reported. Passing
    /// `members=` (often a filtering generator, the pre-3.12 fix) lowers confidence to low.
    ///
    /// ## Why is this bad?
    /// Tar members can be named `../../home/user/.ssh/authorized_keys` or `/etc/cron.d/x`, or
    /// be symbolic and hard links pointing outside the destination; device files and setuid
    /// bits come along too. Without a filter, `tarfile` writes them where they say (path
    /// traversal, CVE-2007-4559, still exploited in many projects). Since Python 3.12 (and
    /// security releases of 3.8–3.11) `filter="data"` refuses all of that; the default only
    /// became `"data"` in Python 3.14, so code that runs on older versions must ask for it.
    ///
    /// ## Example
    /// ```python
    /// import tarfile
    ///
    /// def unpack(upload_path, destination):
    ///     with tarfile.open(upload_path) as tar:
    ///         tar.extractall(destination)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import tarfile
    ///
    /// def unpack(upload_path, destination):
    ///     with tarfile.open(upload_path) as tar:
    ///         tar.extractall(destination, filter="data")
    /// ```
    ///
    /// ## Fix
    /// Pass `filter="data"` (or `"tar"` to keep permissions) to `extractall`, `extract` and
    /// `shutil.unpack_archive`. On interpreters without extraction filters, check every
    /// member before extracting it: reject links and devices, and resolve its destination with
    /// `cuirass.validation.safe_join(destination, member.name)`, which refuses paths that
    /// escape the directory.
    ///
    /// ## References
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    /// - [Python docs: tarfile extraction filters](https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter)
    /// - [PEP 706: Filter for `tarfile.extractall`](https://peps.python.org/pep-0706/)
    pub(super) RULE = {
        name: "tarfile-unsafe-extract",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [22],
        owasp: A01BrokenAccessControl,
        aliases: [Bandit("B202"), Ruff("S202")],
        tags: ["tarfile", "path-traversal"],
        interest: [Call],
        check: check,
    }
}

/// Calls that return an open `TarFile`.
const TAR_OPENERS: &[&str] = &[
    "tarfile.open",
    "tarfile.TarFile",
    "tarfile.TarFile.open",
    "tarfile.TarFile.taropen",
    "tarfile.TarFile.gzopen",
    "tarfile.TarFile.bz2open",
    "tarfile.TarFile.xzopen",
];

/// Filters that extract everything as the archive says.
const TRUSTING_FILTERS: &[&str] = &["tarfile.fully_trusted_filter"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if call.name == Some("shutil.unpack_archive") {
        if filter_is_safe(ctx, call) {
            return;
        }
        ctx.report(
            call.node.range(),
            "`shutil.unpack_archive` without `filter=` extracts tar members wherever their names point (`../`, absolute paths, links); pass `filter=\"data\"`",
        );
        return;
    }
    let Some(method) = call
        .method()
        .filter(|m| matches!(*m, "extractall" | "extract"))
    else {
        return;
    };
    if call.name.is_some() {
        // `module.extractall(…)`: a function we can name, not a method of an archive.
        return;
    }
    if filter_is_safe(ctx, call) {
        return;
    }
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return;
    };
    let opened_by = constructed_by(ctx.semantic, &attr.value);
    let mut confidence = match opened_by.as_deref() {
        Some(name) if TAR_OPENERS.contains(&name) => Confidence::Medium,
        // Not resolved: only `extractall` (also a `zipfile` method, but there it is safe),
        // only in a file that uses `tarfile`.
        None if method == "extractall" && ctx.semantic.seen_module(Modules::TARFILE) => {
            Confidence::Low
        }
        // Built by something else we can name, or nothing points at `tarfile`.
        Some(_) | None => return,
    };
    if call.keyword("members").is_some() {
        confidence = Confidence::Low;
    }
    let message = format!(
        "`{method}()` on a tar archive without `filter=` writes members wherever their names point (`../`, absolute paths, links); pass `filter=\"data\"`"
    );
    if let Some(finding) = ctx.report(call.node.range(), message) {
        finding.confidence = confidence;
    }
}

/// `filter=` is passed and is not the trust-everything filter (or `**kwargs` may pass it).
fn filter_is_safe(ctx: &Context<'_>, call: &Call<'_>) -> bool {
    let Some(filter) = call.keyword("filter") else {
        return call.has_kwargs_splat();
    };
    if filter.is_none_literal_expr() || str_value(filter).as_deref() == Some("fully_trusted") {
        return false;
    }
    !ctx.qualified_name(filter)
        .is_some_and(|name| TRUSTING_FILTERS.contains(&name.as_str()))
}
