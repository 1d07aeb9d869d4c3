use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;

use super::helpers::{Origin, program_origin};
use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `os.exec*`, `os.spawn*`, `os.posix_spawn*` and `os.startfile` calls whose
    /// program (or, for `os.startfile`, the file handed to its associated application) is
    /// chosen at run time: it comes from a parameter, `input()`, `sys.argv` or a request, or
    /// cannot be traced to anything the code fixed.
    ///
    /// Off by default: enable it to audit where a program is chosen outside the code.
    ///
    /// ## Why is this bad?
    /// These functions start a program directly, without a shell, so arguments cannot inject
    /// a second command, but whoever chooses the program chooses what runs with the
    /// privileges of this process; `os.exec*` even replaces the current process with it.
    ///
    /// Bandit (B606) reports every call of these functions. This rule stays silent when the
    /// program is fixed by the code (a literal, a constant, `sys.executable` as in the common
    /// `os.execv(sys.executable, [sys.executable, *sys.argv])` restart, a configuration
    /// constant, or `shutil.which("tool")`), and reports a program from a parameter or an
    /// input at medium confidence, one that cannot be traced at low confidence.
    ///
    /// ## Example
    /// ```python
    /// import os
    ///
    /// def open_attachment(path):
    ///     os.startfile(path)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// VIEWABLE = {".pdf", ".png", ".txt"}
    ///
    /// def open_attachment(path):
    ///     if os.path.splitext(path)[1].lower() not in VIEWABLE:
    ///         raise ValueError("not a viewable attachment")
    ///     os.startfile(path)
    /// ```
    ///
    /// ## Fix
    /// Choose the program from a fixed table or an allow-list inside the code and resolve it
    /// to an absolute path once with `shutil.which`; for `os.startfile`, allow only known file
    /// types.
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [Python docs: process management in `os`](https://docs.python.org/3/library/os.html#process-management)
    pub(super) RULE = {
        name: "os-exec-dynamic-program",
        audit: Code,
        kind: Pattern,
        severity: Low,
        confidence: Medium,
        likelihood: Low,
        impact: High,
        cwe: [78],
        owasp: A03Injection,
        aliases: [Bandit("B606"), Ruff("S606")],
        tags: ["os", "process"],
        default_enabled: false,
        interest: [Call],
        check: check,
    }
}

/// Functions whose first argument is the program.
const PROGRAM_FIRST: &[&str] = &[
    "os.execl",
    "os.execle",
    "os.execlp",
    "os.execlpe",
    "os.execv",
    "os.execve",
    "os.execvp",
    "os.execvpe",
    "os.posix_spawn",
    "os.posix_spawnp",
    "os.startfile",
];

/// Functions that take a mode first and the program second.
const PROGRAM_SECOND: &[&str] = &[
    "os.spawnl",
    "os.spawnle",
    "os.spawnlp",
    "os.spawnlpe",
    "os.spawnv",
    "os.spawnve",
    "os.spawnvp",
    "os.spawnvpe",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    let program = if PROGRAM_FIRST.contains(&name) {
        call.argument("path", 0)
            .or_else(|| call.keyword("file"))
            .or_else(|| call.keyword("filepath"))
    } else if PROGRAM_SECOND.contains(&name) {
        call.arg(1)
    } else {
        return;
    };
    let Some(program) = program else {
        return;
    };
    let (confidence, why) = match program_origin(ctx, program) {
        Origin::Dynamic => (Confidence::Medium, "comes from a parameter or an input"),
        Origin::Unknown => (Confidence::Low, "is not fixed by the code"),
        Origin::Literal(_) | Origin::Fixed => return,
    };
    let what = if name == "os.startfile" {
        "opens a file"
    } else {
        "starts a program"
    };
    if let Some(finding) = ctx.report(
        call.node.range(),
        format!(
            "`{name}` {what} that {why}; choose it from a fixed table or an allow-list inside the code"
        ),
    ) {
        finding.confidence = confidence;
    }
}
