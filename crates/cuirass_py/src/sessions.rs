//! Bindings of `cuirass_runtime::{store, sessions, monitor}` for `cuirass.sessions` and
//! `cuirass.monitor`.
//!
//! Argument handling (durations as seconds or timedeltas, JSON, datetimes, events and sinks)
//! lives in Python; these take milliseconds, JSON text and plain values. Time is passed in as
//! `now` (Unix milliseconds) when the Python side has an injected clock, and read from the system
//! clock here otherwise. Every store call releases the GIL: it may wait on a disk, a lock held by
//! another process, or the network.
//!
//! A session record crosses into Python as a tuple (see [`Record`]); the Python layer turns it
//! into a `Session` value object. Store failures raise `cuirass.exceptions.StoreUnavailable`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cuirass_runtime::monitor::{
    self, Anomaly, LockoutPolicy, LockoutScope, LoginMonitor, MonitorError,
};
use cuirass_runtime::sessions::{self, NewSession, SessionConfig, SessionError, SessionManager};
use cuirass_runtime::store::memory::MemoryStore;
use cuirass_runtime::store::redis::{RedisOptions, RedisStore};
use cuirass_runtime::store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
use cuirass_runtime::store::{Millis, SessionRecord, Store, StoreError, now_millis};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

mod exc {
    pyo3::import_exception!(cuirass.exceptions, StoreUnavailable);
}

/// `(user_id, created_at, last_seen_at, expires_at, absolute_expires_at, ip, user_agent, last_ip,
/// last_user_agent, data, handle)`, times in Unix milliseconds, data as JSON text.
type Record = (
    String,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

/// `(record, previous ip if it changed, previous user agent if it changed)`.
type Validated = (Record, Option<String>, Option<String>);

fn record(record: SessionRecord) -> Record {
    let handle = sessions::handle(&record.hash);
    (
        record.user_id,
        record.created_at,
        record.last_seen_at,
        record.expires_at,
        record.absolute_expires_at,
        record.ip,
        record.user_agent,
        record.last_ip,
        record.last_user_agent,
        record.data,
        handle,
    )
}

fn store_error(error: StoreError) -> PyErr {
    match error {
        StoreError::Config(_) => PyValueError::new_err(error.to_string()),
        StoreError::Unavailable { .. } | StoreError::Corrupt { .. } | StoreError::Schema { .. } => {
            exc::StoreUnavailable::new_err(error.to_string())
        }
    }
}

fn session_error(error: SessionError) -> PyErr {
    match error {
        SessionError::Store(error) => store_error(error),
        SessionError::Random(error) => PyOSError::new_err(error.to_string()),
        SessionError::Invalid(message) => PyValueError::new_err(message),
    }
}

fn monitor_error(error: MonitorError) -> PyErr {
    match error {
        MonitorError::Store(error) => store_error(error),
        MonitorError::Policy(_) | MonitorError::MissingIp => {
            PyValueError::new_err(error.to_string())
        }
    }
}

fn at(now: Option<Millis>) -> Millis {
    now.unwrap_or_else(now_millis)
}

fn seconds(value: f64, name: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        PyValueError::new_err(format!("{name} must be a non-negative number of seconds"))
    })
}

// --- Stores -----------------------------------------------------------------------------------

/// A session and login-monitor store: memory, SQLite or Redis.
#[pyclass(module = "cuirass._native", name = "SessionStore", frozen)]
struct PyStore {
    inner: Arc<dyn Store>,
}

#[pymethods]
impl PyStore {
    /// An in-process store.
    #[staticmethod]
    fn memory() -> Self {
        Self {
            inner: Arc::new(MemoryStore::new()),
        }
    }

    /// A store in the SQLite file at `path` (created with mode 0600 if missing).
    #[staticmethod]
    fn sqlite(
        py: Python<'_>,
        path: PathBuf,
        busy_timeout: f64,
        synchronous: &str,
    ) -> PyResult<Self> {
        let synchronous = match synchronous {
            "full" => Synchronous::Full,
            "normal" => Synchronous::Normal,
            other => {
                return Err(PyValueError::new_err(format!(
                    "synchronous must be 'full' or 'normal', not {other:?}"
                )));
            }
        };
        let options = SqliteOptions {
            busy_timeout: seconds(busy_timeout, "busy_timeout")?,
            synchronous,
        };
        let store = py
            .detach(|| SqliteStore::open(&path, options))
            .map_err(store_error)?;
        Ok(Self {
            inner: Arc::new(store),
        })
    }

    /// A store in the Redis database at `url` (connects on first use).
    #[staticmethod]
    fn redis(url: &str, prefix: String, timeout: f64) -> PyResult<Self> {
        let options = RedisOptions {
            prefix,
            timeout: seconds(timeout, "timeout")?,
        };
        let store = RedisStore::open(url, options).map_err(store_error)?;
        Ok(Self {
            inner: Arc::new(store),
        })
    }

    /// What the store is (never with credentials).
    #[getter]
    fn description(&self) -> String {
        self.inner.describe()
    }

    /// Records `key` for `ttl_ms` milliseconds; `True` if it was not already held.
    #[pyo3(signature = (key, ttl_ms, now=None))]
    fn claim(&self, py: Python<'_>, key: &str, ttl_ms: i64, now: Option<Millis>) -> PyResult<bool> {
        if ttl_ms <= 0 {
            return Err(PyValueError::new_err("ttl must be positive"));
        }
        py.detach(|| self.inner.claim(key, at(now), ttl_ms))
            .map_err(store_error)
    }

    /// Deletes expired records; returns how many.
    #[pyo3(signature = (now=None))]
    fn purge_expired(&self, py: Python<'_>, now: Option<Millis>) -> PyResult<u64> {
        py.detach(|| self.inner.purge_expired(at(now)))
            .map_err(store_error)
    }

    fn __repr__(&self) -> String {
        format!("SessionStore({})", self.inner.describe())
    }
}

// --- Sessions ---------------------------------------------------------------------------------

/// Sessions in a store.
#[pyclass(module = "cuirass._native", name = "SessionManager", frozen)]
struct PySessionManager(SessionManager);

#[pymethods]
impl PySessionManager {
    #[new]
    #[pyo3(signature = (store, ttl_ms, idle_timeout_ms=None))]
    fn new(store: &PyStore, ttl_ms: i64, idle_timeout_ms: Option<i64>) -> PyResult<Self> {
        let config = SessionConfig {
            ttl: ttl_ms,
            idle_timeout: idle_timeout_ms,
        };
        SessionManager::new(store.inner.clone(), config)
            .map(Self)
            .map_err(session_error)
    }

    /// Starts a session; returns `(id, record)`.
    #[pyo3(signature = (user_id, data, ttl_ms=None, ip=None, user_agent=None, now=None))]
    #[allow(
        clippy::too_many_arguments,
        reason = "mirrors the Python keyword arguments"
    )]
    fn create(
        &self,
        py: Python<'_>,
        user_id: &str,
        data: &str,
        ttl_ms: Option<i64>,
        ip: Option<&str>,
        user_agent: Option<&str>,
        now: Option<Millis>,
    ) -> PyResult<(String, Record)> {
        let new = NewSession {
            user_id,
            ttl: ttl_ms,
            data,
            ip,
            user_agent,
        };
        py.detach(|| self.0.create(&new, at(now)))
            .map(|(id, stored)| (id, record(stored)))
            .map_err(session_error)
    }

    /// The record for `session_id`, untouched; `None` if not valid.
    #[pyo3(signature = (session_id, now=None))]
    fn get(
        &self,
        py: Python<'_>,
        session_id: &str,
        now: Option<Millis>,
    ) -> PyResult<Option<Record>> {
        py.detach(|| self.0.get(session_id, at(now)))
            .map(|found| found.map(record))
            .map_err(session_error)
    }

    /// `(record, previous ip if it changed, previous user agent if it changed)`, or `None`.
    #[pyo3(signature = (session_id, ip=None, user_agent=None, now=None))]
    fn validate(
        &self,
        py: Python<'_>,
        session_id: &str,
        ip: Option<&str>,
        user_agent: Option<&str>,
        now: Option<Millis>,
    ) -> PyResult<Option<Validated>> {
        py.detach(|| self.0.validate(session_id, at(now), ip, user_agent))
            .map(|found| {
                found.map(|valid| {
                    (
                        record(valid.record),
                        valid.ip_changed,
                        valid.user_agent_changed,
                    )
                })
            })
            .map_err(session_error)
    }

    /// Replaces the data (JSON text); the new record, or `None` if not valid.
    #[pyo3(signature = (session_id, data, now=None))]
    fn update_data(
        &self,
        py: Python<'_>,
        session_id: &str,
        data: &str,
        now: Option<Millis>,
    ) -> PyResult<Option<Record>> {
        py.detach(|| self.0.update_data(session_id, data, at(now)))
            .map(|found| found.map(record))
            .map_err(session_error)
    }

    /// `(new id, record)`, or `None` if `session_id` is not valid.
    #[pyo3(signature = (session_id, now=None))]
    fn rotate(
        &self,
        py: Python<'_>,
        session_id: &str,
        now: Option<Millis>,
    ) -> PyResult<Option<(String, Record)>> {
        py.detach(|| self.0.rotate(session_id, at(now)))
            .map(|found| found.map(|(id, stored)| (id, record(stored))))
            .map_err(session_error)
    }

    /// Ends a session; whether it existed.
    fn revoke(&self, py: Python<'_>, session_id: &str) -> PyResult<bool> {
        py.detach(|| self.0.revoke(session_id))
            .map_err(session_error)
    }

    /// Ends every session of `user_id` but `except_id`; how many.
    #[pyo3(signature = (user_id, except_id=None))]
    fn revoke_user(&self, py: Python<'_>, user_id: &str, except_id: Option<&str>) -> PyResult<u64> {
        py.detach(|| self.0.revoke_user(user_id, except_id))
            .map_err(session_error)
    }

    /// Ends the session of `user_id` with this handle; whether one ended.
    #[pyo3(signature = (user_id, handle, now=None))]
    fn revoke_handle(
        &self,
        py: Python<'_>,
        user_id: &str,
        handle: &str,
        now: Option<Millis>,
    ) -> PyResult<bool> {
        py.detach(|| self.0.revoke_handle(user_id, handle, at(now)))
            .map_err(session_error)
    }

    /// The valid sessions of `user_id`, oldest first.
    #[pyo3(signature = (user_id, now=None))]
    fn list_user_sessions(
        &self,
        py: Python<'_>,
        user_id: &str,
        now: Option<Millis>,
    ) -> PyResult<Vec<Record>> {
        py.detach(|| self.0.user_sessions(user_id, at(now)))
            .map(|found| found.into_iter().map(record).collect())
            .map_err(session_error)
    }
}

// --- Login monitor ----------------------------------------------------------------------------

/// `(locked, retry_after_ms, failures)`.
type StatusTuple = (bool, i64, u32);

/// Login attempts in a store, under a lockout policy.
#[pyclass(module = "cuirass._native", name = "LoginMonitor", frozen)]
struct PyLoginMonitor(LoginMonitor);

#[pymethods]
impl PyLoginMonitor {
    #[new]
    #[allow(clippy::too_many_arguments, reason = "one argument per policy field")]
    fn new(
        store: &PyStore,
        max_failures: u32,
        base_delay_ms: i64,
        max_delay_ms: i64,
        window_ms: i64,
        by: &str,
        stuffing_accounts: u32,
        stuffing_window_ms: i64,
    ) -> PyResult<Self> {
        let by = LockoutScope::parse(by).ok_or_else(|| {
            PyValueError::new_err(format!(
                "by must be 'account', 'ip', 'account_and_ip' or 'account_or_ip', not {by:?}"
            ))
        })?;
        let policy = LockoutPolicy {
            max_failures,
            base_delay: base_delay_ms,
            max_delay: max_delay_ms,
            window: window_ms,
            by,
            stuffing_accounts,
            stuffing_window: stuffing_window_ms,
        };
        LoginMonitor::new(store.inner.clone(), policy)
            .map(Self)
            .map_err(monitor_error)
    }

    /// `(locked, retry_after_ms, failures)` for an attempt now.
    #[pyo3(signature = (account, ip=None, now=None))]
    fn check(
        &self,
        py: Python<'_>,
        account: &str,
        ip: Option<&str>,
        now: Option<Millis>,
    ) -> PyResult<StatusTuple> {
        let status = py
            .detach(|| self.0.check(account, ip, at(now)))
            .map_err(monitor_error)?;
        Ok((status.locked, status.retry_after, status.failures))
    }

    /// `(status, lockout started, distinct accounts if credential stuffing was just detected)`.
    #[pyo3(signature = (account, ip=None, now=None))]
    fn record_failure(
        &self,
        py: Python<'_>,
        account: &str,
        ip: Option<&str>,
        now: Option<Millis>,
    ) -> PyResult<(StatusTuple, bool, Option<u64>)> {
        let outcome = py
            .detach(|| self.0.record_failure(account, ip, at(now)))
            .map_err(monitor_error)?;
        let status = outcome.status;
        Ok((
            (status.locked, status.retry_after, status.failures),
            outcome.lockout_started,
            outcome.stuffing,
        ))
    }

    /// Counts a success and resets the account's failures.
    #[pyo3(signature = (account, ip=None, now=None))]
    fn record_success(
        &self,
        py: Python<'_>,
        account: &str,
        ip: Option<&str>,
        now: Option<Millis>,
    ) -> PyResult<()> {
        py.detach(|| self.0.record_success(account, ip, at(now)))
            .map_err(monitor_error)
    }

    /// Forgets the counters of this account and address.
    #[pyo3(signature = (account, ip=None))]
    fn reset(&self, py: Python<'_>, account: &str, ip: Option<&str>) -> PyResult<()> {
        py.detach(|| self.0.reset(account, ip))
            .map_err(monitor_error)
    }
}

/// Counts an anomaly event (`new_ip`, `new_user_agent`, `credential_stuffing`).
#[pyfunction]
fn monitor_count_anomaly(kind: &str) -> PyResult<()> {
    let kind = Anomaly::parse(kind)
        .ok_or_else(|| PyValueError::new_err(format!("unknown anomaly kind {kind:?}")))?;
    monitor::metrics().anomaly(kind);
    Ok(())
}

/// This process's security counters in the Prometheus text format.
#[pyfunction]
fn monitor_metrics_text() -> String {
    monitor::metrics().render()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyStore>()?;
    m.add_class::<PySessionManager>()?;
    m.add_class::<PyLoginMonitor>()?;
    m.add_function(wrap_pyfunction!(monitor_count_anomaly, m)?)?;
    m.add_function(wrap_pyfunction!(monitor_metrics_text, m)?)?;
    Ok(())
}
