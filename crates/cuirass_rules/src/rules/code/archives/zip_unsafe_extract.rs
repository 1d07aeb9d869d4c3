use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::BindingKind;
use cuirass_python::{Ranged, with_stack};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::bound_value;

declare_rule! {
    /// ## What it does
    /// Checks for archives extracted by hand with the member's own name as the destination
    /// path ("Zip Slip"): a member name — `info.filename` for `info` in `zf.infolist()`,
    /// `name` in `zf.namelist()`, `member.name` in `tar.getmembers()`, `tar.getnames()` — used
    /// in `os.path.join(…)`, `pathlib.Path(…)` / `.joinpath(…)`, or directly in `open(…)`
    /// (also as part of an f-string, `+` or `/`).
    ///
    /// A function that checks member paths is trusted: one that compares resolved paths
    /// (`realpath`/`abspath`/`resolve()` with `startswith`, `os.path.commonpath`,
    /// `is_relative_to`), refuses `".."` or absolute names, or uses a `safe_join`. A name
    /// passed through `os.path.basename` or `secure_filename` is safe.
    ///
    /// `ZipFile.extract` / `extractall` and `shutil.unpack_archive` on a zip are *not*
    /// reported: CPython's `zipfile` removes `..` components, drive letters and leading
    /// slashes from member names before writing (and `shutil` skips such members), so they
    /// cannot escape the destination — Bandit's zip checks report them anyway. Tar extraction
    /// is `tarfile-unsafe-extract`'s.
    ///
    /// ## Why is this bad?
    /// The names inside an archive are chosen by whoever made it. A member called
    /// `../../home/app/.ssh/authorized_keys` or `/etc/cron.d/job`, joined to the destination,
    /// is written outside it: uploads become code execution.
    ///
    /// ## Example
    /// ```python
    /// import os
    /// import zipfile
    ///
    /// def unpack(upload, destination):
    ///     with zipfile.ZipFile(upload) as archive:
    ///         for info in archive.infolist():
    ///             target = os.path.join(destination, info.filename)
    ///             with archive.open(info) as source, open(target, "wb") as out:
    ///                 out.write(source.read())
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import zipfile
    ///
    /// def unpack(upload, destination):
    ///     with zipfile.ZipFile(upload) as archive:
    ///         archive.extractall(destination)
    /// ```
    ///
    /// ## Fix
    /// Let `ZipFile.extractall` (or `tarfile` with `filter="data"`) write the files, or
    /// resolve each destination with `cuirass.validation.safe_join(destination, name)`, which
    /// refuses paths that leave the directory.
    ///
    /// ## References
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    /// - [Snyk: Zip Slip vulnerability](https://security.snyk.io/research/zip-slip-vulnerability)
    /// - [Python docs: `ZipFile.extract` sanitises member names](https://docs.python.org/3/library/zipfile.html#zipfile.ZipFile.extract)
    pub(super) RULE = {
        name: "zip-unsafe-extract",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [22],
        owasp: A01BrokenAccessControl,
        aliases: [],
        tags: ["zipfile", "tarfile", "path-traversal"],
        interest: [Call],
        check: check,
    }
}

/// Functions joining path parts.
const JOINS: &[&str] = &[
    "os.path.join",
    "posixpath.join",
    "ntpath.join",
    "pathlib.Path",
    "pathlib.PurePath",
    "pathlib.PosixPath",
    "pathlib.WindowsPath",
];

/// Functions opening a path for writing.
const OPENS: &[&str] = &["builtins.open", "io.open", "os.open"];

/// Archive methods listing member names.
const NAME_LISTS: &[&str] = &["namelist", "getnames"];

/// Archive methods listing member objects.
const MEMBER_LISTS: &[&str] = &["infolist", "getmembers"];

/// Attributes of a member object holding its name.
const NAME_ATTRIBUTES: &[&str] = &["filename", "orig_filename", "name", "path"];

/// Text that shows a function checks where members land.
const MEMBER_CHECKS: &[&str] = &[
    "commonpath",
    "is_relative_to",
    "relative_to(",
    "safe_join",
    "\"..\"",
    "'..'",
    "isabs(",
    "is_absolute(",
];

/// Path resolution that, with a `startswith`, checks where a member lands.
const RESOLUTIONS: &[&str] = &["realpath", "abspath", "resolve(", "normpath"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let arguments: Vec<&Expr> = if let Some(name) = call.name {
        if JOINS.contains(&name) {
            call.node.arguments.args.iter().collect()
        } else if OPENS.contains(&name) {
            call.arg(0).into_iter().collect()
        } else {
            return;
        }
    } else if call.method() == Some("joinpath") {
        call.node.arguments.args.iter().collect()
    } else {
        return;
    };
    let Some(member) = arguments
        .iter()
        .find_map(|argument| member_name(ctx, argument, 0))
    else {
        return;
    };
    if checks_members(ctx) {
        return;
    }
    let what = callee(ctx, call);
    ctx.report(
        call.node.range(),
        format!("{what} builds a destination from the archive member name `{member}`, which can hold `../` or an absolute path; use `extractall` or `cuirass.validation.safe_join`"),
    );
}

fn callee(ctx: &Context<'_>, call: &Call<'_>) -> String {
    if let Some(name) = call.name {
        return format!("`{}`", name.strip_prefix("builtins.").unwrap_or(name));
    }
    let text = ctx.text(call.node.func.range());
    if text.len() <= 40 && !text.contains('\n') {
        format!("`{text}`")
    } else {
        "`.joinpath()`".to_string()
    }
}

/// The text of an archive member name inside a path expression, if there is one (not inside
/// calls: a nested join reports itself, and `basename(…)` makes it safe).
fn member_name(ctx: &Context<'_>, expr: &Expr, depth: u32) -> Option<String> {
    if depth > 8 {
        return None;
    }
    with_stack(|| match expr {
        Expr::Name(name) => {
            if is_member(ctx, name, NAME_LISTS) {
                return Some(name.id.to_string());
            }
            // `name = info.filename`, then the name.
            let value = bound_value(ctx.semantic, name)?;
            member_name(ctx, value, depth + 1)
        }
        Expr::Attribute(attr) if NAME_ATTRIBUTES.contains(&attr.attr.as_str()) => {
            match attr.value.as_ref() {
                Expr::Name(name) if is_member(ctx, name, MEMBER_LISTS) => {
                    Some(ctx.text(expr.range()).to_string())
                }
                _ => None,
            }
        }
        Expr::Subscript(sub) => match sub.value.as_ref() {
            Expr::Call(call) if listing_method(call).is_some_and(|m| NAME_LISTS.contains(&m)) => {
                Some(ctx.text(expr.range()).to_string())
            }
            _ => None,
        },
        Expr::FString(fstring) => fstring.value.elements().find_map(|element| {
            element
                .as_interpolation()
                .and_then(|field| member_name(ctx, &field.expression, depth + 1))
        }),
        Expr::BinOp(binop) => member_name(ctx, &binop.left, depth + 1)
            .or_else(|| member_name(ctx, &binop.right, depth + 1)),
        _ => None,
    })
}

/// Whether `name` is the loop variable of `for name in <archive>.<method>()` (also through
/// `enumerate`, `sorted`, `list` or `reversed`), for one of `methods`.
fn is_member(ctx: &Context<'_>, name: &ast::ExprName, methods: &[&str]) -> bool {
    let semantic = ctx.semantic;
    let Some(binding) = semantic.resolve_name(name).map(|id| semantic.binding(id)) else {
        return false;
    };
    if !matches!(binding.kind, BindingKind::LoopVar) {
        return false;
    }
    let Some(Stmt::For(for_stmt)) = binding.statement(semantic) else {
        return false;
    };
    let mut iter = for_stmt.iter.as_ref();
    while let Expr::Call(call) = iter {
        if let Some(method) = listing_method(call) {
            return methods.contains(&method);
        }
        let wrapper = matches!(call.func.as_ref(), Expr::Name(n)
            if matches!(n.id.as_str(), "enumerate" | "sorted" | "list" | "reversed" | "tuple"));
        match call.arguments.args.first() {
            Some(first) if wrapper => iter = first,
            _ => return false,
        }
    }
    false
}

/// `x.namelist()` → `namelist`, for the archive listing methods.
fn listing_method(call: &ast::ExprCall) -> Option<&str> {
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return None;
    };
    let method = attr.attr.as_str();
    (NAME_LISTS.contains(&method) || MEMBER_LISTS.contains(&method)).then_some(method)
}

/// Whether the enclosing function (or file, at top level) checks where members land.
fn checks_members(ctx: &Context<'_>) -> bool {
    let text = match ctx.function() {
        Some(function) => ctx.text(function.range()),
        None => ctx.source.text.as_str(),
    };
    MEMBER_CHECKS.iter().any(|check| text.contains(check))
        || (text.contains("startswith(") && RESOLUTIONS.iter().any(|r| text.contains(r)))
}
