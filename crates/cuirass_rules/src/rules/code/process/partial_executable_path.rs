use cuirass_python::Ranged;

use super::helpers::{Origin, command_program, program_origin};
use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{is_constant, is_truthy_literal};

declare_rule! {
    /// ## What it does
    /// Checks for processes started by a literal program name that is not a path
    /// (`["git", "status"]`, `os.system("ls -l")`), so that the operating system looks it up
    /// in the directories of `PATH`.
    ///
    /// Off by default: a hint for programs that run with more privileges than the user who
    /// sets their environment (setuid helpers, services started from a user's shell, build
    /// steps in a shared workspace).
    ///
    /// ## Why is this bad?
    /// Whoever controls `PATH`, or can write to one of its directories that comes first,
    /// decides which `git` runs. For most programs that person is already the user who runs
    /// them, which is why this rule is off by default.
    ///
    /// Only calls that really search `PATH` are reported: `subprocess` functions,
    /// `asyncio.create_subprocess_*`, the shell functions (`os.system`, `os.popen`) and the
    /// `p` variants of `os.exec*`/`os.spawn*`. `os.execv("tool", …)` is not a `PATH` lookup
    /// (Bandit reports it anyway). Shell built-ins such as `cd` and `echo` are not programs
    /// and are not reported; a program given by `executable=` counts instead of the first
    /// element of the argument list.
    ///
    /// ## Example
    /// ```python
    /// import subprocess
    ///
    /// subprocess.run(["git", "fetch", "--all"], check=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import shutil
    /// import subprocess
    ///
    /// GIT = shutil.which("git", path="/usr/bin:/bin")
    /// subprocess.run([GIT, "fetch", "--all"], check=True)
    /// ```
    ///
    /// ## Fix
    /// Resolve the program once, from a `PATH` you choose, with `shutil.which(name, path=…)`,
    /// or write its absolute path; or pass a clean `env=` to the child process.
    ///
    /// ## References
    /// - [CWE-426: Untrusted Search Path](https://cwe.mitre.org/data/definitions/426.html)
    /// - [Python docs: `shutil.which`](https://docs.python.org/3/library/shutil.html#shutil.which)
    pub(super) RULE = {
        name: "partial-executable-path",
        audit: Code,
        kind: Pattern,
        severity: Low,
        confidence: High,
        likelihood: Low,
        impact: Medium,
        cwe: [426],
        owasp: A08IntegrityFailures,
        aliases: [Bandit("B607"), Ruff("S607")],
        tags: ["subprocess", "path"],
        default_enabled: false,
        interest: [Call],
        check: check,
    }
}

/// Functions whose command may be a list or a command line (a shell one with `shell=True`).
const SUBPROCESS: &[&str] = &[
    "subprocess.Popen",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.run",
];

/// Functions that always hand a command line to the shell.
const SHELL: &[&str] = &[
    "os.system",
    "os.popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "asyncio.create_subprocess_shell",
];

/// `os` functions that search `PATH` for their program (the first argument, or the second
/// after a mode).
const PATH_SEARCH_FIRST: &[&str] = &[
    "os.execlp",
    "os.execlpe",
    "os.execvp",
    "os.execvpe",
    "os.posix_spawnp",
    "asyncio.create_subprocess_exec",
];
const PATH_SEARCH_SECOND: &[&str] = &["os.spawnlp", "os.spawnlpe", "os.spawnvp", "os.spawnvpe"];

/// Words a shell runs itself: not looked up in `PATH`.
const SHELL_BUILTINS: &[&str] = &[
    ".", ":", "[", "alias", "break", "case", "cd", "command", "continue", "echo", "eval", "exec",
    "exit", "export", "false", "for", "if", "kill", "printf", "pwd", "read", "return", "set",
    "shift", "source", "test", "trap", "true", "type", "ulimit", "umask", "unset", "wait", "while",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    let (origin, shell) = if SUBPROCESS.contains(&name) {
        let shell = call
            .keyword("shell")
            .is_some_and(|value| is_truthy_literal(value) || !is_constant(value));
        match (call.keyword("executable"), call.argument("args", 0)) {
            (Some(executable), _) => (program_origin(ctx, executable), false),
            (None, Some(command)) => (command_program(ctx, command), shell),
            (None, None) => return,
        }
    } else if SHELL.contains(&name) {
        match call.argument("cmd", 0).or_else(|| call.keyword("command")) {
            Some(command) => (command_program(ctx, command), true),
            None => return,
        }
    } else if PATH_SEARCH_FIRST.contains(&name) {
        match call.argument("file", 0).or_else(|| call.keyword("path")) {
            Some(program) => (program_origin(ctx, program), false),
            None => return,
        }
    } else if PATH_SEARCH_SECOND.contains(&name) {
        match call.arg(1) {
            Some(program) => (program_origin(ctx, program), false),
            None => return,
        }
    } else {
        return;
    };
    let Origin::Literal(program) = origin else {
        return;
    };
    if is_path(&program) || (shell && SHELL_BUILTINS.contains(&program.as_str())) {
        return;
    }
    ctx.report(
        call.node.range(),
        format!(
            "`{name}` looks `{program}` up in `PATH`, so whoever controls `PATH` chooses the program; use its absolute path or `shutil.which(\"{program}\", path=…)`"
        ),
    );
}

/// A program given as a path, absolute or relative (`/usr/bin/git`, `./run.sh`, `C:\tools`),
/// which is not looked up in `PATH`.
fn is_path(program: &str) -> bool {
    let mut chars = program.chars();
    match (chars.next(), chars.next()) {
        (Some('/' | '\\' | '.'), _) => true,
        (Some(letter), Some(':')) => letter.is_ascii_alphabetic(),
        _ => program.contains('/'),
    }
}
