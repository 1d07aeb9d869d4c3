use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that reaches a file path: `open()`, `io.open()`, `os.open()`,
    /// `os.remove()`/`unlink()`/`rename()`/`listdir()`, `shutil` copies, moves and `rmtree()`,
    /// Flask's `send_file()` (and the directory of `send_from_directory()`), Starlette/FastAPI's
    /// `FileResponse`, `tarfile.open()`, `zipfile.ZipFile()`, and the read and write methods of a
    /// `pathlib.Path` built from it. Joining onto a base directory (`os.path.join`, `Path / name`)
    /// does not help and is followed.
    ///
    /// The taint analysis follows input from where it enters — Flask/Werkzeug `request.*` and route
    /// parameters, Django and other views' `request` (`GET`, `POST`, `COOKIES`, `META`, `headers`,
    /// `body`, `FILES`), FastAPI/Starlette parameters and `Request`, aiohttp `match_info`/`query`/
    /// `post()`, `sys.argv`, `input()`, socket reads, and `os.environ` (at medium confidence) —
    /// through assignments, string building, containers, function calls (in this module and, in a
    /// second phase, the project's other modules), `self` attributes, branches and loops, to this
    /// sink. Each finding carries that path. Sources, sinks and sanitisers are data: add your own in
    /// `[tool.cuirass.taint]`.
    ///
    /// ## Why is this bad?
    /// `../` segments and absolute paths in the input leave the intended directory: the client
    /// reads `/etc/passwd` or the application's secrets, or overwrites files it should never touch.
    ///
    /// ## Example
    /// ```python
    /// import os
    /// from flask import request
    ///
    /// def download():
    ///     name = request.args["file"]
    ///     with open(os.path.join("/srv/files", name), "rb") as f:
    ///         return f.read()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from cuirass.validation import safe_join
    /// from flask import request
    ///
    /// def download():
    ///     path = safe_join("/srv/files", request.args["file"])
    ///     with open(path, "rb") as f:
    ///         return f.read()
    /// ```
    ///
    /// ## Fix
    /// Join with `cuirass.validation.safe_join(base, *parts)`, which refuses `..`, absolute parts
    /// and symlinks leaving the base, or keep only the file name (`os.path.basename`,
    /// `werkzeug.utils.secure_filename`). A check that the resolved path starts with the base
    /// (`os.path.realpath(p).startswith(BASE)`) is recognised too.
    ///
    /// ## References
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    /// - [OWASP: Path Traversal](https://owasp.org/www-community/attacks/Path_Traversal)
    pub(super) RULE = {
        name: "tainted-path",
        audit: Code,
        kind: Taint,
        severity: High,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [22],
        owasp: A01BrokenAccessControl,
        aliases: [],
        tags: ["taint", "path-traversal", "files"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Path, |sink, source| {
        format!(
            "{sink} uses a path built from {source}; confine it to its directory with `cuirass.validation.safe_join`"
        )
    });
}
