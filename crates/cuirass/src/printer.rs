//! All terminal output goes through here: data to stdout, messages to stderr, colour only on a
//! terminal and never with `NO_COLOR` or `--no-color`. A closed pipe (`cuirass … | head`) is not
//! an error.

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};

/// Where and how to print.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    pub(crate) color_stdout: bool,
    pub(crate) color_stderr: bool,
    pub(crate) quiet: bool,
}

impl Printer {
    pub(crate) fn new(no_color: bool, quiet: bool) -> Self {
        let allowed = !no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Self {
            color_stdout: allowed && io::stdout().is_terminal(),
            color_stderr: allowed && io::stderr().is_terminal(),
            quiet,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color_stderr {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// `error: …` with optional causes and a hint, on stderr.
    pub(crate) fn error(&self, message: impl Display, causes: &[String], hint: Option<&str>) {
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "{}: {message}", self.paint("1;31", "error"));
        for cause in causes {
            let _ = writeln!(err, "  {}: {cause}", self.paint("1", "Caused by"));
        }
        if let Some(hint) = hint {
            let _ = writeln!(err, "{}: {hint}", self.paint("1;36", "hint"));
        }
    }

    /// `warning: …` on stderr (silent with `--quiet`).
    pub(crate) fn warning(&self, message: impl Display) {
        if self.quiet {
            return;
        }
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "{}: {message}", self.paint("1;33", "warning"));
    }

    /// A plain message on stderr (silent with `--quiet`).
    pub(crate) fn info(&self, message: impl Display) {
        if self.quiet {
            return;
        }
        let _ = writeln!(io::stderr().lock(), "{message}");
    }

    /// Writes data to stdout; a broken pipe ends quietly.
    #[allow(clippy::unused_self)] // A method so every output goes through the printer.
    pub(crate) fn stdout(
        &self,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let stdout = io::stdout();
        let mut lock = io::BufWriter::new(stdout.lock());
        match write(&mut lock).and_then(|()| lock.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}
