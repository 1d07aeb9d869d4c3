//! Storage for server-side sessions, login-failure counters and one-time claims: one [`Store`]
//! trait with three implementations, [`memory`] (tests, one process), [`sqlite`] (the embedded
//! default, shared safely by several processes on one host) and [`redis`] (several hosts).
//!
//! The trait is a small set of *atomic* operations rather than a key-value API, because every
//! security property above it (a revoked session stays revoked, concurrent failures are counted
//! exactly, a claim is granted once) depends on read-modify-write steps that cannot interleave.
//! Each backend makes them atomic its own way: a mutex, a SQLite statement or `BEGIN IMMEDIATE`
//! transaction, a Redis Lua script.
//!
//! Time is a parameter (`now`, Unix milliseconds) of every operation that depends on it: that is
//! the injectable clock, so expiry and back-off are tested exactly, without sleeping. Records
//! carry absolute timestamps and every read re-checks them against `now`; backend expiry (Redis
//! TTLs, SQLite purges) only reclaims space and never decides validity.
//!
//! Failures of the backend (Redis down, SQLite file unreadable or locked past its busy timeout,
//! a malformed record) are [`StoreError`]s: callers fail closed on them.

pub mod memory;
pub mod redis;
pub mod sqlite;

use std::time::{SystemTime, UNIX_EPOCH};

/// Unix time in milliseconds.
pub type Millis = i64;

/// SHA-256 of a session id: the only form in which an id is stored.
pub type IdHash = [u8; 32];

/// The current Unix time in milliseconds (0 if the system clock is before 1970).
pub fn now_millis() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            Millis::try_from(elapsed.as_millis()).unwrap_or(Millis::MAX)
        })
}

/// Why a store operation failed. Every variant means "no answer": callers must not treat it as
/// "no session" or "not locked" but refuse the request.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend could not be reached or did not answer in time.
    #[error("the {store} is unavailable: {message}")]
    Unavailable { store: String, message: String },
    /// The backend answered with something this code did not write.
    #[error("the {store} holds a malformed record ({what}); was it written by another program?")]
    Corrupt { store: String, what: String },
    /// The database was created by a newer schema.
    #[error(
        "the {store} uses schema version {found}, newer than this cuirass supports ({supported}); upgrade cuirass or use another file"
    )]
    Schema {
        store: String,
        found: i64,
        supported: i64,
    },
    /// A store was configured with an unusable value (bad URL, timeout out of range).
    #[error("invalid store configuration: {0}")]
    Config(String),
}

/// One stored session. `expires_at` is the effective expiry (the earlier of the idle deadline and
/// `absolute_expires_at`); a session is valid while `now < expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub hash: IdHash,
    pub user_id: String,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub expires_at: Millis,
    pub absolute_expires_at: Millis,
    /// Sliding expiry in milliseconds, if the session has one.
    pub idle_timeout: Option<i64>,
    /// The client address and user agent at creation.
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The client address and user agent most recently seen by `validate`.
    pub last_ip: Option<String>,
    pub last_user_agent: Option<String>,
    /// Application data, as JSON text (opaque here).
    pub data: String,
}

/// The fields a [`Store::touch_session`] writes. `None` leaves a field unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch<'a> {
    pub last_seen_at: Millis,
    pub expires_at: Millis,
    pub last_ip: Option<&'a str>,
    pub last_user_agent: Option<&'a str>,
    pub data: Option<&'a str>,
}

/// How long failure counters live and when they lock, for [`Store::record_failure`].
///
/// After `threshold` failures a key is locked for `delay(failures)`, which doubles with every
/// further failure up to `max_delay` (exponential back-off). A counter is forgotten once both its
/// `window` and its lockout have passed since the last failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterPolicy {
    /// Milliseconds without a failure after which the count starts again (unless still locked).
    pub window: i64,
    /// Failures at which the first lockout starts (at least 1).
    pub threshold: u32,
    /// The first lockout, in milliseconds.
    pub base_delay: i64,
    /// The longest lockout, in milliseconds.
    pub max_delay: i64,
}

/// The largest doubling exponent: beyond it every delay is `max_delay` anyway. Redis's Lua
/// computes with doubles, so this keeps both implementations exact and equal.
const MAX_DOUBLINGS: u32 = 40;

impl CounterPolicy {
    /// The lockout after `failures` failures (0 below the threshold).
    pub fn delay(&self, failures: u32) -> i64 {
        if failures < self.threshold {
            return 0;
        }
        let doublings = (failures - self.threshold).min(MAX_DOUBLINGS);
        self.base_delay
            .saturating_mul(1_i64 << doublings)
            .min(self.max_delay)
    }

    /// How long after the last failure the counter must be kept.
    pub fn retain(&self, failures: u32) -> i64 {
        self.window.max(self.delay(failures))
    }

    /// Whether `counter` is forgotten at `now`.
    pub fn is_stale(&self, counter: &Counter, now: Millis) -> bool {
        now >= counter
            .last_failure
            .saturating_add(self.retain(counter.failures))
    }

    /// When the lockout of `counter` ends, if it has one.
    pub fn locked_until(&self, counter: &Counter) -> Option<Millis> {
        (counter.failures >= self.threshold).then(|| {
            counter
                .last_failure
                .saturating_add(self.delay(counter.failures))
        })
    }
}

/// A failure counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub failures: u32,
    pub last_failure: Millis,
}

/// The answer of [`Store::add_distinct`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Distinct {
    /// Distinct members seen within the window, this one included.
    pub count: u64,
    /// Whether this member was not already in the window.
    pub added: bool,
}

/// The atomic operations sessions, the login monitor and one-time claims need.
///
/// Every method is atomic with respect to every other call on any handle to the same backend, in
/// any process. Implementations are `Send + Sync` and internally pooled, so one handle is shared
/// by all threads.
pub trait Store: Send + Sync {
    /// What this store is, for messages ("SQLite store at /var/lib/app/sessions.db"); never holds
    /// credentials.
    fn describe(&self) -> String;

    /// Stores a new session.
    fn insert_session(&self, record: &SessionRecord, now: Millis) -> Result<(), StoreError>;

    /// The session with this hash, unless it does not exist or has expired at `now`.
    fn get_session(&self, hash: &IdHash, now: Millis) -> Result<Option<SessionRecord>, StoreError>;

    /// Updates a session that exists and is unexpired at `now`; returns whether it did. Never
    /// re-creates a revoked session.
    fn touch_session(
        &self,
        hash: &IdHash,
        now: Millis,
        touch: &Touch<'_>,
    ) -> Result<bool, StoreError>;

    /// Moves an unexpired session of `user_id` from `old` to `new` (same record, new key) and
    /// returns it; `None` if `old` is unknown, expired or not `user_id`'s.
    fn rotate_session(
        &self,
        old: &IdHash,
        new: &IdHash,
        user_id: &str,
        now: Millis,
    ) -> Result<Option<SessionRecord>, StoreError>;

    /// Deletes a session; returns whether one was there.
    fn delete_session(&self, hash: &IdHash) -> Result<bool, StoreError>;

    /// Deletes every session of `user_id` except `except`; returns how many.
    fn delete_user_sessions(
        &self,
        user_id: &str,
        except: Option<&IdHash>,
    ) -> Result<u64, StoreError>;

    /// The unexpired sessions of `user_id`, oldest first.
    fn user_sessions(&self, user_id: &str, now: Millis) -> Result<Vec<SessionRecord>, StoreError>;

    /// Counts one failure for `key` (a stale counter restarts at 1) and returns the new counter.
    fn record_failure(
        &self,
        key: &str,
        now: Millis,
        policy: &CounterPolicy,
    ) -> Result<Counter, StoreError>;

    /// The counter of `key`, unless absent or stale.
    fn counter(
        &self,
        key: &str,
        now: Millis,
        policy: &CounterPolicy,
    ) -> Result<Option<Counter>, StoreError>;

    /// Forgets the counter of `key`.
    fn reset_counter(&self, key: &str) -> Result<(), StoreError>;

    /// Records `member` in the set `key` at `now`, drops members last seen `window` or more
    /// milliseconds ago, and returns the count.
    fn add_distinct(
        &self,
        key: &str,
        member: &str,
        now: Millis,
        window: i64,
    ) -> Result<Distinct, StoreError>;

    /// Records `key` for `ttl` milliseconds; returns `true` if it was not already held.
    fn claim(&self, key: &str, now: Millis, ttl: i64) -> Result<bool, StoreError>;

    /// Deletes expired records; returns how many (0 where the backend expires them itself).
    fn purge_expired(&self, now: Millis) -> Result<u64, StoreError>;
}

/// Lowercase hex, for keys and messages.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// The inverse of [`hex`] for exactly 32 bytes.
pub(crate) fn unhex32(text: &str) -> Option<IdHash> {
    fn nibble(digit: u8) -> Option<u8> {
        match digit {
            b'0'..=b'9' => Some(digit - b'0'),
            b'a'..=b'f' => Some(digit - b'a' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let [high, low] = pair else { return None };
        *slot = (nibble(*high)? << 4) | nibble(*low)?;
    }
    Some(out)
}

/// The conformance suite every store must pass; each backend's tests run it.
#[cfg(test)]
pub(crate) mod conformance;

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> CounterPolicy {
        CounterPolicy {
            window: 1_000,
            threshold: 3,
            base_delay: 100,
            max_delay: 1_000,
        }
    }

    #[test]
    fn delay_doubles_from_the_threshold_and_caps() {
        let policy = policy();
        assert_eq!(policy.delay(0), 0);
        assert_eq!(policy.delay(2), 0);
        assert_eq!(policy.delay(3), 100);
        assert_eq!(policy.delay(4), 200);
        assert_eq!(policy.delay(5), 400);
        assert_eq!(policy.delay(6), 800);
        assert_eq!(policy.delay(7), 1_000);
        assert_eq!(policy.delay(u32::MAX), 1_000);
    }

    #[test]
    fn retain_covers_window_and_lockout() {
        let policy = CounterPolicy {
            max_delay: 10_000,
            ..policy()
        };
        assert_eq!(policy.retain(1), 1_000);
        assert_eq!(policy.retain(8), 3_200);
        let counter = Counter {
            failures: 8,
            last_failure: 50,
        };
        assert!(!policy.is_stale(&counter, 3_249));
        assert!(policy.is_stale(&counter, 3_250));
        assert_eq!(policy.locked_until(&counter), Some(3_250));
        assert_eq!(
            policy.locked_until(&Counter {
                failures: 2,
                last_failure: 0
            }),
            None
        );
    }

    #[test]
    fn hex_round_trips() {
        let bytes: IdHash = std::array::from_fn(|index| u8::try_from(index * 7).unwrap());
        let text = hex(&bytes);
        assert_eq!(text.len(), 64);
        assert_eq!(unhex32(&text), Some(bytes));
        assert_eq!(unhex32(&text[..62]), None);
        assert_eq!(unhex32(&text.to_uppercase()), None);
    }
}
