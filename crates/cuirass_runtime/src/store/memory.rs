//! An in-process store behind one mutex: for tests and single-process development servers.
//! Nothing survives the process, and other processes do not see it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};

use super::{
    Counter, CounterPolicy, Distinct, IdHash, Millis, SessionRecord, Store, StoreError, Touch,
};

#[derive(Default)]
struct Inner {
    sessions: BTreeMap<IdHash, SessionRecord>,
    by_user: BTreeMap<String, BTreeSet<IdHash>>,
    /// Each counter with the time it may be forgotten.
    counters: BTreeMap<String, (Counter, Millis)>,
    /// Each set's members (with when they were seen) and the time the set may be forgotten.
    distinct: BTreeMap<String, (BTreeMap<String, Millis>, Millis)>,
    claims: BTreeMap<String, Millis>,
}

impl Inner {
    fn remove_session(&mut self, hash: &IdHash) -> Option<SessionRecord> {
        let record = self.sessions.remove(hash)?;
        if let Some(hashes) = self.by_user.get_mut(&record.user_id) {
            hashes.remove(hash);
            if hashes.is_empty() {
                self.by_user.remove(&record.user_id);
            }
        }
        Some(record)
    }
}

/// The in-memory store.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave `Inner` half-updated in a way that breaks a
        // security property (each operation's writes are independent), so keep serving.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Store for MemoryStore {
    fn describe(&self) -> String {
        "in-memory store".to_owned()
    }

    fn insert_session(&self, record: &SessionRecord, _now: Millis) -> Result<(), StoreError> {
        let mut inner = self.lock();
        inner
            .by_user
            .entry(record.user_id.clone())
            .or_default()
            .insert(record.hash);
        inner.sessions.insert(record.hash, record.clone());
        Ok(())
    }

    fn get_session(&self, hash: &IdHash, now: Millis) -> Result<Option<SessionRecord>, StoreError> {
        let inner = self.lock();
        Ok(inner
            .sessions
            .get(hash)
            .filter(|record| record.expires_at > now)
            .cloned())
    }

    fn touch_session(
        &self,
        hash: &IdHash,
        now: Millis,
        touch: &Touch<'_>,
    ) -> Result<bool, StoreError> {
        let mut inner = self.lock();
        let Some(record) = inner
            .sessions
            .get_mut(hash)
            .filter(|record| record.expires_at > now)
        else {
            return Ok(false);
        };
        record.last_seen_at = touch.last_seen_at;
        record.expires_at = touch.expires_at;
        if let Some(ip) = touch.last_ip {
            record.last_ip = Some(ip.to_owned());
        }
        if let Some(agent) = touch.last_user_agent {
            record.last_user_agent = Some(agent.to_owned());
        }
        if let Some(data) = touch.data {
            data.clone_into(&mut record.data);
        }
        Ok(true)
    }

    fn rotate_session(
        &self,
        old: &IdHash,
        new: &IdHash,
        user_id: &str,
        now: Millis,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let mut inner = self.lock();
        let valid = inner
            .sessions
            .get(old)
            .is_some_and(|record| record.expires_at > now && record.user_id == user_id);
        if !valid {
            return Ok(None);
        }
        let Some(mut record) = inner.remove_session(old) else {
            return Ok(None);
        };
        record.hash = *new;
        inner
            .by_user
            .entry(record.user_id.clone())
            .or_default()
            .insert(*new);
        inner.sessions.insert(*new, record.clone());
        Ok(Some(record))
    }

    fn delete_session(&self, hash: &IdHash) -> Result<bool, StoreError> {
        Ok(self.lock().remove_session(hash).is_some())
    }

    fn delete_user_sessions(
        &self,
        user_id: &str,
        except: Option<&IdHash>,
    ) -> Result<u64, StoreError> {
        let mut inner = self.lock();
        let hashes: Vec<IdHash> = inner
            .by_user
            .get(user_id)
            .map(|hashes| {
                hashes
                    .iter()
                    .filter(|hash| Some(*hash) != except)
                    .copied()
                    .collect()
            })
            .unwrap_or_default();
        let mut deleted = 0;
        for hash in &hashes {
            if inner.remove_session(hash).is_some() {
                deleted += 1;
            }
        }
        Ok(deleted)
    }

    fn user_sessions(&self, user_id: &str, now: Millis) -> Result<Vec<SessionRecord>, StoreError> {
        let inner = self.lock();
        let mut records: Vec<SessionRecord> = inner
            .by_user
            .get(user_id)
            .into_iter()
            .flatten()
            .filter_map(|hash| inner.sessions.get(hash))
            .filter(|record| record.expires_at > now)
            .cloned()
            .collect();
        records.sort_by_key(|record| (record.created_at, record.hash));
        Ok(records)
    }

    fn record_failure(
        &self,
        key: &str,
        now: Millis,
        policy: &CounterPolicy,
    ) -> Result<Counter, StoreError> {
        let mut inner = self.lock();
        let counter = match inner.counters.get(key) {
            Some((counter, _)) if !policy.is_stale(counter, now) => Counter {
                failures: counter.failures.saturating_add(1),
                last_failure: counter.last_failure.max(now),
            },
            _ => Counter {
                failures: 1,
                last_failure: now,
            },
        };
        let keep_until = counter
            .last_failure
            .saturating_add(policy.retain(counter.failures));
        inner.counters.insert(key.to_owned(), (counter, keep_until));
        Ok(counter)
    }

    fn counter(
        &self,
        key: &str,
        now: Millis,
        policy: &CounterPolicy,
    ) -> Result<Option<Counter>, StoreError> {
        Ok(self
            .lock()
            .counters
            .get(key)
            .map(|(counter, _)| *counter)
            .filter(|counter| !policy.is_stale(counter, now)))
    }

    fn reset_counter(&self, key: &str) -> Result<(), StoreError> {
        self.lock().counters.remove(key);
        Ok(())
    }

    fn add_distinct(
        &self,
        key: &str,
        member: &str,
        now: Millis,
        window: i64,
    ) -> Result<Distinct, StoreError> {
        let mut inner = self.lock();
        let (members, keep_until) = inner.distinct.entry(key.to_owned()).or_default();
        let horizon = now.saturating_sub(window);
        members.retain(|_, seen| *seen > horizon);
        let added = members.insert(member.to_owned(), now).is_none();
        *keep_until = (*keep_until).max(now.saturating_add(window));
        let count = u64::try_from(members.len()).unwrap_or(u64::MAX);
        Ok(Distinct { count, added })
    }

    fn claim(&self, key: &str, now: Millis, ttl: i64) -> Result<bool, StoreError> {
        let mut inner = self.lock();
        if inner.claims.get(key).is_some_and(|until| *until > now) {
            return Ok(false);
        }
        inner.claims.insert(key.to_owned(), now.saturating_add(ttl));
        Ok(true)
    }

    fn purge_expired(&self, now: Millis) -> Result<u64, StoreError> {
        let mut inner = self.lock();
        let expired: Vec<IdHash> = inner
            .sessions
            .values()
            .filter(|record| record.expires_at <= now)
            .map(|record| record.hash)
            .collect();
        let mut purged = 0_u64;
        for hash in &expired {
            inner.remove_session(hash);
            purged += 1;
        }
        let before = inner.claims.len() + inner.counters.len() + inner.distinct.len();
        inner.claims.retain(|_, until| *until > now);
        inner
            .counters
            .retain(|_, (_, keep_until)| *keep_until > now);
        inner
            .distinct
            .retain(|_, (_, keep_until)| *keep_until > now);
        let after = inner.claims.len() + inner.counters.len() + inner.distinct.len();
        Ok(purged + u64::try_from(before.saturating_sub(after)).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::MemoryStore;
    use crate::store::conformance;

    #[test]
    fn conformance() {
        conformance::run_all(&|| Box::new(MemoryStore::new()));
    }
}
