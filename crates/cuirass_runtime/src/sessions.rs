//! Server-side sessions over any [`Store`]: opaque ids, absolute and sliding expiry, rotation,
//! revocation of one session or all of a user's.
//!
//! - **Ids** are 32 bytes from the OS CSPRNG in URL-safe base64 (43 characters). Only their
//!   SHA-256 is stored, so a leaked database or Redis dump holds no usable session. Lookups are by
//!   that digest: timing of the lookup reveals nothing about an id an attacker does not already
//!   hold. Malformed ids are refused before the store is asked.
//! - **Expiry.** Every session has an absolute expiry (`ttl` after creation) that nothing
//!   extends. With an idle timeout it also expires `idle_timeout` after it was last seen.
//!   Validation writes only when the last-seen time has moved by a meaningful step
//!   ([`refresh_step`]: a tenth of the idle timeout, at most [`LAST_SEEN_RESOLUTION`]), so most
//!   validations are a single read; the price is that a session may expire up to one step
//!   earlier than `idle_timeout` after its very last request.
//! - **Handles.** A listed session carries a *handle*: a digest of its stored hash, safe to show
//!   in a "your devices" page and to send back to revoke that session. It cannot be turned into
//!   the id, and is compared in constant time.
//! - **Anomalies.** Validation with the client's address and user agent reports when either
//!   differs from the last one seen for the session (and records the new one), for
//!   `cuirass.monitor` to raise an event.
//!
//! Time is a parameter (`now`, Unix milliseconds), as in [`crate::store`].

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::compare::constant_time_eq;
use crate::encoding::{b64url, unb64url};
use crate::random::{self, RandomError};
use crate::store::{IdHash, Millis, SessionRecord, Store, StoreError, Touch};

/// Random bytes in a session id.
pub const ID_BYTES: usize = 32;
/// Characters in a session id (URL-safe base64 of [`ID_BYTES`], no padding).
pub const ID_LENGTH: usize = 43;
/// The coarsest resolution of `last_seen_at`, in milliseconds.
pub const LAST_SEEN_RESOLUTION: i64 = 60_000;
/// Limits on what a session stores, so a client cannot bloat the store.
pub const MAX_DATA_BYTES: usize = 64 * 1024;
pub const MAX_USER_ID_BYTES: usize = 256;
/// Longer client addresses and user agents are cut (at a character boundary), not refused: they
/// come from the client.
pub const MAX_IP_BYTES: usize = 64;
pub const MAX_USER_AGENT_BYTES: usize = 512;
/// The longest session lifetime accepted (ten years).
pub const MAX_TTL: i64 = 10 * 366 * 24 * 3600 * 1000;

const HANDLE_CONTEXT: &[u8] = b"cuirass.sessions.handle.v1\0";

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Random(#[from] RandomError),
    /// A caller-supplied value is out of range (not client input: that is refused quietly).
    #[error("{0}")]
    Invalid(String),
}

/// How sessions expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionConfig {
    /// Absolute lifetime in milliseconds.
    pub ttl: i64,
    /// Sliding expiry in milliseconds, if any.
    pub idle_timeout: Option<i64>,
}

impl SessionConfig {
    fn check(&self) -> Result<(), SessionError> {
        check_ttl(self.ttl, "ttl")?;
        if let Some(idle) = self.idle_timeout {
            check_ttl(idle, "idle_timeout")?;
        }
        Ok(())
    }
}

fn check_ttl(value: i64, name: &str) -> Result<(), SessionError> {
    if value <= 0 || value > MAX_TTL {
        return Err(SessionError::Invalid(format!(
            "{name} must be more than 0 and at most ten years"
        )));
    }
    Ok(())
}

/// What a new session holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSession<'a> {
    pub user_id: &'a str,
    /// Overrides the manager's `ttl` for this session.
    pub ttl: Option<i64>,
    /// JSON text.
    pub data: &'a str,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// A successful validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    pub record: SessionRecord,
    /// Set when the client address differs from the last one seen: the previous one.
    pub ip_changed: Option<String>,
    /// Set when the user agent differs from the last one seen: the previous one.
    pub user_agent_changed: Option<String>,
}

/// Creates, validates, rotates and revokes sessions in a store.
#[derive(Clone)]
pub struct SessionManager {
    store: Arc<dyn Store>,
    config: SessionConfig,
}

impl std::fmt::Debug for SessionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionManager")
            .field("store", &self.store.describe())
            .field("config", &self.config)
            .finish()
    }
}

/// The stored form of an id, or `None` if `id` cannot be one of ours.
pub fn hash_id(id: &str) -> Option<IdHash> {
    if id.len() != ID_LENGTH {
        return None;
    }
    let raw = unb64url(id)?;
    if raw.len() != ID_BYTES {
        return None;
    }
    Some(Sha256::digest(&raw).into())
}

/// The public handle of a stored session.
pub fn handle(hash: &IdHash) -> String {
    let mut digest = Sha256::new();
    digest.update(HANDLE_CONTEXT);
    digest.update(hash);
    let digest = digest.finalize();
    b64url(digest.get(..16).unwrap_or_default())
}

/// How far `last_seen_at` may lag before validation writes it.
pub fn refresh_step(idle_timeout: Option<i64>) -> i64 {
    match idle_timeout {
        Some(idle) => (idle / 10).clamp(1, LAST_SEEN_RESOLUTION),
        None => LAST_SEEN_RESOLUTION,
    }
}

/// `text` cut to at most `max` bytes at a character boundary.
fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// Counts a store failure in the metrics on its way out.
fn observed<T>(result: Result<T, StoreError>) -> Result<T, StoreError> {
    if result.is_err() {
        crate::monitor::note_store_error();
    }
    result
}

fn new_id() -> Result<(String, IdHash), RandomError> {
    let raw = random::array::<ID_BYTES>()?;
    Ok((b64url(&raw), Sha256::digest(raw).into()))
}

impl SessionManager {
    pub fn new(store: Arc<dyn Store>, config: SessionConfig) -> Result<Self, SessionError> {
        config.check()?;
        Ok(Self { store, config })
    }

    pub fn config(&self) -> SessionConfig {
        self.config
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Starts a session; returns its id (give it to the client, never log it) and the record.
    pub fn create(
        &self,
        new: &NewSession<'_>,
        now: Millis,
    ) -> Result<(String, SessionRecord), SessionError> {
        if new.user_id.len() > MAX_USER_ID_BYTES {
            return Err(SessionError::Invalid(format!(
                "user_id is longer than {MAX_USER_ID_BYTES} bytes"
            )));
        }
        if new.data.len() > MAX_DATA_BYTES {
            return Err(SessionError::Invalid(format!(
                "session data is {} bytes of JSON, more than the {MAX_DATA_BYTES} allowed",
                new.data.len()
            )));
        }
        let ttl = new.ttl.unwrap_or(self.config.ttl);
        check_ttl(ttl, "ttl")?;
        let absolute_expires_at = now.saturating_add(ttl);
        let expires_at = match self.config.idle_timeout {
            Some(idle) => absolute_expires_at.min(now.saturating_add(idle)),
            None => absolute_expires_at,
        };
        let (id, hash) = new_id()?;
        let ip = new.ip.map(|ip| clip(ip, MAX_IP_BYTES).to_owned());
        let user_agent = new
            .user_agent
            .map(|agent| clip(agent, MAX_USER_AGENT_BYTES).to_owned());
        let record = SessionRecord {
            hash,
            user_id: new.user_id.to_owned(),
            created_at: now,
            last_seen_at: now,
            expires_at,
            absolute_expires_at,
            idle_timeout: self.config.idle_timeout,
            last_ip: ip.clone(),
            last_user_agent: user_agent.clone(),
            ip,
            user_agent,
            data: new.data.to_owned(),
        };
        observed(self.store.insert_session(&record, now))?;
        Ok((id, record))
    }

    /// The session for `id` without touching it (no sliding refresh, no anomaly check).
    pub fn get(&self, id: &str, now: Millis) -> Result<Option<SessionRecord>, SessionError> {
        let Some(hash) = hash_id(id) else {
            return Ok(None);
        };
        Ok(observed(self.store.get_session(&hash, now))?)
    }

    /// The session for `id` if it is valid at `now`, refreshing its idle expiry and noting a
    /// change of client address or user agent. A store failure is an error, never `None`.
    pub fn validate(
        &self,
        id: &str,
        now: Millis,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<Option<Validated>, SessionError> {
        let Some(hash) = hash_id(id) else {
            return Ok(None);
        };
        let Some(mut record) = observed(self.store.get_session(&hash, now))? else {
            return Ok(None);
        };
        let ip = ip.map(|ip| clip(ip, MAX_IP_BYTES));
        let user_agent = user_agent.map(|agent| clip(agent, MAX_USER_AGENT_BYTES));
        // The first address or agent a session sees is recorded, not reported.
        let new_ip = ip.filter(|ip| record.last_ip.as_deref() != Some(*ip));
        let new_agent =
            user_agent.filter(|agent| record.last_user_agent.as_deref() != Some(*agent));
        let expires_at = match record.idle_timeout {
            Some(idle) => record.absolute_expires_at.min(now.saturating_add(idle)),
            None => record.expires_at,
        };
        let stale = now.saturating_sub(record.last_seen_at) >= refresh_step(record.idle_timeout);
        let mut validated = Validated {
            ip_changed: None,
            user_agent_changed: None,
            record: record.clone(),
        };
        if new_ip.is_none() && new_agent.is_none() && !stale {
            return Ok(Some(validated));
        }
        let touch = Touch {
            last_seen_at: now.max(record.last_seen_at),
            expires_at: expires_at.max(record.expires_at),
            last_ip: new_ip,
            last_user_agent: new_agent,
            data: None,
        };
        if !observed(self.store.touch_session(&hash, now, &touch))? {
            // Revoked (or expired) since the read: refuse.
            return Ok(None);
        }
        if let Some(ip) = new_ip {
            validated.ip_changed = record.last_ip.replace(ip.to_owned());
        }
        if let Some(agent) = new_agent {
            validated.user_agent_changed = record.last_user_agent.replace(agent.to_owned());
        }
        record.last_seen_at = touch.last_seen_at;
        record.expires_at = touch.expires_at;
        validated.record = record;
        Ok(Some(validated))
    }

    /// Replaces the session's data (JSON text); `None` if the session is not valid.
    pub fn update_data(
        &self,
        id: &str,
        data: &str,
        now: Millis,
    ) -> Result<Option<SessionRecord>, SessionError> {
        if data.len() > MAX_DATA_BYTES {
            return Err(SessionError::Invalid(format!(
                "session data is {} bytes of JSON, more than the {MAX_DATA_BYTES} allowed",
                data.len()
            )));
        }
        let Some(hash) = hash_id(id) else {
            return Ok(None);
        };
        let Some(mut record) = observed(self.store.get_session(&hash, now))? else {
            return Ok(None);
        };
        let touch = Touch {
            last_seen_at: record.last_seen_at,
            expires_at: record.expires_at,
            last_ip: None,
            last_user_agent: None,
            data: Some(data),
        };
        if !observed(self.store.touch_session(&hash, now, &touch))? {
            return Ok(None);
        }
        data.clone_into(&mut record.data);
        Ok(Some(record))
    }

    /// Gives a valid session a new id (the old one stops working at once) and returns it with
    /// the record; `None` if `id` is not valid. Call it at login and on any privilege change,
    /// so an id planted before (session fixation) or leaked before is worthless.
    pub fn rotate(
        &self,
        id: &str,
        now: Millis,
    ) -> Result<Option<(String, SessionRecord)>, SessionError> {
        let Some(old) = hash_id(id) else {
            return Ok(None);
        };
        let Some(record) = observed(self.store.get_session(&old, now))? else {
            return Ok(None);
        };
        let (new_id, new_hash) = new_id()?;
        Ok(observed(
            self.store
                .rotate_session(&old, &new_hash, &record.user_id, now),
        )?
        .map(|record| (new_id, record)))
    }

    /// Ends a session; returns whether it existed.
    pub fn revoke(&self, id: &str) -> Result<bool, SessionError> {
        let Some(hash) = hash_id(id) else {
            return Ok(false);
        };
        Ok(observed(self.store.delete_session(&hash))?)
    }

    /// Ends every session of `user_id`, except the one with id `except` (the caller's own, for
    /// "sign out everywhere else"); returns how many ended.
    pub fn revoke_user(&self, user_id: &str, except: Option<&str>) -> Result<u64, SessionError> {
        // An `except` that is not an id of ours keeps nothing.
        let except = except.and_then(hash_id);
        Ok(observed(
            self.store.delete_user_sessions(user_id, except.as_ref()),
        )?)
    }

    /// Ends the session of `user_id` whose [`handle`] is `handle`; returns whether one ended.
    pub fn revoke_handle(
        &self,
        user_id: &str,
        handle_text: &str,
        now: Millis,
    ) -> Result<bool, SessionError> {
        let mut target = None;
        for record in observed(self.store.user_sessions(user_id, now))? {
            // Every candidate is compared, in constant time, so timing does not say which.
            if constant_time_eq(handle(&record.hash).as_bytes(), handle_text.as_bytes()) {
                target = Some(record.hash);
            }
        }
        match target {
            Some(hash) => Ok(observed(self.store.delete_session(&hash))?),
            None => Ok(false),
        }
    }

    /// The valid sessions of `user_id`, oldest first.
    pub fn user_sessions(
        &self,
        user_id: &str,
        now: Millis,
    ) -> Result<Vec<SessionRecord>, SessionError> {
        Ok(observed(self.store.user_sessions(user_id, now))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::memory::MemoryStore;
    use crate::store::sqlite::{SqliteOptions, SqliteStore};

    const T0: Millis = 1_700_000_000_000;
    const MINUTE: i64 = 60_000;

    fn manager(store: Arc<dyn Store>, idle: Option<i64>) -> SessionManager {
        SessionManager::new(
            store,
            SessionConfig {
                ttl: 60 * MINUTE,
                idle_timeout: idle,
            },
        )
        .unwrap()
    }

    fn new_session(user_id: &str) -> NewSession<'_> {
        NewSession {
            user_id,
            ttl: None,
            data: r#"{"role":"user"}"#,
            ip: Some("192.0.2.1"),
            user_agent: Some("Firefox"),
        }
    }

    /// Runs `check` on a memory store and on a SQLite store.
    fn each_store(check: impl Fn(Arc<dyn Store>)) {
        check(Arc::new(MemoryStore::new()));
        let dir = tempfile::tempdir().unwrap();
        let sqlite = SqliteStore::open(dir.path().join("s.db"), SqliteOptions::default()).unwrap();
        check(Arc::new(sqlite));
        if let Some(url) = crate::store::redis::tests::test_url() {
            check(Arc::new(crate::store::redis::tests::fresh(&url)));
        }
    }

    #[test]
    fn ids_are_random_and_only_their_hash_is_stored() {
        let store = Arc::new(MemoryStore::new());
        let sessions = manager(store.clone(), None);
        let (id, record) = sessions.create(&new_session("alice"), T0).unwrap();
        let (other, _) = sessions.create(&new_session("alice"), T0).unwrap();
        assert_ne!(id, other);
        assert_eq!(id.len(), ID_LENGTH);
        assert!(
            id.bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        );
        assert_eq!(record.hash, hash_id(&id).unwrap());
        let stored = store.get_session(&record.hash, T0).unwrap().unwrap();
        assert!(!format!("{stored:?}").contains(&id));
    }

    #[test]
    fn malformed_ids_are_refused_without_a_store() {
        assert_eq!(hash_id(""), None);
        assert_eq!(hash_id(&"A".repeat(42)), None);
        assert_eq!(hash_id(&"A".repeat(44)), None);
        assert_eq!(hash_id(&"+".repeat(43)), None);
        // Non-canonical trailing bits are refused too, so each id has one spelling.
        assert_eq!(hash_id(&format!("{}B", "A".repeat(42))), None);
        assert!(hash_id(&format!("{}E", "A".repeat(42))).is_some());
        assert!(hash_id(&"A".repeat(43)).is_some());
    }

    #[test]
    fn absolute_expiry_holds_even_when_sliding() {
        each_store(|store| {
            let sessions = manager(store, Some(10 * MINUTE));
            let (id, record) = sessions.create(&new_session("alice"), T0).unwrap();
            assert_eq!(record.expires_at, T0 + 10 * MINUTE);
            assert_eq!(record.absolute_expires_at, T0 + 60 * MINUTE);
            // Used every 9 minutes: stays valid until the absolute expiry, not a moment longer.
            let mut now = T0;
            while now + 9 * MINUTE < T0 + 60 * MINUTE {
                now += 9 * MINUTE;
                let valid = sessions.validate(&id, now, None, None).unwrap();
                assert!(valid.is_some(), "refused at +{} min", (now - T0) / MINUTE);
            }
            assert!(
                sessions
                    .validate(&id, T0 + 60 * MINUTE - 1, None, None)
                    .unwrap()
                    .is_some()
            );
            assert!(
                sessions
                    .validate(&id, T0 + 60 * MINUTE, None, None)
                    .unwrap()
                    .is_none()
            );
        });
    }

    #[test]
    fn idle_sessions_expire() {
        each_store(|store| {
            let sessions = manager(store, Some(10 * MINUTE));
            let (id, _) = sessions.create(&new_session("alice"), T0).unwrap();
            assert!(sessions.get(&id, T0 + 10 * MINUTE - 1).unwrap().is_some());
            assert!(sessions.get(&id, T0 + 10 * MINUTE).unwrap().is_none());
            assert!(
                sessions
                    .validate(&id, T0 + 10 * MINUTE, None, None)
                    .unwrap()
                    .is_none()
            );
        });
    }

    #[test]
    fn validation_writes_only_after_a_step() {
        let store = Arc::new(MemoryStore::new());
        let sessions = manager(store.clone(), Some(10 * MINUTE));
        let (id, record) = sessions.create(&new_session("alice"), T0).unwrap();
        assert_eq!(refresh_step(Some(10 * MINUTE)), MINUTE);
        // Within the step: nothing written, the idle deadline stays.
        let early = sessions
            .validate(&id, T0 + MINUTE - 1, None, None)
            .unwrap()
            .unwrap();
        assert_eq!(early.record.expires_at, T0 + 10 * MINUTE);
        let stored = store.get_session(&record.hash, T0).unwrap().unwrap();
        assert_eq!(stored.last_seen_at, T0);
        // At the step: written.
        let later = sessions
            .validate(&id, T0 + MINUTE, None, None)
            .unwrap()
            .unwrap();
        assert_eq!(later.record.expires_at, T0 + 11 * MINUTE);
        let stored = store.get_session(&record.hash, T0).unwrap().unwrap();
        assert_eq!(
            (stored.last_seen_at, stored.expires_at),
            (T0 + MINUTE, T0 + 11 * MINUTE)
        );
        // Without an idle timeout, last-seen still advances once a minute; expiry does not.
        let fixed = manager(store.clone(), None);
        let (id, record) = fixed.create(&new_session("bob"), T0).unwrap();
        fixed
            .validate(&id, T0 + 2 * MINUTE, None, None)
            .unwrap()
            .unwrap();
        let stored = store.get_session(&record.hash, T0).unwrap().unwrap();
        assert_eq!(
            (stored.last_seen_at, stored.expires_at),
            (T0 + 2 * MINUTE, T0 + 60 * MINUTE)
        );
    }

    #[test]
    fn new_ip_and_user_agent_are_reported_once() {
        each_store(|store| {
            let sessions = manager(store, None);
            let (id, _) = sessions.create(&new_session("alice"), T0).unwrap();
            let same = sessions
                .validate(&id, T0 + 1, Some("192.0.2.1"), Some("Firefox"))
                .unwrap()
                .unwrap();
            assert_eq!((same.ip_changed, same.user_agent_changed), (None, None));
            let moved = sessions
                .validate(&id, T0 + 2, Some("203.0.113.9"), Some("Firefox"))
                .unwrap()
                .unwrap();
            assert_eq!(moved.ip_changed.as_deref(), Some("192.0.2.1"));
            assert_eq!(moved.user_agent_changed, None);
            assert_eq!(moved.record.last_ip.as_deref(), Some("203.0.113.9"));
            assert_eq!(moved.record.ip.as_deref(), Some("192.0.2.1"));
            let again = sessions
                .validate(&id, T0 + 3, Some("203.0.113.9"), Some("curl/8"))
                .unwrap()
                .unwrap();
            assert_eq!(again.ip_changed, None);
            assert_eq!(again.user_agent_changed.as_deref(), Some("Firefox"));
            // A session created without an address records the first one quietly.
            let bare = NewSession {
                ip: None,
                user_agent: None,
                ..new_session("bob")
            };
            let (id, _) = sessions.create(&bare, T0).unwrap();
            let first = sessions
                .validate(&id, T0 + 1, Some("198.51.100.1"), Some("Safari"))
                .unwrap()
                .unwrap();
            assert_eq!(first.ip_changed, None);
            assert_eq!(first.user_agent_changed, None);
            assert_eq!(first.record.last_ip.as_deref(), Some("198.51.100.1"));
        });
    }

    #[test]
    fn rotate_revoke_and_list() {
        each_store(|store| {
            let sessions = manager(store, None);
            let (old, created) = sessions.create(&new_session("alice"), T0).unwrap();
            let (new, rotated) = sessions.rotate(&old, T0 + 5).unwrap().unwrap();
            assert_ne!(old, new);
            assert_eq!(rotated.created_at, created.created_at);
            assert_eq!(rotated.data, created.data);
            assert!(sessions.get(&old, T0 + 5).unwrap().is_none());
            assert!(
                sessions
                    .validate(&new, T0 + 5, None, None)
                    .unwrap()
                    .is_some()
            );
            assert!(sessions.rotate(&old, T0 + 6).unwrap().is_none());
            assert!(sessions.rotate("not-an-id", T0 + 6).unwrap().is_none());

            let (second, _) = sessions.create(&new_session("alice"), T0 + 10).unwrap();
            let (third, _) = sessions.create(&new_session("alice"), T0 + 20).unwrap();
            let (bob, _) = sessions.create(&new_session("bob"), T0).unwrap();
            let listed = sessions.user_sessions("alice", T0 + 30).unwrap();
            assert_eq!(listed.len(), 3);
            assert_eq!(listed[0].hash, hash_id(&new).unwrap());

            assert!(sessions.revoke(&second).unwrap());
            assert!(!sessions.revoke(&second).unwrap());
            assert!(!sessions.revoke("garbage").unwrap());
            assert_eq!(sessions.revoke_user("alice", Some(&third)).unwrap(), 1);
            assert!(sessions.get(&new, T0 + 30).unwrap().is_none());
            assert!(sessions.get(&third, T0 + 30).unwrap().is_some());
            assert!(sessions.get(&bob, T0 + 30).unwrap().is_some());

            let listed = sessions.user_sessions("alice", T0 + 30).unwrap();
            let handle_text = handle(&listed[0].hash);
            assert_eq!(handle_text.len(), 22);
            assert!(
                !sessions
                    .revoke_handle("bob", &handle_text, T0 + 30)
                    .unwrap()
            );
            assert!(!sessions.revoke_handle("alice", "AAAA", T0 + 30).unwrap());
            assert!(
                sessions
                    .revoke_handle("alice", &handle_text, T0 + 30)
                    .unwrap()
            );
            assert!(sessions.get(&third, T0 + 30).unwrap().is_none());
        });
    }

    #[test]
    fn update_data_replaces_it() {
        each_store(|store| {
            let sessions = manager(store, None);
            let (id, _) = sessions.create(&new_session("alice"), T0).unwrap();
            let updated = sessions
                .update_data(&id, r#"{"n":2}"#, T0 + 1)
                .unwrap()
                .unwrap();
            assert_eq!(updated.data, r#"{"n":2}"#);
            assert_eq!(
                sessions.get(&id, T0 + 2).unwrap().unwrap().data,
                r#"{"n":2}"#
            );
            sessions.revoke(&id).unwrap();
            assert!(sessions.update_data(&id, "{}", T0 + 3).unwrap().is_none());
            assert!(sessions.get(&id, T0 + 3).unwrap().is_none());
        });
    }

    #[test]
    fn limits_are_enforced() {
        let sessions = manager(Arc::new(MemoryStore::new()), None);
        let big = format!(r#"{{"x":"{}"}}"#, "a".repeat(MAX_DATA_BYTES));
        let error = sessions
            .create(
                &NewSession {
                    data: &big,
                    ..new_session("alice")
                },
                T0,
            )
            .unwrap_err();
        assert!(matches!(error, SessionError::Invalid(_)), "{error}");
        assert!(matches!(
            sessions.create(
                &NewSession {
                    ttl: Some(0),
                    ..new_session("alice")
                },
                T0
            ),
            Err(SessionError::Invalid(_))
        ));
        let agent = "é".repeat(MAX_USER_AGENT_BYTES);
        let (_, record) = sessions
            .create(
                &NewSession {
                    user_agent: Some(&agent),
                    ..new_session("alice")
                },
                T0,
            )
            .unwrap();
        let stored = record.user_agent.unwrap();
        assert_eq!(stored.len(), MAX_USER_AGENT_BYTES);
        assert!(stored.chars().all(|c| c == 'é'));
        assert!(
            SessionManager::new(
                Arc::new(MemoryStore::new()),
                SessionConfig {
                    ttl: 1,
                    idle_timeout: Some(-1)
                }
            )
            .is_err()
        );
    }

    #[test]
    fn a_failing_store_is_an_error_not_a_missing_session() {
        let store = crate::store::redis::RedisStore::open(
            "redis://127.0.0.1:1/0",
            crate::store::redis::RedisOptions::default(),
        )
        .unwrap();
        let sessions = manager(Arc::new(store), Some(MINUTE));
        let id = "A".repeat(43);
        assert!(matches!(
            sessions.validate(&id, T0, None, None),
            Err(SessionError::Store(StoreError::Unavailable { .. }))
        ));
        assert!(sessions.create(&new_session("alice"), T0).is_err());
        assert!(sessions.revoke(&id).is_err());
    }
}
