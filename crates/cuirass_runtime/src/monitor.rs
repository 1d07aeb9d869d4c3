//! Login monitoring over any [`Store`]: failed attempts counted per account, per client address
//! or per pair, lockout with exponential back-off, credential-stuffing detection, and the process's
//! security counters in Prometheus text format.
//!
//! The policy is django-axes's, made gentler on legitimate users and harsher on scripts: after
//! `max_failures` failures within `window` the key is locked for `base_delay`; each further
//! failure doubles the lockout, up to `max_delay`. A success resets the account's counter. A
//! counter is forgotten when both its window and its lockout have passed (see
//! [`CounterPolicy`]). Counting is exact under concurrency because each failure is one atomic
//! store operation.
//!
//! Credential stuffing shows as one address failing on many accounts: every failure adds the
//! account (as a digest) to the address's set of the last `stuffing_window`, and the failure that
//! makes that set reach `stuffing_accounts` is reported once.
//!
//! The counters ([`metrics`]) are per process, like the default registry of Prometheus clients:
//! each worker process exposes its own, and Prometheus sums them across scrape targets.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::store::{Counter, CounterPolicy, Millis, Store, StoreError, hex};

/// What failures are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockoutScope {
    /// One counter per account: stops guessing one account's password from anywhere (and lets
    /// anyone lock an account for a while, which the back-off keeps short at first).
    Account,
    /// One counter per client address: stops one address guessing, whatever the account.
    Ip,
    /// One counter per (account, address) pair: locks the attacker's address out of that
    /// account only, so the owner can still log in from elsewhere.
    AccountAndIp,
    /// Both an account and an address counter; either one locks.
    AccountOrIp,
}

impl LockoutScope {
    /// The names used by the Python API.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "account" => Some(Self::Account),
            "ip" => Some(Self::Ip),
            "account_and_ip" => Some(Self::AccountAndIp),
            "account_or_ip" => Some(Self::AccountOrIp),
            _ => None,
        }
    }

    fn needs_ip(self) -> bool {
        !matches!(self, Self::Account)
    }
}

/// The lockout and detection policy. Durations are milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub base_delay: i64,
    pub max_delay: i64,
    pub window: i64,
    pub by: LockoutScope,
    /// Distinct accounts failing from one address that raise a credential-stuffing event.
    pub stuffing_accounts: u32,
    pub stuffing_window: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            base_delay: 60_000,
            max_delay: 3_600_000,
            window: 900_000,
            by: LockoutScope::Account,
            stuffing_accounts: 10,
            stuffing_window: 600_000,
        }
    }
}

/// The longest duration a policy accepts (a year): beyond it Lua's doubles lose precision and
/// nothing useful is gained.
const MAX_DURATION: i64 = 366 * 24 * 3600 * 1000;

impl LockoutPolicy {
    fn check(&self) -> Result<(), MonitorError> {
        let invalid = |message: &str| Err(MonitorError::Policy(message.to_owned()));
        if self.max_failures == 0 {
            return invalid("max_failures must be at least 1");
        }
        if self.stuffing_accounts < 2 {
            return invalid("stuffing_accounts must be at least 2");
        }
        for (name, value) in [
            ("base_delay", self.base_delay),
            ("max_delay", self.max_delay),
            ("window", self.window),
            ("stuffing_window", self.stuffing_window),
        ] {
            if value <= 0 || value > MAX_DURATION {
                return Err(MonitorError::Policy(format!(
                    "{name} must be more than 0 and at most a year"
                )));
            }
        }
        if self.max_delay < self.base_delay {
            return invalid("max_delay must be at least base_delay");
        }
        Ok(())
    }

    fn counter_policy(&self) -> CounterPolicy {
        CounterPolicy {
            window: self.window,
            threshold: self.max_failures,
            base_delay: self.base_delay,
            max_delay: self.max_delay,
        }
    }
}

/// Whether a login may be attempted now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Status {
    pub locked: bool,
    /// Milliseconds until the lockout ends (0 when not locked).
    pub retry_after: i64,
    /// Failures counted so far (the largest, when several counters apply).
    pub failures: u32,
}

/// What a recorded failure led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureOutcome {
    pub status: Status,
    /// This failure started (or, by doubling, extended) a lockout.
    pub lockout_started: bool,
    /// Set when this failure made the address reach the credential-stuffing threshold: the
    /// number of distinct accounts it failed on within the window.
    pub stuffing: Option<u64>,
}

/// Why a monitor operation failed.
#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("invalid lockout policy: {0}")]
    Policy(String),
    #[error("the lockout policy counts by client address, but no address was given")]
    MissingIp,
}

/// Anomaly kinds, as labelled in the metrics and events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anomaly {
    NewIp,
    NewUserAgent,
    CredentialStuffing,
}

impl Anomaly {
    pub const ALL: [Anomaly; 3] = [Self::NewIp, Self::NewUserAgent, Self::CredentialStuffing];

    pub fn name(self) -> &'static str {
        match self {
            Self::NewIp => "new_ip",
            Self::NewUserAgent => "new_user_agent",
            Self::CredentialStuffing => "credential_stuffing",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    fn index(self) -> usize {
        match self {
            Self::NewIp => 0,
            Self::NewUserAgent => 1,
            Self::CredentialStuffing => 2,
        }
    }
}

/// The process's security counters.
#[derive(Debug)]
pub struct Metrics {
    success: AtomicU64,
    failure: AtomicU64,
    locked: AtomicU64,
    lockouts: AtomicU64,
    anomalies: [AtomicU64; 3],
    store_errors: AtomicU64,
}

static METRICS: Metrics = Metrics {
    success: AtomicU64::new(0),
    failure: AtomicU64::new(0),
    locked: AtomicU64::new(0),
    lockouts: AtomicU64::new(0),
    anomalies: [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)],
    store_errors: AtomicU64::new(0),
};

/// The counters of this process.
pub fn metrics() -> &'static Metrics {
    &METRICS
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Metrics {
    /// Counts an anomaly event.
    pub fn anomaly(&self, kind: Anomaly) {
        if let Some(counter) = self.anomalies.get(kind.index()) {
            bump(counter);
        }
    }

    /// Counts a store failure (an operation that failed closed).
    pub fn store_error(&self) {
        bump(&self.store_errors);
    }

    /// The counters in the Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let mut out = String::with_capacity(1024);
        let mut family = |name: &str, help: &str, samples: &[(&str, u64)]| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        family(
            "cuirass_login_attempts_total",
            "Login attempts seen by cuirass.monitor, by result (locked: refused by a lockout).",
            &[
                ("{result=\"success\"}", get(&self.success)),
                ("{result=\"failure\"}", get(&self.failure)),
                ("{result=\"locked\"}", get(&self.locked)),
            ],
        );
        family(
            "cuirass_login_lockouts_total",
            "Failed logins that started or extended a lockout.",
            &[("", get(&self.lockouts))],
        );
        let anomalies: Vec<(String, u64)> = Anomaly::ALL
            .into_iter()
            .map(|kind| {
                let value = self.anomalies.get(kind.index()).map_or(0, get);
                (format!("{{kind=\"{}\"}}", kind.name()), value)
            })
            .collect();
        let anomalies: Vec<(&str, u64)> = anomalies
            .iter()
            .map(|(labels, value)| (labels.as_str(), *value))
            .collect();
        family(
            "cuirass_security_anomalies_total",
            "Security anomaly events, by kind.",
            &anomalies,
        );
        family(
            "cuirass_store_errors_total",
            "Session and login-monitor operations that failed because the store did (refused).",
            &[("", get(&self.store_errors))],
        );
        out
    }
}

/// Counts store failures on the way out.
fn counted<T>(result: Result<T, StoreError>) -> Result<T, StoreError> {
    if result.is_err() {
        METRICS.store_error();
    }
    result
}

/// Tracks login attempts in a store and applies a [`LockoutPolicy`].
#[derive(Clone)]
pub struct LoginMonitor {
    store: Arc<dyn Store>,
    policy: LockoutPolicy,
    counters: CounterPolicy,
}

impl std::fmt::Debug for LoginMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginMonitor")
            .field("store", &self.store.describe())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// `field` with its length first, so no two (account, address) pairs make the same key.
fn part(key: &mut String, field: &str) {
    let _ = write!(key, "{}:{field}", field.len());
}

impl LoginMonitor {
    pub fn new(store: Arc<dyn Store>, policy: LockoutPolicy) -> Result<Self, MonitorError> {
        policy.check()?;
        Ok(Self {
            store,
            counters: policy.counter_policy(),
            policy,
        })
    }

    pub fn policy(&self) -> &LockoutPolicy {
        &self.policy
    }

    /// The counter keys an attempt is counted under.
    fn keys(&self, account: &str, ip: Option<&str>) -> Result<Vec<String>, MonitorError> {
        let ip = match ip {
            Some(ip) => ip,
            None if self.policy.by.needs_ip() => return Err(MonitorError::MissingIp),
            None => "",
        };
        let mut key = String::new();
        let keys = match self.policy.by {
            LockoutScope::Account => {
                key.push_str("a:");
                part(&mut key, account);
                vec![key]
            }
            LockoutScope::Ip => {
                key.push_str("i:");
                part(&mut key, ip);
                vec![key]
            }
            LockoutScope::AccountAndIp => {
                key.push_str("ai:");
                part(&mut key, account);
                part(&mut key, ip);
                vec![key]
            }
            LockoutScope::AccountOrIp => {
                let mut by_ip = String::from("i:");
                part(&mut by_ip, ip);
                key.push_str("a:");
                part(&mut key, account);
                vec![key, by_ip]
            }
        };
        Ok(keys)
    }

    fn status(&self, counters: &[Counter], now: Millis) -> Status {
        let mut status = Status::default();
        for counter in counters {
            status.failures = status.failures.max(counter.failures);
            if let Some(until) = self.counters.locked_until(counter)
                && until > now
            {
                status.locked = true;
                status.retry_after = status.retry_after.max(until - now);
            }
        }
        status
    }

    /// Whether `account` (from `ip`) may attempt a login now. Call it before checking the
    /// password, and refuse without checking when locked.
    pub fn check(
        &self,
        account: &str,
        ip: Option<&str>,
        now: Millis,
    ) -> Result<Status, MonitorError> {
        let mut counters = Vec::new();
        for key in self.keys(account, ip)? {
            if let Some(counter) = counted(self.store.counter(&key, now, &self.counters))? {
                counters.push(counter);
            }
        }
        let status = self.status(&counters, now);
        if status.locked {
            bump(&METRICS.locked);
        }
        Ok(status)
    }

    /// Counts a failed login.
    pub fn record_failure(
        &self,
        account: &str,
        ip: Option<&str>,
        now: Millis,
    ) -> Result<FailureOutcome, MonitorError> {
        let keys = self.keys(account, ip)?;
        bump(&METRICS.failure);
        let mut counters = Vec::with_capacity(keys.len());
        for key in keys {
            counters.push(counted(self.store.record_failure(
                &key,
                now,
                &self.counters,
            ))?);
        }
        let status = self.status(&counters, now);
        let lockout_started = counters
            .iter()
            .any(|counter| counter.failures >= self.policy.max_failures);
        if lockout_started {
            bump(&METRICS.lockouts);
        }
        let mut stuffing = None;
        if let Some(ip) = ip {
            let mut key = String::from("stuffing:");
            part(&mut key, ip);
            // A digest, so the set holds no account names.
            let member = hex(Sha256::digest(account.as_bytes())
                .get(..16)
                .unwrap_or_default());
            let distinct =
                counted(
                    self.store
                        .add_distinct(&key, &member, now, self.policy.stuffing_window),
                )?;
            if distinct.added && distinct.count == u64::from(self.policy.stuffing_accounts) {
                METRICS.anomaly(Anomaly::CredentialStuffing);
                stuffing = Some(distinct.count);
            }
        }
        Ok(FailureOutcome {
            status,
            lockout_started,
            stuffing,
        })
    }

    /// Counts a successful login and forgets the account's failures (an address's own counter
    /// is kept: one good password must not wipe a spray from that address).
    pub fn record_success(
        &self,
        account: &str,
        ip: Option<&str>,
        _now: Millis,
    ) -> Result<(), MonitorError> {
        let keys = self.keys(account, ip)?;
        bump(&METRICS.success);
        for key in keys {
            if !key.starts_with("i:") {
                counted(self.store.reset_counter(&key))?;
            }
        }
        Ok(())
    }

    /// Forgets every counter of this account and address (an administrator's unlock).
    pub fn reset(&self, account: &str, ip: Option<&str>) -> Result<(), MonitorError> {
        for key in self.keys(account, ip)? {
            counted(self.store.reset_counter(&key))?;
        }
        Ok(())
    }
}

/// Counts a store failure seen by the sessions layer.
pub fn note_store_error() {
    METRICS.store_error();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::memory::MemoryStore;
    use crate::store::sqlite::{SqliteOptions, SqliteStore};

    const T0: Millis = 1_700_000_000_000;
    const SECOND: i64 = 1_000;

    fn policy(by: LockoutScope) -> LockoutPolicy {
        LockoutPolicy {
            max_failures: 3,
            base_delay: 10 * SECOND,
            max_delay: 60 * SECOND,
            window: 100 * SECOND,
            by,
            stuffing_accounts: 3,
            stuffing_window: 50 * SECOND,
        }
    }

    fn each_store(check: impl Fn(Arc<dyn Store>)) {
        check(Arc::new(MemoryStore::new()));
        let dir = tempfile::tempdir().unwrap();
        let sqlite = SqliteStore::open(dir.path().join("m.db"), SqliteOptions::default()).unwrap();
        check(Arc::new(sqlite));
        if let Some(url) = crate::store::redis::tests::test_url() {
            check(Arc::new(crate::store::redis::tests::fresh(&url)));
        }
    }

    #[test]
    fn lockout_backs_off_exponentially() {
        each_store(|store| {
            let monitor = LoginMonitor::new(store, policy(LockoutScope::Account)).unwrap();
            let ip = Some("192.0.2.1");
            for n in 1..=2 {
                let outcome = monitor.record_failure("alice", ip, T0 + n).unwrap();
                assert!(!outcome.status.locked);
                assert!(!outcome.lockout_started);
                assert_eq!(outcome.status.failures, u32::try_from(n).unwrap());
            }
            let third = monitor.record_failure("alice", ip, T0 + 3).unwrap();
            assert!(third.lockout_started);
            assert_eq!(
                third.status,
                Status {
                    locked: true,
                    retry_after: 10 * SECOND,
                    failures: 3
                }
            );
            let during = monitor.check("alice", ip, T0 + 3 + 4 * SECOND).unwrap();
            assert_eq!((during.locked, during.retry_after), (true, 6 * SECOND));
            assert!(!monitor.check("bob", ip, T0 + 4).unwrap().locked);
            // The lockout ends; the next failure locks for twice as long, then four times.
            let after = monitor.check("alice", ip, T0 + 3 + 10 * SECOND).unwrap();
            assert!(!after.locked);
            assert_eq!(after.failures, 3);
            let fourth = monitor
                .record_failure("alice", ip, T0 + 20 * SECOND)
                .unwrap();
            assert_eq!(fourth.status.retry_after, 20 * SECOND);
            let fifth = monitor
                .record_failure("alice", ip, T0 + 40 * SECOND)
                .unwrap();
            assert_eq!(fifth.status.retry_after, 40 * SECOND);
            let sixth = monitor
                .record_failure("alice", ip, T0 + 80 * SECOND)
                .unwrap();
            assert_eq!(sixth.status.retry_after, 60 * SECOND, "capped at max_delay");
            // A success resets the account.
            monitor
                .record_success("alice", ip, T0 + 200 * SECOND)
                .unwrap();
            let reset = monitor.check("alice", ip, T0 + 200 * SECOND).unwrap();
            assert_eq!(reset, Status::default());
        });
    }

    #[test]
    fn failures_outside_the_window_are_forgotten() {
        each_store(|store| {
            let monitor = LoginMonitor::new(store, policy(LockoutScope::Account)).unwrap();
            monitor.record_failure("alice", None, T0).unwrap();
            monitor
                .record_failure("alice", None, T0 + 99 * SECOND)
                .unwrap();
            assert_eq!(
                monitor
                    .check("alice", None, T0 + 100 * SECOND)
                    .unwrap()
                    .failures,
                2
            );
            let later = monitor
                .record_failure("alice", None, T0 + 199 * SECOND)
                .unwrap();
            assert_eq!(later.status.failures, 1);
        });
    }

    #[test]
    fn scopes_choose_the_counters() {
        each_store(|store| {
            let by_ip = LoginMonitor::new(store.clone(), policy(LockoutScope::Ip)).unwrap();
            for account in ["a", "b", "c"] {
                by_ip
                    .record_failure(account, Some("192.0.2.1"), T0)
                    .unwrap();
            }
            assert!(by_ip.check("d", Some("192.0.2.1"), T0).unwrap().locked);
            assert!(!by_ip.check("a", Some("192.0.2.2"), T0).unwrap().locked);
            // A success does not clear an address's counter.
            by_ip.record_success("a", Some("192.0.2.1"), T0).unwrap();
            assert!(by_ip.check("a", Some("192.0.2.1"), T0).unwrap().locked);
            assert!(matches!(
                by_ip.check("a", None, T0),
                Err(MonitorError::MissingIp)
            ));

            let pair =
                LoginMonitor::new(store.clone(), policy(LockoutScope::AccountAndIp)).unwrap();
            for _ in 0..3 {
                pair.record_failure("alice", Some("198.51.100.1"), T0)
                    .unwrap();
            }
            assert!(
                pair.check("alice", Some("198.51.100.1"), T0)
                    .unwrap()
                    .locked
            );
            assert!(
                !pair
                    .check("alice", Some("198.51.100.2"), T0)
                    .unwrap()
                    .locked
            );
            // "1:a" + "2:bc" must not collide with "2:ab" + "1:c".
            for _ in 0..3 {
                pair.record_failure("a", Some("bc"), T0).unwrap();
            }
            assert!(!pair.check("ab", Some("c"), T0).unwrap().locked);

            let either = LoginMonitor::new(store, policy(LockoutScope::AccountOrIp)).unwrap();
            for n in 0..3 {
                either
                    .record_failure("carol", Some(&format!("203.0.113.{n}")), T0)
                    .unwrap();
            }
            assert!(
                either
                    .check("carol", Some("203.0.113.99"), T0)
                    .unwrap()
                    .locked
            );
            assert!(
                !either
                    .check("dave", Some("203.0.113.0"), T0)
                    .unwrap()
                    .locked
            );
        });
    }

    #[test]
    fn credential_stuffing_is_reported_once_per_episode() {
        each_store(|store| {
            let monitor = LoginMonitor::new(store, policy(LockoutScope::Account)).unwrap();
            let ip = Some("203.0.113.50");
            let mut reports = Vec::new();
            for (n, account) in ["a", "b", "b", "c", "d", "e"].iter().enumerate() {
                let at = T0 + i64::try_from(n).unwrap();
                reports.push(monitor.record_failure(account, ip, at).unwrap().stuffing);
            }
            assert_eq!(reports, vec![None, None, None, Some(3), None, None]);
            // Another address is its own episode.
            let other = monitor
                .record_failure("a", Some("203.0.113.51"), T0)
                .unwrap();
            assert_eq!(other.stuffing, None);
        });
    }

    #[test]
    fn concurrent_failures_lock_exactly_once_counted() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(dir.path().join("c.db"), SqliteOptions::default()).unwrap());
        let monitor = LoginMonitor::new(
            store,
            LockoutPolicy {
                max_failures: 1_000,
                ..policy(LockoutScope::Account)
            },
        )
        .unwrap();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..25 {
                        monitor.record_failure("alice", None, T0).unwrap();
                    }
                });
            }
        });
        assert_eq!(monitor.check("alice", None, T0).unwrap().failures, 100);
    }

    #[test]
    fn policies_are_checked() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        for bad in [
            LockoutPolicy {
                max_failures: 0,
                ..LockoutPolicy::default()
            },
            LockoutPolicy {
                base_delay: 0,
                ..LockoutPolicy::default()
            },
            LockoutPolicy {
                max_delay: 1,
                ..LockoutPolicy::default()
            },
            LockoutPolicy {
                window: MAX_DURATION + 1,
                ..LockoutPolicy::default()
            },
        ] {
            assert!(matches!(
                LoginMonitor::new(store.clone(), bad),
                Err(MonitorError::Policy(_))
            ));
        }
        assert_eq!(
            LockoutScope::parse("account_or_ip"),
            Some(LockoutScope::AccountOrIp)
        );
        assert_eq!(LockoutScope::parse("user"), None);
    }

    #[test]
    fn metrics_render_in_prometheus_text_format() {
        let before = metrics().render();
        metrics().anomaly(Anomaly::NewUserAgent);
        let after = metrics().render();
        assert_ne!(before, after);
        let value = |text: &str, series: &str| -> u64 {
            text.lines()
                .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
                .unwrap()
        };
        let series = "cuirass_security_anomalies_total{kind=\"new_user_agent\"}";
        assert!(value(&after, series) > value(&before, series));
        for line in after.lines() {
            if let Some(comment) = line.strip_prefix('#') {
                assert!(comment.starts_with(" HELP ") || comment.starts_with(" TYPE "));
            } else {
                let (name, number) = line.rsplit_once(' ').unwrap();
                assert!(name.starts_with("cuirass_"), "{line}");
                number.parse::<u64>().unwrap();
            }
        }
        assert!(after.ends_with('\n'));
        assert!(after.contains("# TYPE cuirass_login_lockouts_total counter\n"));
    }
}
