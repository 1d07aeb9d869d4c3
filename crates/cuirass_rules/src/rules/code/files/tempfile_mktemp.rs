use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `tempfile.mktemp`, `os.tempnam` and `os.tmpnam`, which return the name of a
    /// temporary file without creating it.
    ///
    /// ## Why is this bad?
    /// Between the moment the name is chosen and the moment the program opens it, another
    /// process can create that file, or a symbolic link with that name pointing anywhere the
    /// program may write. The program then writes into the attacker's file or clobbers a file
    /// of its choosing (a classic race, TOCTOU). `tempfile.mktemp` has been deprecated since
    /// Python 2.3 for this reason; `os.tempnam`/`os.tmpnam` are gone in Python 3 but still
    /// turn up in old code.
    ///
    /// ## Example
    /// ```python
    /// import tempfile
    ///
    /// def spool(data: bytes) -> str:
    ///     path = tempfile.mktemp(suffix=".bin")
    ///     with open(path, "wb") as fh:
    ///         fh.write(data)
    ///     return path
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import tempfile
    ///
    /// def spool(data: bytes) -> str:
    ///     with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as fh:
    ///         fh.write(data)
    ///     return fh.name
    /// ```
    ///
    /// ## Fix
    /// Let the library create the file atomically: `tempfile.mkstemp()` (returns an open
    /// descriptor and the name), `tempfile.NamedTemporaryFile()`, or
    /// `tempfile.TemporaryDirectory()` when several files are needed.
    ///
    /// ## References
    /// - [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
    /// - [Python docs: `tempfile.mktemp`](https://docs.python.org/3/library/tempfile.html#tempfile.mktemp)
    pub(super) RULE = {
        name: "tempfile-mktemp",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Low,
        impact: Medium,
        cwe: [377],
        owasp: A01BrokenAccessControl,
        aliases: [Bandit("B306"), Ruff("S306")],
        tags: ["tempfile", "race"],
        interest: [Call],
        check: check,
    }
}

const RACY: &[&str] = &["tempfile.mktemp", "os.tempnam", "os.tmpnam"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name.filter(|name| RACY.contains(name)) else {
        return;
    };
    ctx.report(
        call.node.range(),
        format!(
            "`{name}` returns a file name that another process can create first; use `tempfile.mkstemp()` or `tempfile.NamedTemporaryFile()`"
        ),
    );
}
