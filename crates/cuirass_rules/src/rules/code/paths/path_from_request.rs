use cuirass_python::Ranged;
use cuirass_python::ast;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::find_request_input;

declare_rule! {
    /// ## What it does
    /// Checks for file paths taken straight from the request: an argument that itself reads
    /// request data — Flask's `request.args` / `form` / `values` / `files[…].filename` /
    /// `get_json()` / `headers` / `cookies`, a view's `request.GET` / `POST` / `FILES` /
    /// `query_params` / `path_params` (Django, Django REST framework, Starlette), or a text
    /// route parameter of the view (`/files/<path:name>`, `/files/{name}`, a FastAPI `str`
    /// parameter) — passed to
    /// - a path join: `os.path.join`, `pathlib.Path(…)`, `.joinpath(…)`;
    /// - a file operation: `open`, `io.open`, `os.open`, `os.remove` / `unlink` / `rmdir` /
    ///   `listdir`, `os.rename`, `shutil.copy*` / `move` / `rmtree`, `aiofiles.open`;
    /// - a file response: Flask's `send_file`, the *directory* of `send_from_directory`,
    ///   Starlette / FastAPI `FileResponse`.
    ///
    /// One place is one finding: `open(os.path.join(BASE, request.args["f"]))` is reported at
    /// the join. Values through `secure_filename`, `os.path.basename`, `safe_join`, `int(…)`
    /// or a `uuid` are not reported, nor is the file argument of `send_from_directory`, which
    /// Flask already joins safely.
    ///
    /// This is a pattern rule: it sees request data only where the argument reads it
    /// directly, so its confidence is medium. Values that travel through variables and
    /// function calls are the taint analysis's.
    ///
    /// ## Why is this bad?
    /// A client chooses the value: `../../etc/passwd`, `/proc/self/environ`, or the
    /// application's own settings file. `os.path.join` does not stop it — an absolute part
    /// even replaces the base directory — so the request reads, overwrites or deletes files
    /// outside the folder meant for it.
    ///
    /// ## Example
    /// ```python
    /// import os
    ///
    /// from flask import Flask, request, send_file
    ///
    /// app = Flask(__name__)
    ///
    /// @app.get("/download")
    /// def download():
    ///     return send_file(os.path.join("/srv/reports", request.args["name"]))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask import Flask, request, send_from_directory
    ///
    /// app = Flask(__name__)
    ///
    /// @app.get("/download")
    /// def download():
    ///     return send_from_directory("/srv/reports", request.args["name"])
    /// ```
    ///
    /// ## Fix
    /// Join with `cuirass.validation.safe_join(base, name)` (or Werkzeug's `safe_join`), which
    /// refuses paths that leave `base`; reduce uploaded file names with `secure_filename`; or
    /// look files up by an id in your own table instead of by path.
    ///
    /// ## References
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    /// - [OWASP: Path Traversal](https://owasp.org/www-community/attacks/Path_Traversal)
    /// - [Flask docs: `send_from_directory`](https://flask.palletsprojects.com/en/stable/api/#flask.send_from_directory)
    pub(super) RULE = {
        name: "path-from-request",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: Medium,
        likelihood: High,
        impact: High,
        cwe: [22],
        owasp: A01BrokenAccessControl,
        aliases: [],
        tags: ["path-traversal", "flask", "django", "fastapi"],
        interest: [Call],
        check: check,
    }
}

/// Path joins: every argument is a path part.
const JOINS: &[&str] = &[
    "os.path.join",
    "posixpath.join",
    "ntpath.join",
    "pathlib.Path",
    "pathlib.PurePath",
    "pathlib.PosixPath",
    "pathlib.WindowsPath",
];

/// File operations and responses, with the positions (and keywords) of their path arguments.
const SINKS: &[(&str, &[(usize, &str)])] = &[
    ("builtins.open", &[(0, "file")]),
    ("io.open", &[(0, "file")]),
    ("os.open", &[(0, "path")]),
    ("os.remove", &[(0, "path")]),
    ("os.unlink", &[(0, "path")]),
    ("os.rmdir", &[(0, "path")]),
    ("os.listdir", &[(0, "path")]),
    ("os.rename", &[(0, "src"), (1, "dst")]),
    ("os.replace", &[(0, "src"), (1, "dst")]),
    ("shutil.copy", &[(0, "src"), (1, "dst")]),
    ("shutil.copy2", &[(0, "src"), (1, "dst")]),
    ("shutil.copyfile", &[(0, "src"), (1, "dst")]),
    ("shutil.move", &[(0, "src"), (1, "dst")]),
    ("shutil.rmtree", &[(0, "path")]),
    ("aiofiles.open", &[(0, "file")]),
    ("flask.send_file", &[(0, "path_or_file")]),
    ("flask.helpers.send_file", &[(0, "path_or_file")]),
    ("werkzeug.utils.send_file", &[(0, "path_or_file")]),
    ("flask.send_from_directory", &[(0, "directory")]),
    ("flask.helpers.send_from_directory", &[(0, "directory")]),
    ("starlette.responses.FileResponse", &[(0, "path")]),
    ("fastapi.responses.FileResponse", &[(0, "path")]),
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let (what, arguments): (String, Vec<&ast::Expr>) = match call.name {
        Some(name) if JOINS.contains(&name) => (
            format!("`{name}`"),
            call.node.arguments.args.iter().collect(),
        ),
        Some(name) => {
            let Some((_, positions)) = SINKS.iter().find(|(n, _)| *n == name) else {
                return;
            };
            let arguments = positions
                .iter()
                .filter_map(|(position, keyword)| call.argument(keyword, *position))
                .collect();
            (
                format!("`{}`", name.strip_prefix("builtins.").unwrap_or(name)),
                arguments,
            )
        }
        None if call.method() == Some("joinpath") => (
            "`.joinpath()`".to_string(),
            call.node.arguments.args.iter().collect(),
        ),
        None => return,
    };
    // A join inside the argument reports itself.
    let stop = |ctx: &Context<'_>, inner: &ast::ExprCall| is_join(ctx, inner);
    let Some(input) = arguments
        .iter()
        .find_map(|argument| find_request_input(ctx, argument, &stop))
    else {
        return;
    };
    ctx.report(
        call.node.range(),
        format!(
            "{what} gets a path from {}, which can hold `../` or an absolute path; use `cuirass.validation.safe_join` or `secure_filename`",
            source_text(&input.source)
        ),
    );
}

fn source_text(source: &str) -> String {
    if source.starts_with("route parameter") {
        source.to_string()
    } else {
        format!("`{source}`")
    }
}

fn is_join(ctx: &Context<'_>, call: &ast::ExprCall) -> bool {
    let name = ctx.qualified_name(&call.func);
    name.as_deref().is_some_and(|n| JOINS.contains(&n))
        || matches!(call.func.as_ref(), ast::Expr::Attribute(attr) if attr.attr.as_str() == "joinpath")
}
