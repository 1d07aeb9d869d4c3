//! `cuirass._native`: the compiled half of the `cuirass` Python package, and the only crate of the
//! workspace that touches Python.
//!
//! It holds no logic of its own. [`run`] is the very same CLI as the `cuirass` binary
//! (`cuirass::run`), and everything else converts arguments, calls `cuirass_runtime`, and maps its
//! errors onto the exception classes of `cuirass.exceptions`. The public API, with its argument
//! handling and documentation, is the Python package in `python/cuirass/`; `_native.pyi` types
//! this module and is checked against it with `mypy.stubtest`.
//!
//! The GIL is released (`py.detach`) around the CLI, password hashing (tens of milliseconds by
//! design), HTML sanitising, and any other call whose input is large enough for the work to
//! outweigh the cost of releasing and re-taking it.
//!
//! Unsafe code: the crate denies it; the only `unsafe` is inside the expansions of PyO3's own
//! macros (`#[pymodule]`, `#[pyfunction]`, `#[pyclass]`, `import_exception!`), which is how PyO3
//! implements the CPython C API. No hand-written `unsafe` exists here.
#![deny(unsafe_code)]
// PyO3 hands extracted arguments over by value, and `map_err` hands errors over by value.
#![allow(clippy::needless_pass_by_value)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use cuirass_runtime::compare;
use cuirass_runtime::crypto::{self, CryptoError};
use cuirass_runtime::fernet::{Fernet, FernetError};
use cuirass_runtime::passwords::{self, Argon2Params, PasswordError, Scheme};
use cuirass_runtime::paths::{self, PathError};
use cuirass_runtime::random::RandomError;
use cuirass_runtime::redact as redaction;
use cuirass_runtime::sanitize::{self, SanitizeOptions};
use cuirass_runtime::signing::{Signer, SigningError};
use cuirass_runtime::strength::{self, StrengthPolicy};
use cuirass_runtime::validate::{self, FullMatch, ValidationError};
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::PyBytes;

mod mfa;
mod sessions;

/// The exception classes live in Python (`cuirass/exceptions.py`) so they can carry docstrings
/// and a hierarchy; the native code raises them by import.
mod exc {
    pyo3::import_exception!(cuirass.exceptions, ValidationError);
    pyo3::import_exception!(cuirass.exceptions, InvalidHash);
    pyo3::import_exception!(cuirass.exceptions, BadSignature);
    pyo3::import_exception!(cuirass.exceptions, SignatureExpired);
    pyo3::import_exception!(cuirass.exceptions, InvalidToken);
}

/// Inputs at least this large are processed with the GIL released.
const DETACH_THRESHOLD: usize = 16 * 1024;

/// Runs `work` with the GIL released when `len` is large, in place otherwise.
fn detach_if_large<T, F>(py: Python<'_>, len: usize, work: F) -> T
where
    F: Send + FnOnce() -> T,
    T: Send,
{
    if len >= DETACH_THRESHOLD {
        py.detach(work)
    } else {
        work()
    }
}

/// `str` (encoded as UTF-8) or `bytes`/`bytearray`.
#[derive(FromPyObject)]
enum Text {
    Str(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl Text {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Text::Str(text) => text.as_bytes(),
            Text::Bytes(bytes) => bytes,
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

fn random_error(error: &RandomError) -> PyErr {
    PyOSError::new_err(error.to_string())
}

// --- The command line -------------------------------------------------------------------------

/// Runs the `cuirass` command line with `argv` (program name first) and returns its exit code.
#[pyfunction]
fn run(py: Python<'_>, argv: Vec<OsString>) -> u8 {
    let status = py.detach(|| cuirass::run(argv));
    // Rust's stdout is only flushed at exit by a Rust `main`; here Python owns the process.
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    status.code()
}

// --- Passwords --------------------------------------------------------------------------------

fn password_error(error: PasswordError) -> PyErr {
    match error {
        PasswordError::UnknownFormat | PasswordError::Malformed { .. } => {
            exc::InvalidHash::new_err(error.to_string())
        }
        PasswordError::Random(error) => random_error(&error),
        PasswordError::Params { .. }
        | PasswordError::Argon2(_)
        | PasswordError::GenerateLength(_)
        | PasswordError::GenerateAlphabet => PyValueError::new_err(error.to_string()),
    }
}

fn peppered(password: &[u8], pepper: Option<&Text>) -> Vec<u8> {
    match pepper {
        Some(pepper) => passwords::apply_pepper(password, pepper.as_bytes()).to_vec(),
        None => password.to_vec(),
    }
}

/// Hashes a password with Argon2id; returns the PHC string.
#[pyfunction]
#[pyo3(signature = (password, memory_kib, iterations, parallelism, pepper=None))]
fn hash_password(
    py: Python<'_>,
    password: Text,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    pepper: Option<Text>,
) -> PyResult<String> {
    let params = Argon2Params {
        memory_kib,
        iterations,
        parallelism,
    };
    py.detach(|| passwords::hash(&peppered(password.as_bytes(), pepper.as_ref()), params))
        .map_err(password_error)
}

/// Verifies a password; returns `(matched, index of the pepper that matched)`. Argon2 hashes are
/// tried with each entry of `peppers` (`None` = no pepper); other schemes never had a pepper.
#[pyfunction]
fn verify_password(
    py: Python<'_>,
    stored: PyBackedStr,
    password: Text,
    peppers: Vec<Option<Text>>,
) -> PyResult<(bool, Option<usize>)> {
    py.detach(|| {
        let argon2 = matches!(
            passwords::identify(&stored),
            Some(Scheme::Argon2id | Scheme::Argon2i | Scheme::Argon2d)
        );
        if !argon2 || peppers.is_empty() {
            return passwords::verify(&stored, password.as_bytes()).map(|ok| (ok, None));
        }
        for (index, pepper) in peppers.iter().enumerate() {
            if passwords::verify(&stored, &peppered(password.as_bytes(), pepper.as_ref()))? {
                return Ok((true, Some(index)));
            }
        }
        Ok((false, None))
    })
    .map_err(password_error)
}

/// Whether a stored hash should be replaced after the next successful login.
#[pyfunction]
fn needs_rehash(
    stored: &str,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
) -> PyResult<bool> {
    passwords::needs_rehash(
        stored,
        Argon2Params {
            memory_kib,
            iterations,
            parallelism,
        },
    )
    .map_err(password_error)
}

/// The scheme of a stored hash, or `None` if unrecognised.
#[pyfunction]
fn identify_hash(stored: &str) -> Option<&'static str> {
    passwords::identify(stored).map(Scheme::name)
}

/// A random password from the OS CSPRNG.
#[pyfunction]
fn generate_password(length: usize, alphabet: &str) -> PyResult<String> {
    passwords::generate(length, alphabet).map_err(password_error)
}

/// Weaknesses of a password as `(code, message)` pairs; empty means acceptable.
#[pyfunction]
fn check_strength(
    password: &str,
    min_length: usize,
    max_length: usize,
    user_inputs: Vec<PyBackedStr>,
) -> Vec<(&'static str, String)> {
    let context: Vec<&str> = user_inputs.iter().map(|input| &**input).collect();
    strength::check(
        password,
        StrengthPolicy {
            min_length,
            max_length,
        },
        &context,
    )
    .into_iter()
    .map(|weakness| (weakness.code(), weakness.to_string()))
    .collect()
}

// --- Validation and sanitising ----------------------------------------------------------------

fn validation_error(error: ValidationError) -> PyErr {
    exc::ValidationError::new_err(error.0)
}

/// Sanitises HTML on an allow-list; `None` keeps the default for that part.
#[pyfunction]
#[pyo3(signature = (html, tags=None, attributes=None, url_schemes=None))]
fn sanitize_html(
    py: Python<'_>,
    html: PyBackedStr,
    tags: Option<Vec<String>>,
    attributes: Option<BTreeMap<String, Vec<String>>>,
    url_schemes: Option<Vec<String>>,
) -> PyResult<String> {
    if tags.is_none() && attributes.is_none() && url_schemes.is_none() {
        return Ok(py.detach(|| sanitize::sanitize_html(&html)));
    }
    let options = SanitizeOptions {
        tags,
        attributes: attributes.map(|map| map.into_iter().collect()),
        url_schemes,
    };
    py.detach(|| sanitize::sanitize_html_with(&html, &options))
        .map_err(|error| PyValueError::new_err(error.to_string()))
}

/// Escapes `& < > " '` for HTML.
#[pyfunction]
fn escape_html(py: Python<'_>, text: PyBackedStr) -> String {
    detach_if_large(py, text.len(), || sanitize::escape_html(&text))
}

/// Raises `ValidationError` unless `value` is a valid user name.
#[pyfunction]
fn validate_username(value: &str, min_length: usize, max_length: usize) -> PyResult<()> {
    validate::username(value, min_length, max_length).map_err(validation_error)
}

/// Returns the address with its domain lowercased, or raises `ValidationError`.
#[pyfunction]
fn validate_email(value: &str) -> PyResult<String> {
    validate::email(value).map_err(validation_error)
}

/// Raises `ValidationError` unless `value` is an absolute URL with an allowed scheme.
#[pyfunction]
fn validate_url(value: &str, allowed_schemes: Vec<String>, max_length: usize) -> PyResult<()> {
    let allowed: Vec<&str> = allowed_schemes.iter().map(String::as_str).collect();
    validate::url(value, &allowed, max_length).map_err(validation_error)
}

/// A full-match regular expression on a linear-time engine.
#[pyclass(module = "cuirass._native", name = "FullMatch", frozen)]
struct PyFullMatch(FullMatch);

#[pymethods]
impl PyFullMatch {
    #[new]
    fn new(pattern: &str) -> PyResult<Self> {
        FullMatch::new(pattern)
            .map(Self)
            .map_err(|error| PyValueError::new_err(error.to_string()))
    }

    /// The pattern as given.
    #[getter]
    fn pattern(&self) -> &str {
        self.0.pattern()
    }

    /// Whether the whole of `value` matches.
    fn is_match(&self, py: Python<'_>, value: PyBackedStr) -> bool {
        detach_if_large(py, value.len(), || self.0.is_match(&value))
    }

    fn __repr__(&self) -> String {
        format!("FullMatch({:?})", self.0.pattern())
    }
}

fn path_error(error: PathError) -> PyErr {
    match error {
        PathError::Base { ref source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(error.to_string())
        }
        PathError::Base { .. } | PathError::Io { .. } => PyOSError::new_err(error.to_string()),
        PathError::Nul(_)
        | PathError::Absolute(_)
        | PathError::ParentDir(_)
        | PathError::Backslash(_)
        | PathError::Escapes { .. }
        | PathError::DanglingLink(_) => exc::ValidationError::new_err(error.to_string()),
    }
}

/// Joins `parts` under `base` without leaving it; returns the resolved path.
#[pyfunction]
fn safe_join(base: PathBuf, parts: Vec<PyBackedStr>) -> PyResult<PathBuf> {
    let parts: Vec<&str> = parts.iter().map(|part| &**part).collect();
    paths::safe_join(&base, &parts).map_err(path_error)
}

/// A file name that is safe to create in a directory.
#[pyfunction]
fn safe_filename(name: &str, max_bytes: usize) -> PyResult<String> {
    validate::safe_filename(name, max_bytes).map_err(validation_error)
}

// --- Signing ----------------------------------------------------------------------------------

fn signing_error(error: SigningError) -> PyErr {
    match error {
        SigningError::NoKeys | SigningError::EmptyKey(_) => {
            PyValueError::new_err(error.to_string())
        }
        SigningError::Malformed(_) | SigningError::BadSignature => {
            exc::BadSignature::new_err(error.to_string())
        }
        SigningError::Expired { .. } => exc::SignatureExpired::new_err(error.to_string()),
    }
}

/// Signs and verifies tokens for one salt; the first key signs, every key verifies.
#[pyclass(module = "cuirass._native", name = "Signer", frozen)]
struct PySigner(Signer);

#[pymethods]
impl PySigner {
    #[new]
    fn new(keys: Vec<Text>, salt: Text) -> PyResult<Self> {
        let keys: Vec<&[u8]> = keys.iter().map(Text::as_bytes).collect();
        Signer::new(&keys, salt.as_bytes())
            .map(Self)
            .map_err(signing_error)
    }

    /// Signs `payload`, stamped `timestamp` (Unix seconds; now if `None`).
    #[pyo3(signature = (payload, timestamp=None))]
    fn sign(&self, py: Python<'_>, payload: PyBackedBytes, timestamp: Option<u64>) -> String {
        let timestamp = timestamp.unwrap_or_else(now);
        detach_if_large(py, payload.len(), || self.0.sign(&payload, timestamp))
    }

    /// Verifies `token`; returns `(payload, timestamp)`.
    #[pyo3(signature = (token, max_age=None, now=None))]
    fn unsign<'py>(
        &self,
        py: Python<'py>,
        token: Text,
        max_age: Option<f64>,
        now: Option<u64>,
    ) -> PyResult<(Bound<'py, PyBytes>, u64)> {
        let max_age = match max_age {
            None => None,
            Some(age) if age.is_nan() || age < 0.0 => {
                return Err(PyValueError::new_err(
                    "max_age must be a non-negative number of seconds",
                ));
            }
            // Ages are whole seconds, so `age > max_age` is `age > floor(max_age)`; the cast
            // saturates for huge values, which only ever means "not expired".
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "non-negative, floored, saturating"
            )]
            Some(age) => Some(age.floor() as u64),
        };
        let now = now.unwrap_or_else(self::now);
        let token_text = token.as_bytes();
        let token_str = std::str::from_utf8(token_text)
            .map_err(|_| exc::BadSignature::new_err("the token is malformed: not ASCII"))?;
        let (payload, stamp) = detach_if_large(py, token_str.len(), || {
            self.0.unsign(token_str, max_age, now)
        })
        .map_err(signing_error)?;
        Ok((PyBytes::new(py, &payload), stamp))
    }
}

/// Compares two strings or byte strings in constant time.
#[pyfunction]
fn constant_time_compare(a: Text, b: Text) -> bool {
    compare::constant_time_eq(a.as_bytes(), b.as_bytes())
}

// --- Encryption -------------------------------------------------------------------------------

fn crypto_error(error: CryptoError) -> PyErr {
    match error {
        CryptoError::Malformed(_) | CryptoError::UnknownKey(_) | CryptoError::NotAuthentic => {
            exc::InvalidToken::new_err(error.to_string())
        }
        CryptoError::Random(error) => random_error(&error),
        CryptoError::NoKeys
        | CryptoError::KeyLength(..)
        | CryptoError::KeyId(_)
        | CryptoError::DuplicateKeyId(_)
        | CryptoError::TooLong => PyValueError::new_err(error.to_string()),
    }
}

fn token_str(token: &Text) -> PyResult<&str> {
    std::str::from_utf8(token.as_bytes())
        .map_err(|_| exc::InvalidToken::new_err("the token is malformed: not ASCII"))
}

/// AES-256-GCM keys by id; the first encrypts, all decrypt.
#[pyclass(module = "cuirass._native", name = "Keyring", frozen)]
struct PyKeyring(crypto::Keyring);

#[pymethods]
impl PyKeyring {
    #[new]
    fn new(entries: Vec<(String, PyBackedBytes)>) -> PyResult<Self> {
        crypto::Keyring::new(entries)
            .map(Self)
            .map_err(crypto_error)
    }

    /// Key ids, newest first.
    #[getter]
    fn ids(&self) -> Vec<String> {
        self.0.ids().map(str::to_owned).collect()
    }

    /// The id of the key that encrypts.
    #[getter]
    fn primary_id(&self) -> &str {
        self.0.primary_id()
    }

    /// Encrypts under the newest key; returns the token.
    #[pyo3(signature = (plaintext, associated_data=None))]
    fn encrypt(
        &self,
        py: Python<'_>,
        plaintext: PyBackedBytes,
        associated_data: Option<PyBackedBytes>,
    ) -> PyResult<String> {
        let aad: &[u8] = associated_data.as_deref().unwrap_or_default();
        detach_if_large(py, plaintext.len(), || self.0.encrypt(&plaintext, aad))
            .map_err(crypto_error)
    }

    /// Decrypts and authenticates a token.
    #[pyo3(signature = (token, associated_data=None))]
    fn decrypt<'py>(
        &self,
        py: Python<'py>,
        token: Text,
        associated_data: Option<PyBackedBytes>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let aad: &[u8] = associated_data.as_deref().unwrap_or_default();
        let token = token_str(&token)?;
        let plaintext = detach_if_large(py, token.len(), || self.0.decrypt(token, aad))
            .map_err(crypto_error)?;
        Ok(PyBytes::new(py, &plaintext))
    }

    /// Re-encrypts a token under the newest key (unchanged if already under it).
    #[pyo3(signature = (token, associated_data=None))]
    fn rotate(
        &self,
        py: Python<'_>,
        token: Text,
        associated_data: Option<PyBackedBytes>,
    ) -> PyResult<String> {
        let aad: &[u8] = associated_data.as_deref().unwrap_or_default();
        let token = token_str(&token)?;
        detach_if_large(py, token.len(), || self.0.rotate(token, aad)).map_err(crypto_error)
    }

    fn __repr__(&self) -> String {
        format!("Keyring(ids={:?})", self.ids())
    }
}

/// The key id named by a token.
#[pyfunction]
fn key_id(token: Text) -> PyResult<String> {
    crypto::key_id(token_str(&token)?)
        .map(str::to_owned)
        .map_err(crypto_error)
}

/// 32 random bytes: an AES-256 key.
#[pyfunction]
fn generate_aes_key(py: Python<'_>) -> PyResult<Bound<'_, PyBytes>> {
    let key = crypto::generate_key().map_err(|error| random_error(&error))?;
    Ok(PyBytes::new(py, &key))
}

fn fernet_error(error: FernetError) -> PyErr {
    match error {
        FernetError::InvalidKey => PyValueError::new_err(error.to_string()),
        FernetError::InvalidToken => exc::InvalidToken::new_err(error.to_string()),
    }
}

/// Fernet tokens, interoperable with `cryptography.fernet.Fernet`.
///
/// `Fernet(key)` takes the key as URL-safe base64 text (`str` or `bytes`), as made by
/// `Fernet.generate_key()`. Tokens are `bytes`.
#[pyclass(module = "cuirass._native", name = "Fernet", frozen)]
struct PyFernet(Fernet);

#[pymethods]
impl PyFernet {
    #[new]
    fn new(key: Text) -> PyResult<Self> {
        Fernet::new(key.as_bytes()).map(Self).map_err(fernet_error)
    }

    /// A fresh random key (URL-safe base64 `bytes`).
    #[staticmethod]
    fn generate_key(py: Python<'_>) -> PyResult<Bound<'_, PyBytes>> {
        let key = Fernet::generate_key().map_err(|error| random_error(&error))?;
        Ok(PyBytes::new(py, key.as_bytes()))
    }

    /// Encrypts `data`, stamped now.
    fn encrypt<'py>(&self, py: Python<'py>, data: PyBackedBytes) -> PyResult<Bound<'py, PyBytes>> {
        self.encrypt_at_time(py, data, now())
    }

    /// Encrypts `data`, stamped `current_time` (Unix seconds).
    fn encrypt_at_time<'py>(
        &self,
        py: Python<'py>,
        data: PyBackedBytes,
        current_time: u64,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let token = detach_if_large(py, data.len(), || {
            self.0.encrypt_at_time(&data, current_time)
        })
        .map_err(|error| random_error(&error))?;
        Ok(PyBytes::new(py, token.as_bytes()))
    }

    /// Verifies and decrypts `token`; with `ttl`, refuses tokens older than `ttl` seconds.
    #[pyo3(signature = (token, ttl=None))]
    fn decrypt<'py>(
        &self,
        py: Python<'py>,
        token: Text,
        ttl: Option<u64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        self.decrypt_inner(py, &token, ttl, now())
    }

    /// `decrypt` as of `current_time` (Unix seconds).
    fn decrypt_at_time<'py>(
        &self,
        py: Python<'py>,
        token: Text,
        ttl: u64,
        current_time: u64,
    ) -> PyResult<Bound<'py, PyBytes>> {
        self.decrypt_inner(py, &token, Some(ttl), current_time)
    }

    /// The timestamp of an authentic token.
    fn extract_timestamp(&self, token: Text) -> PyResult<u64> {
        self.0
            .extract_timestamp(token.as_bytes())
            .map_err(fernet_error)
    }

    #[allow(
        clippy::unused_self,
        reason = "a method for Python; it must not show the key"
    )]
    fn __repr__(&self) -> &'static str {
        "Fernet(<key>)"
    }
}

impl PyFernet {
    fn decrypt_inner<'py>(
        &self,
        py: Python<'py>,
        token: &Text,
        ttl: Option<u64>,
        current_time: u64,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let token = token.as_bytes();
        let plaintext = detach_if_large(py, token.len(), || {
            self.0.decrypt_at_time(token, ttl, current_time)
        })
        .map_err(fernet_error)?;
        Ok(PyBytes::new(py, &plaintext))
    }
}

// --- Secrets ----------------------------------------------------------------------------------

/// `text` with recognised secrets masked.
#[pyfunction]
fn redact(py: Python<'_>, text: PyBackedStr) -> String {
    detach_if_large(py, text.len(), || redaction::redact(&text).into_owned())
}

/// Whether a key name suggests a secret value.
#[pyfunction]
fn is_secret_name(name: &str) -> bool {
    redaction::is_secret_name(name)
}

/// The module: `cuirass._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(hash_password, m)?)?;
    m.add_function(wrap_pyfunction!(verify_password, m)?)?;
    m.add_function(wrap_pyfunction!(needs_rehash, m)?)?;
    m.add_function(wrap_pyfunction!(identify_hash, m)?)?;
    m.add_function(wrap_pyfunction!(generate_password, m)?)?;
    m.add_function(wrap_pyfunction!(check_strength, m)?)?;
    m.add_function(wrap_pyfunction!(sanitize_html, m)?)?;
    m.add_function(wrap_pyfunction!(escape_html, m)?)?;
    m.add_function(wrap_pyfunction!(validate_username, m)?)?;
    m.add_function(wrap_pyfunction!(validate_email, m)?)?;
    m.add_function(wrap_pyfunction!(validate_url, m)?)?;
    m.add_function(wrap_pyfunction!(safe_join, m)?)?;
    m.add_function(wrap_pyfunction!(safe_filename, m)?)?;
    m.add_function(wrap_pyfunction!(constant_time_compare, m)?)?;
    m.add_function(wrap_pyfunction!(key_id, m)?)?;
    m.add_function(wrap_pyfunction!(generate_aes_key, m)?)?;
    m.add_function(wrap_pyfunction!(redact, m)?)?;
    m.add_function(wrap_pyfunction!(is_secret_name, m)?)?;
    m.add_class::<PyFullMatch>()?;
    m.add_class::<PySigner>()?;
    m.add_class::<PyKeyring>()?;
    m.add_class::<PyFernet>()?;
    mfa::register(m)?;
    sessions::register(m)?;
    Ok(())
}
