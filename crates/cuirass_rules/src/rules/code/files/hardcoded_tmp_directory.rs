use cuirass_python::Ranged;
use cuirass_python::ast::{Expr, Stmt};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{any_identifier_word_in, leading_literal, str_value, terminal_name};

declare_rule! {
    /// ## What it does
    /// Checks for fixed paths inside the shared temporary directories (`/tmp/…`,
    /// `/var/tmp/…`, `/dev/shm/…`, also as the literal head of an f-string) used as a path:
    /// - passed to a function that opens, creates, moves or links files (`open`,
    ///   `os.makedirs`, `shutil.copy`, `pathlib.Path`, `sqlite3.connect`, logging file
    ///   handlers, …), or joined under the bare directory (`os.path.join("/tmp", "app.lock")`);
    /// - passed as a keyword argument, assigned to a variable or attribute, or stored under a
    ///   dictionary key whose name says it is a path (`filename=`, `LOG_FILE`, `pid_path`,
    ///   `"cache_dir"`, …).
    ///
    /// ## Why is this bad?
    /// Every user of the machine can create files in these directories. A name chosen in
    /// advance can be taken first: another user creates `/tmp/app.lock` as a symbolic link to
    /// a file of yours (which your program then overwrites or truncates), or creates the
    /// directory `/tmp/app` and so owns everything your program writes in it.
    ///
    /// Bandit (B108) reports every string that starts with one of these directories,
    /// including help texts, log messages and the bare directory. Here only path uses are
    /// reported; the bare directory (`tempfile.mkstemp(dir="/tmp")` picks an unpredictable
    /// name inside it), names completed by a call (`f"/tmp/job-{uuid4()}"`, which may be
    /// unpredictable) and test files are not.
    ///
    /// ## Example
    /// ```python
    /// import json
    ///
    /// STATE_FILE = "/tmp/sync-state.json"
    ///
    /// def save(state):
    ///     with open(STATE_FILE, "w") as fh:
    ///         json.dump(state, fh)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import json
    /// import os
    /// from pathlib import Path
    ///
    /// STATE_FILE = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local/state")) / "sync.json"
    ///
    /// def save(state):
    ///     STATE_FILE.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    ///     STATE_FILE.write_text(json.dumps(state))
    /// ```
    ///
    /// ## Fix
    /// For scratch files, let `tempfile` choose an unpredictable name and create it
    /// atomically (`tempfile.NamedTemporaryFile`, `mkstemp`, `TemporaryDirectory`); for state
    /// that must persist, use a directory only this user can write (`$XDG_RUNTIME_DIR`,
    /// `$XDG_STATE_HOME`, the application's data directory).
    ///
    /// ## References
    /// - [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
    /// - [Python docs: `tempfile`](https://docs.python.org/3/library/tempfile.html)
    pub(super) RULE = {
        name: "hardcoded-tmp-directory",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Low,
        impact: Medium,
        cwe: [377],
        owasp: A01BrokenAccessControl,
        aliases: [Bandit("B108"), Ruff("S108")],
        tags: ["tempfile", "race"],
        interest: [Call, Assign, Dict],
        check: check,
    }
}

/// The directories every user may write to.
const SHARED_DIRS: &[&str] = &["/tmp", "/var/tmp", "/dev/shm"];

/// Functions whose positional arguments are paths.
const FILE_APIS: &[&str] = &[
    "builtins.open",
    "io.open",
    "codecs.open",
    "os.open",
    "os.mkdir",
    "os.makedirs",
    "os.mkfifo",
    "os.mknod",
    "os.symlink",
    "os.link",
    "os.rename",
    "os.renames",
    "os.replace",
    "os.chmod",
    "os.chown",
    "os.chdir",
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.copytree",
    "shutil.move",
    "shutil.make_archive",
    "shutil.unpack_archive",
    "pathlib.Path",
    "pathlib.PosixPath",
    "pathlib.PurePath",
    "pathlib.PurePosixPath",
    "tarfile.open",
    "zipfile.ZipFile",
    "sqlite3.connect",
    "shelve.open",
    "dbm.open",
    "logging.FileHandler",
    "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler",
    "numpy.save",
    "numpy.savez",
    "numpy.savetxt",
];

/// Functions that join path components: the bare directory as the first of several is a
/// fixed path inside it.
const JOINS: &[&str] = &[
    "os.path.join",
    "posixpath.join",
    "pathlib.Path",
    "pathlib.PosixPath",
    "pathlib.PurePath",
    "pathlib.PurePosixPath",
];

/// Words that make a name a path's name.
const PATH_WORDS: &[&str] = &[
    "path",
    "paths",
    "file",
    "files",
    "filename",
    "fname",
    "dir",
    "dirs",
    "directory",
    "folder",
    "log",
    "logfile",
    "pid",
    "pidfile",
    "socket",
    "sock",
    "db",
    "database",
    "cache",
    "tmp",
    "tmpdir",
    "temp",
    "location",
    "dest",
    "destination",
    "output",
    "workdir",
    "spool",
    "lock",
    "lockfile",
    "storage",
    "upload",
    "uploads",
    "download",
    "downloads",
    "root",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    if ctx.is_test_file() {
        return;
    }
    match node {
        Node::Call(call) => {
            let name = call.name;
            if name.is_some_and(|name| FILE_APIS.contains(&name)) {
                for argument in &call.node.arguments.args {
                    report_if_tmp(ctx, argument);
                }
            }
            if name.is_some_and(|name| JOINS.contains(&name))
                && call.node.arguments.args.len() >= 2
                && let Some(first) = call.arg(0)
                && str_value(first)
                    .is_some_and(|dir| SHARED_DIRS.contains(&dir.trim_end_matches('/')))
            {
                ctx.report(
                    call.node.range(),
                    message(&format!(
                        "{}/…",
                        str_value(first).unwrap_or_default().trim_end_matches('/')
                    )),
                );
                return;
            }
            for keyword in &call.node.arguments.keywords {
                let is_path_name = keyword
                    .arg
                    .as_ref()
                    .is_some_and(|arg| is_path_name(arg.as_str()));
                let file_api = name.is_some_and(|name| FILE_APIS.contains(&name));
                if is_path_name || file_api {
                    report_if_tmp(ctx, &keyword.value);
                }
            }
        }
        Node::Stmt(Stmt::Assign(assign))
            if assign
                .targets
                .iter()
                .any(|target| terminal_name(target).is_some_and(is_path_name)) =>
        {
            report_if_tmp(ctx, &assign.value);
        }
        Node::Stmt(Stmt::AnnAssign(assign)) => {
            if let Some(value) = &assign.value
                && terminal_name(&assign.target).is_some_and(is_path_name)
            {
                report_if_tmp(ctx, value);
            }
        }
        Node::Expr(Expr::Dict(dict)) => {
            for item in &dict.items {
                if item
                    .key
                    .as_ref()
                    .and_then(str_value)
                    .is_some_and(|key| is_path_name(&key))
                {
                    report_if_tmp(ctx, &item.value);
                }
            }
        }
        _ => {}
    }
}

fn is_path_name(name: &str) -> bool {
    any_identifier_word_in(name, PATH_WORDS)
}

fn report_if_tmp(ctx: &mut Context<'_>, value: &Expr) {
    if let Some(path) = tmp_path(value) {
        ctx.report(value.range(), message(&path));
    }
}

/// A path inside a shared directory that `value` starts with, literally (`/tmp/app.lock`,
/// `f"/tmp/app-{user}.log"`); not the bare directory, nor `f"/tmp/{name}"`.
fn tmp_path(value: &Expr) -> Option<String> {
    if !matches!(
        value,
        Expr::StringLiteral(_) | Expr::FString(_) | Expr::BinOp(_) | Expr::Call(_)
    ) {
        return None;
    }
    if has_call_part(value) {
        // `f"/tmp/app-{uuid4()}"`: the name may well be unpredictable.
        return None;
    }
    let literal = leading_literal(value)?;
    // `leading_literal` writes each interpolation as ` ? `.
    let head = literal.split(" ? ").next().unwrap_or("");
    let inside = SHARED_DIRS.iter().any(|dir| {
        head.strip_prefix(dir)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.is_empty())
    });
    inside.then(|| {
        if head.len() == literal.len() && matches!(value, Expr::StringLiteral(_)) {
            head.to_string()
        } else {
            format!("{head}…")
        }
    })
}

/// Whether a string built from parts has a part computed by a call (or is too deeply built
/// to tell).
fn has_call_part(value: &Expr) -> bool {
    has_call_part_within(value, 0)
}

fn has_call_part_within(value: &Expr, depth: u8) -> bool {
    if depth > 32 {
        return true;
    }
    match value {
        Expr::FString(fstring) => fstring
            .value
            .elements()
            .filter_map(|element| element.as_interpolation())
            .any(|element| element.expression.is_call_expr()),
        Expr::BinOp(binop) => {
            binop.left.is_call_expr()
                || binop.right.is_call_expr()
                || has_call_part_within(&binop.left, depth + 1)
                || has_call_part_within(&binop.right, depth + 1)
        }
        _ => false,
    }
}

fn message(path: &str) -> String {
    format!(
        "`{path}` is a fixed name in a directory every user can write: another user can create it first or plant a symbolic link there; use `tempfile` or a per-user directory"
    )
}
