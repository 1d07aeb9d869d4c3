//! Exit codes, in one place.

/// How a run ended. Errors beat findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing reported at or above `--fail-on`.
    Success,
    /// Findings at or above `--fail-on`.
    Failure,
    /// A usage or configuration error: nothing was scanned.
    Error,
}

impl ExitStatus {
    pub const fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}
