use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, is_constant_value, is_truthy_literal, str_value};

declare_rule! {
    /// ## What it does
    /// Checks for shell commands that pass a `*` wildcard to `chown`, `chgrp`, `chmod`, `tar`
    /// or `rsync` (`os.system("chown app:app *")`, `tar czf backup.tgz *`), through a function
    /// that runs a shell: `os.system`, `os.popen`, `subprocess.*` with `shell=True`,
    /// `subprocess.getoutput` / `getstatusoutput`, `commands.*`, or
    /// `asyncio.create_subprocess_shell`. The command must be a constant (a literal or a name
    /// assigned one); a command built at run time is already reported by `os-system` or
    /// `subprocess-shell-true`. A quoted `'*'` and argument lists without a shell (where no
    /// expansion happens) are not reported.
    ///
    /// ## Why is this bad?
    /// The shell replaces `*` with the names of the files in the directory, and these
    /// programs read names starting with `-` as options. Whoever can create a file there
    /// picks the options: a file named `--reference=owned_by_me` makes `chown` copy its owner,
    /// `--checkpoint-action=exec=sh evil.sh` makes `tar` run a script, and `-e sh evil.sh`
    /// makes `rsync` run one.
    ///
    /// ## Example
    /// ```python
    /// import os
    ///
    /// def fix_permissions():
    ///     os.chdir("/srv/uploads")
    ///     os.system("chown www-data:www-data *")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import shutil
    /// from pathlib import Path
    ///
    /// def fix_permissions():
    ///     for path in Path("/srv/uploads").iterdir():
    ///         shutil.chown(path, "www-data", "www-data")
    /// ```
    ///
    /// ## Fix
    /// Do the work in Python (`shutil.chown`, `os.chmod`, `tarfile`, `shutil.make_archive`),
    /// or run the program with an argument list, no shell, and `--` before file names
    /// (`["chown", "app:app", "--", *names]`), or use `./*` so that no name starts with `-`.
    ///
    /// ## References
    /// - [CWE-155: Improper Neutralization of Wildcards or Matching Symbols](https://cwe.mitre.org/data/definitions/155.html)
    /// - [Back To The Future: Unix Wildcards Gone Wild](https://www.exploit-db.com/papers/33930)
    pub(super) RULE = {
        name: "wildcard-injection",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: Medium,
        likelihood: Low,
        impact: High,
        cwe: [155],
        owasp: A03Injection,
        aliases: [Bandit("B609"), Ruff("S609")],
        tags: ["shell", "wildcard"],
        interest: [Call],
        check: check,
    }
}

/// Functions that always run their command through a shell.
const SHELL_FUNCTIONS: &[&str] = &[
    "os.system",
    "os.popen",
    "os.popen2",
    "os.popen3",
    "os.popen4",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "commands.getoutput",
    "commands.getstatusoutput",
    "asyncio.create_subprocess_shell",
    "popen2.popen2",
    "popen2.popen3",
    "popen2.popen4",
];

/// Functions that run a shell with `shell=True`.
const POPEN_FAMILY: &[&str] = &[
    "subprocess.Popen",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.run",
];

/// Programs that read file names starting with `-` as options an attacker can use.
const PROGRAMS: &[&str] = &["chown", "chgrp", "chmod", "tar", "rsync"];

/// Words that run the next word as the program.
const PREFIXES: &[&str] = &["sudo", "nice", "nohup", "exec", "time", "env", "command"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    let shell = SHELL_FUNCTIONS.contains(&name)
        || (POPEN_FAMILY.contains(&name) && call.keyword("shell").is_some_and(is_truthy_literal));
    if !shell {
        return;
    }
    let Some(command) = call
        .keyword("args")
        .or_else(|| call.keyword("cmd"))
        .or_else(|| call.keyword("command"))
        .or_else(|| call.arg(0))
    else {
        return;
    };
    if !is_constant_value(ctx.semantic, command) {
        return;
    }
    let Some(text) = command_text(ctx, command) else {
        return;
    };
    let Some(program) = wildcard_program(&text) else {
        return;
    };
    ctx.report(
        call.node.range(),
        format!("`{program}` gets a `*` the shell expands to file names, and a file named like an option (`--reference=…`, `--checkpoint-action=…`) becomes one; do it in Python or pass `--` and `./*`"),
    );
}

fn command_text(ctx: &Context<'_>, command: &Expr) -> Option<String> {
    str_value(command).or_else(|| match command {
        Expr::Name(name) => bound_value(ctx.semantic, name).and_then(str_value),
        _ => None,
    })
}

/// The program of the first simple command that passes it an unquoted `*` argument (not
/// after `--`, and not as `./*`).
fn wildcard_program(text: &str) -> Option<&'static str> {
    'commands: for command in text.split([';', '&', '|', '\n']) {
        let mut words = command.split_whitespace();
        let program = loop {
            let Some(word) = words.next() else {
                continue 'commands;
            };
            if word.contains('=') && !word.starts_with('-') {
                continue;
            }
            let base = word.rsplit('/').next().unwrap_or(word);
            if PREFIXES.contains(&base) {
                continue;
            }
            break base;
        };
        let Some(program) = PROGRAMS.iter().find(|p| **p == program) else {
            continue;
        };
        for word in words {
            if word == "--" {
                break;
            }
            let quoted = word.starts_with('\'') || word.starts_with('"');
            if word.contains('*') && !quoted && !word.starts_with("./") && !word.starts_with('/') {
                return Some(program);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::wildcard_program;

    #[test]
    fn wildcards() {
        assert_eq!(wildcard_program("chown app:app *"), Some("chown"));
        assert_eq!(
            wildcard_program("cd /srv && tar czf b.tgz *.log"),
            Some("tar")
        );
        assert_eq!(wildcard_program("sudo /bin/chmod 644 *"), Some("chmod"));
        assert_eq!(wildcard_program("rsync -a * backup:"), Some("rsync"));
        assert_eq!(wildcard_program("chown app:app -- *"), None);
        assert_eq!(wildcard_program("chown app:app ./*"), None);
        assert_eq!(wildcard_program("chmod 644 '*'"), None);
        assert_eq!(wildcard_program("ls *"), None);
        assert_eq!(wildcard_program("echo chown *"), None);
        assert_eq!(wildcard_program("cd /srv && chmod 644 *"), Some("chmod"));
    }
}
