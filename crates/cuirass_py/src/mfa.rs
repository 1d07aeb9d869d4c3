//! Bindings of `cuirass_runtime::totp` for `cuirass.mfa`: one-time passwords and base32 secrets.
//!
//! Argument handling (times as floats or datetimes, the replay store) lives in Python; these take
//! whole Unix seconds and plain parameters. Nothing here is slow enough to be worth releasing the
//! GIL: a code is one or a few HMACs.

use cuirass_runtime::totp::{self, Algorithm, TotpError, TotpParams};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

mod exc {
    pyo3::import_exception!(cuirass.exceptions, InvalidOTPSecret);
}

fn totp_error(error: TotpError) -> PyErr {
    match error {
        TotpError::InvalidSecret(_) | TotpError::EmptySecret | TotpError::SecretTooShort { .. } => {
            exc::InvalidOTPSecret::new_err(error.to_string())
        }
        TotpError::Digits(_) | TotpError::Algorithm(_) | TotpError::Period => {
            PyValueError::new_err(error.to_string())
        }
        TotpError::Random(_) => PyOSError::new_err(error.to_string()),
    }
}

fn params(digits: u32, algorithm: &str, period: u64) -> PyResult<TotpParams> {
    let params = TotpParams {
        digits,
        algorithm: Algorithm::parse(algorithm).map_err(totp_error)?,
        period,
    };
    params.validate().map_err(totp_error)?;
    Ok(params)
}

fn key(secret: &str) -> PyResult<Vec<u8>> {
    totp::decode_base32(secret).map_err(totp_error)
}

/// A new 160-bit secret from the OS CSPRNG, as base32.
#[pyfunction]
fn totp_generate_secret() -> PyResult<String> {
    totp::generate_secret().map_err(totp_error)
}

/// The canonical form of a base32 secret: uppercase, no spaces, no padding.
#[pyfunction]
fn totp_normalize_secret(secret: &str) -> PyResult<String> {
    Ok(totp::encode_base32(&key(secret)?))
}

/// The HOTP code for `counter`.
#[pyfunction]
fn hotp_code(secret: &str, counter: u64, digits: u32, algorithm: &str) -> PyResult<String> {
    let algorithm = Algorithm::parse(algorithm).map_err(totp_error)?;
    totp::hotp(&key(secret)?, counter, digits, algorithm).map_err(totp_error)
}

/// The TOTP code at Unix time `at`.
#[pyfunction]
fn totp_code(secret: &str, at: u64, digits: u32, algorithm: &str, period: u64) -> PyResult<String> {
    let params = params(digits, algorithm, period)?;
    totp::totp(&key(secret)?, at, params).map_err(totp_error)
}

/// The time step `code` matches within `window` steps of `at`, or `None`.
#[pyfunction]
#[allow(
    clippy::too_many_arguments,
    reason = "mirrors the keyword arguments of cuirass.mfa.verify"
)]
fn totp_verify(
    secret: &str,
    code: &str,
    at: u64,
    window: u32,
    digits: u32,
    algorithm: &str,
    period: u64,
    allow_short_secret: bool,
) -> PyResult<Option<u64>> {
    let params = params(digits, algorithm, period)?;
    totp::verify(&key(secret)?, code, at, window, params, allow_short_secret).map_err(totp_error)
}

/// Adds this module's functions to `cuirass._native`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(totp_generate_secret, m)?)?;
    m.add_function(wrap_pyfunction!(totp_normalize_secret, m)?)?;
    m.add_function(wrap_pyfunction!(hotp_code, m)?)?;
    m.add_function(wrap_pyfunction!(totp_code, m)?)?;
    m.add_function(wrap_pyfunction!(totp_verify, m)?)?;
    Ok(())
}
