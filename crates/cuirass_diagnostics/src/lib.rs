//! The one model every audit reports in: rules and their metadata, findings, locations,
//! data-flow paths, fingerprints and file-level notices.
//!
//! This crate does no I/O and knows nothing of Python, so every other crate (the analysers, the
//! reports, the runtime library) can depend on it without pulling in a parser.
#![forbid(unsafe_code)]

mod cwe;
mod finding;
mod fingerprint;
mod meta;
mod notice;

pub use cwe::{CWE_TITLES, cwe_title};
pub use finding::{
    AdvisoryRef, CodeFrame, DataFlow, DependencyDetails, Finding, FindingDetails, FlowStep,
    Location, Position, Related, Span,
};
pub use fingerprint::{Fingerprint, fingerprint, normalize_for_fingerprint};
pub use meta::{
    Alias, Audit, Confidence, Impact, Likelihood, Owasp2021, ParseEnumError, RuleKind, RuleMeta,
    Severity, dedent_doc,
};
pub use notice::{Notice, NoticeKind};
