use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use super::helpers::{Origin, command_program, program_origin};
use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{is_constant, is_truthy_literal};

declare_rule! {
    /// ## What it does
    /// Checks for `subprocess` calls without a shell (`Popen`, `run`, `call`, `check_call`,
    /// `check_output`, and `asyncio.create_subprocess_exec`) whose *program* is chosen at run
    /// time: it comes from a parameter, `input()`, `sys.argv` or a request, or cannot be traced
    /// to anything the code fixed.
    ///
    /// Off by default: enable it to audit where a program is chosen outside the code.
    ///
    /// ## Why is this bad?
    /// Without a shell, an argument list cannot smuggle in a second command, but whoever
    /// chooses the first element chooses which program runs, with the privileges of this
    /// process. A wrapper like `run(cmd)` is only as safe as every caller's `cmd`.
    ///
    /// Bandit (B603) reports every `subprocess` call without `shell=True`, so nearly every
    /// process a program starts. This rule stays silent when the program is fixed by the code:
    /// a literal, a name assigned only literals, a value from a table of constants (`TOOLS[name]`),
    /// `sys.executable`, a configuration constant imported from a module, an environment
    /// variable (`$EDITOR` is meant to choose a program), or `shutil.which("tar")` and other
    /// calls whose arguments are all fixed. Arguments after a fixed program are not reported:
    /// without a shell they cannot start another program, and whether one of them can pose as
    /// an option depends on the program (validate them, and put `--` before positional
    /// arguments). A program from a parameter or an input is reported at medium confidence;
    /// one that cannot be traced (`self.binary`) at low confidence.
    ///
    /// ## Example
    /// ```python
    /// import subprocess
    ///
    /// def convert(tool, path):
    ///     subprocess.run([tool, path], check=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import shutil
    /// import subprocess
    ///
    /// CONVERTERS = {"png": "optipng", "jpeg": "jpegoptim"}
    ///
    /// def convert(kind, path):
    ///     tool = shutil.which(CONVERTERS[kind])
    ///     subprocess.run([tool, "--", path], check=True)
    /// ```
    ///
    /// ## Fix
    /// Choose the program from a fixed table (or an allow-list) inside the code, and resolve
    /// it to an absolute path once with `shutil.which`. Validate the remaining arguments with
    /// `cuirass.validation` and pass `--` before positional ones.
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [Python docs: security considerations for `subprocess`](https://docs.python.org/3/library/subprocess.html#security-considerations)
    pub(super) RULE = {
        name: "subprocess-dynamic-program",
        audit: Code,
        kind: Pattern,
        severity: Low,
        confidence: Medium,
        likelihood: Low,
        impact: High,
        cwe: [78],
        owasp: A03Injection,
        aliases: [Bandit("B603"), Ruff("S603")],
        tags: ["subprocess"],
        default_enabled: false,
        interest: [Call],
        check: check,
    }
}

/// `subprocess` functions whose first argument is the command.
const SUBPROCESS: &[&str] = &[
    "subprocess.Popen",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.run",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    let origin = if SUBPROCESS.contains(&name) {
        if call.keyword("shell").is_some_and(may_be_true) {
            // A shell command: `subprocess-shell-true` decides.
            return;
        }
        match call.keyword("executable") {
            Some(executable) => program_origin(ctx, executable),
            None => match call.argument("args", 0) {
                Some(command) => command_program(ctx, command),
                None => return,
            },
        }
    } else if name == "asyncio.create_subprocess_exec" {
        match call.arg(0) {
            Some(program) => program_origin(ctx, program),
            None => return,
        }
    } else {
        return;
    };
    report(ctx, call, name, &origin);
}

/// `shell=True`, `shell=1`, or a value that may be true (`shell=use_shell`).
fn may_be_true(shell: &Expr) -> bool {
    is_truthy_literal(shell) || !is_constant(shell)
}

fn report(ctx: &mut Context<'_>, call: &Call<'_>, name: &str, origin: &Origin) {
    let (confidence, why) = match origin {
        Origin::Dynamic => (Confidence::Medium, "comes from a parameter or an input"),
        Origin::Unknown => (Confidence::Low, "is not fixed by the code"),
        Origin::Literal(_) | Origin::Fixed => return,
    };
    if let Some(finding) = ctx.report(
        call.node.range(),
        format!(
            "`{name}` starts a program that {why}; choose it from a fixed table or an allow-list and resolve it with `shutil.which`"
        ),
    ) {
        finding.confidence = confidence;
    }
}
