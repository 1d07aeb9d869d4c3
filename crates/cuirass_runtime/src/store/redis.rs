//! A store in Redis, for applications served from several hosts: a revocation is one `DEL`, seen
//! by every host on its next read.
//!
//! Layout (every key starts with the configured prefix, `cuirass:` by default):
//!
//! | key | type | holds |
//! | --- | --- | --- |
//! | `s:<hex SHA-256 of the id>` | hash | one session; TTL = its expiry |
//! | `u:<user id>` | set | the user's session hashes; TTL = the latest absolute expiry |
//! | `f:<counter key>` | hash | failures `n`, last failure `t`; TTL = how long it must be kept |
//! | `d:<set key>` | sorted set | members scored by when last seen; TTL = the window |
//! | `c:<claim key>` | string | a claim; TTL = the claim's |
//!
//! Every read-modify-write is a Lua script (atomic in Redis), with `now` passed in from the
//! caller's clock, so the scripts and the other stores agree on time. TTLs only reclaim memory:
//! validity is always decided by the timestamps. Scripts that revoke a user's sessions derive
//! keys from the set's members, which standalone Redis (and Sentinel setups) allow and Redis
//! Cluster does not; cluster mode is not supported.
//!
//! Connections are pooled per handle with connect, read and write timeouts, so an outage fails
//! fast instead of hanging a request. Idempotent operations retry once on a fresh connection when
//! a pooled one turns out to be dead (the server restarted); others report the failure. Pooled
//! connections are not used across `fork()`.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use redis::{Client, Connection, ErrorKind, RedisError, Script};

use super::{
    Counter, CounterPolicy, Distinct, IdHash, Millis, SessionRecord, Store, StoreError, Touch, hex,
    unhex32,
};

/// Idle connections kept per handle.
const MAX_IDLE: usize = 16;

/// Options of a [`RedisStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisOptions {
    /// Prepended to every key, so several applications (or tests) can share a database.
    pub prefix: String,
    /// Connect, read and write timeout.
    pub timeout: Duration,
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self {
            prefix: "cuirass:".to_owned(),
            timeout: Duration::from_secs(2),
        }
    }
}

struct Pool {
    pid: u32,
    idle: Vec<Connection>,
}

/// A store in one Redis database.
pub struct RedisStore {
    client: Client,
    options: RedisOptions,
    /// `redis://host:port/db`, without credentials.
    location: String,
    pool: Mutex<Pool>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("location", &self.location)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Whether an operation may be sent twice with the same effect.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Retry {
    Idempotent,
    Once,
}

static INSERT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS: session, user index. ARGV: session ttl, index ttl, member, field/value pairs...
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 1
",
    )
});

static TOUCH: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS: session. ARGV: now, ttl, field/value pairs...
local expires = redis.call('HGET', KEYS[1], 'e')
if (not expires) or tonumber(expires) <= tonumber(ARGV[1]) then
    return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
",
    )
});

static ROTATE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS: old session, new session, user index. ARGV: now, user id, old member, new member.
local fields = redis.call('HMGET', KEYS[1], 'e', 'u')
if (not fields[1]) or tonumber(fields[1]) <= tonumber(ARGV[1]) or fields[2] ~= ARGV[2] then
    return {}
end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
return redis.call('HGETALL', KEYS[2])
",
    )
});

static DELETE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS: session. ARGV: user-index key prefix, member.
local user = redis.call('HGET', KEYS[1], 'u')
if not user then
    return 0
end
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[1] .. user, ARGV[2])
return 1
",
    )
});

static DELETE_USER: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS: user index. ARGV: session key prefix, member to keep (or '').
local deleted = 0
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
    if member ~= ARGV[2] then
        deleted = deleted + redis.call('DEL', ARGV[1] .. member)
        redis.call('SREM', KEYS[1], member)
    end
end
return deleted
",
    )
});

static RECORD_FAILURE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS: counter. ARGV: now, window, threshold, base delay, max delay (CounterPolicy).
local now = tonumber(ARGV[1])
local window, threshold = tonumber(ARGV[2]), tonumber(ARGV[3])
local base, longest = tonumber(ARGV[4]), tonumber(ARGV[5])
local function retain(n)
    local delay = 0
    if n >= threshold then
        local doublings = n - threshold
        if doublings > 40 then doublings = 40 end
        delay = base * 2 ^ doublings
        if delay > longest then delay = longest end
    end
    if delay > window then return delay end
    return window
end
local fields = redis.call('HMGET', KEYS[1], 'n', 't')
local n, t = tonumber(fields[1]) or 0, tonumber(fields[2]) or now
if n > 0 and now >= t + retain(n) then n = 0 end
if n == 0 or now > t then t = now end
n = n + 1
redis.call('HSET', KEYS[1], 'n', string.format('%d', n), 't', string.format('%d', t))
local keep = t + retain(n) - now
if keep < 1 then keep = 1 end
redis.call('PEXPIRE', KEYS[1], string.format('%d', keep))
return {n, t}
",
    )
});

static ADD_DISTINCT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS: set. ARGV: now, window, member.
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now - window))
local seen = redis.call('ZSCORE', KEYS[1], ARGV[3])
if (not seen) or tonumber(seen) < now then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
end
if redis.call('PTTL', KEYS[1]) < window then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
local added = 1
if seen then added = 0 end
return {redis.call('ZCARD', KEYS[1]), added}
",
    )
});

static CLAIM: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS: claim. ARGV: now, held until, ttl. The stored value is the end of the claim, so the
-- caller's clock decides (as in the other stores); the TTL only reclaims memory.
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) > tonumber(ARGV[1]) then
    return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
",
    )
});

impl RedisStore {
    /// A store for `url` (`redis://[user:password@]host[:port][/db]`, `rediss://` is not
    /// supported, `unix:///path`). Connects lazily: an unreachable server is reported by the
    /// first operation, not here.
    pub fn open(url: &str, options: RedisOptions) -> Result<Self, StoreError> {
        if options.timeout.is_zero() || options.timeout > Duration::from_mins(10) {
            return Err(StoreError::Config(
                "the Redis timeout must be between 0 and 600 seconds".to_owned(),
            ));
        }
        let client = Client::open(url).map_err(|error| {
            // The message may quote the URL, which may hold a password: say only what is wrong.
            StoreError::Config(format!(
                "not a usable Redis URL ({:?}); expected redis://host:port/db",
                error.kind()
            ))
        })?;
        let info = client.get_connection_info();
        let location = format!("redis://{}/{}", info.addr(), info.redis_settings().db());
        Ok(Self {
            client,
            options,
            location,
            pool: Mutex::new(Pool {
                pid: std::process::id(),
                idle: Vec::new(),
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Pool> {
        self.pool
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn connect(&self) -> Result<Connection, RedisError> {
        let connection = self
            .client
            .get_connection_with_timeout(self.options.timeout)?;
        connection.set_read_timeout(Some(self.options.timeout))?;
        connection.set_write_timeout(Some(self.options.timeout))?;
        Ok(connection)
    }

    fn take(&self) -> Option<Connection> {
        let mut pool = self.lock();
        let pid = std::process::id();
        if pool.pid != pid {
            // Forked: the socket is shared with the parent; leave it to the parent.
            for connection in pool.idle.drain(..) {
                std::mem::forget(connection);
            }
            pool.pid = pid;
        }
        pool.idle.pop()
    }

    fn give_back(&self, connection: Connection) {
        let mut pool = self.lock();
        if pool.pid == std::process::id() && pool.idle.len() < MAX_IDLE {
            pool.idle.push(connection);
        }
    }

    /// Runs `work` on a pooled connection (see [`Retry`]).
    fn with<T>(
        &self,
        retry: Retry,
        work: impl Fn(&mut Connection) -> Result<T, RedisError>,
    ) -> Result<T, StoreError> {
        if let Some(mut connection) = self.take() {
            match work(&mut connection) {
                Ok(value) => {
                    self.give_back(connection);
                    return Ok(value);
                }
                Err(error) => {
                    let dead = error.is_io_error() || error.is_connection_dropped();
                    if !(dead && retry == Retry::Idempotent) {
                        return Err(self.error(&error));
                    }
                }
            }
        }
        let mut connection = self.connect().map_err(|error| self.error(&error))?;
        let value = work(&mut connection).map_err(|error| self.error(&error))?;
        self.give_back(connection);
        Ok(value)
    }

    fn error(&self, error: &RedisError) -> StoreError {
        match error.kind() {
            ErrorKind::UnexpectedReturnType | ErrorKind::Parse => StoreError::Corrupt {
                store: self.describe(),
                what: error.to_string(),
            },
            _ => StoreError::Unavailable {
                store: self.describe(),
                message: error.to_string(),
            },
        }
    }

    fn corrupt(&self, what: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            store: self.describe(),
            what: what.into(),
        }
    }

    fn key(&self, kind: &str, name: &str) -> String {
        let mut key = String::with_capacity(self.options.prefix.len() + kind.len() + name.len());
        key.push_str(&self.options.prefix);
        key.push_str(kind);
        key.push_str(name);
        key
    }

    fn session_key(&self, hash: &IdHash) -> String {
        self.key("s:", &hex(hash))
    }

    fn user_key(&self, user_id: &str) -> String {
        self.key("u:", user_id)
    }

    fn parse_session(
        &self,
        hash: IdHash,
        mut fields: HashMap<String, String>,
    ) -> Result<SessionRecord, StoreError> {
        let mut take = |name: &str| fields.remove(name);
        let int = |value: Option<String>, name: &str| -> Result<i64, StoreError> {
            value
                .and_then(|text| text.parse().ok())
                .ok_or_else(|| self.corrupt(format!("session field {name:?}")))
        };
        let user_id = take("u").ok_or_else(|| self.corrupt("session without a user"))?;
        let created_at = int(take("c"), "c")?;
        let last_seen_at = int(take("l"), "l")?;
        let expires_at = int(take("e"), "e")?;
        let absolute_expires_at = int(take("a"), "a")?;
        let idle_timeout = match take("i") {
            Some(text) => Some(int(Some(text), "i")?),
            None => None,
        };
        Ok(SessionRecord {
            hash,
            user_id,
            created_at,
            last_seen_at,
            expires_at,
            absolute_expires_at,
            idle_timeout,
            ip: take("ip"),
            user_agent: take("ua"),
            last_ip: take("lip"),
            last_user_agent: take("lua"),
            data: take("d").ok_or_else(|| self.corrupt("session without data"))?,
        })
    }

    /// Milliseconds until `at`, at least 1 (Redis refuses 0 and negative TTLs).
    fn ttl(at: Millis, now: Millis) -> i64 {
        at.saturating_sub(now).max(1)
    }
}

/// `HSET` arguments for a whole record.
fn session_fields(record: &SessionRecord) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("u", record.user_id.clone()),
        ("c", record.created_at.to_string()),
        ("l", record.last_seen_at.to_string()),
        ("e", record.expires_at.to_string()),
        ("a", record.absolute_expires_at.to_string()),
        ("d", record.data.clone()),
    ];
    let optional = [
        ("i", record.idle_timeout.map(|idle| idle.to_string())),
        ("ip", record.ip.clone()),
        ("ua", record.user_agent.clone()),
        ("lip", record.last_ip.clone()),
        ("lua", record.last_user_agent.clone()),
    ];
    fields.extend(
        optional
            .into_iter()
            .filter_map(|(name, value)| value.map(|value| (name, value))),
    );
    fields
}

impl Store for RedisStore {
    fn describe(&self) -> String {
        format!("Redis store at {}", self.location)
    }

    fn insert_session(&self, record: &SessionRecord, now: Millis) -> Result<(), StoreError> {
        let fields = session_fields(record);
        let session_key = self.session_key(&record.hash);
        let user_key = self.user_key(&record.user_id);
        let member = hex(&record.hash);
        self.with(Retry::Idempotent, |connection| {
            let mut invocation = INSERT.prepare_invoke();
            invocation
                .key(&session_key)
                .key(&user_key)
                .arg(Self::ttl(record.expires_at, now))
                .arg(Self::ttl(record.absolute_expires_at, now))
                .arg(&member);
            for (name, value) in &fields {
                invocation.arg(*name).arg(value);
            }
            invocation.invoke::<i64>(connection)
        })?;
        Ok(())
    }

    fn get_session(&self, hash: &IdHash, now: Millis) -> Result<Option<SessionRecord>, StoreError> {
        let key = self.session_key(hash);
        let fields: HashMap<String, String> = self.with(Retry::Idempotent, |connection| {
            redis::cmd("HGETALL").arg(&key).query(connection)
        })?;
        if fields.is_empty() {
            return Ok(None);
        }
        let record = self.parse_session(*hash, fields)?;
        Ok((record.expires_at > now).then_some(record))
    }

    fn touch_session(
        &self,
        hash: &IdHash,
        now: Millis,
        touch: &Touch<'_>,
    ) -> Result<bool, StoreError> {
        let key = self.session_key(hash);
        let mut fields = vec![
            ("l", touch.last_seen_at.to_string()),
            ("e", touch.expires_at.to_string()),
        ];
        let optional = [
            ("lip", touch.last_ip),
            ("lua", touch.last_user_agent),
            ("d", touch.data),
        ];
        fields.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|value| (name, value.to_owned()))),
        );
        let changed: i64 = self.with(Retry::Idempotent, |connection| {
            let mut invocation = TOUCH.prepare_invoke();
            invocation
                .key(&key)
                .arg(now)
                .arg(Self::ttl(touch.expires_at, now));
            for (name, value) in &fields {
                invocation.arg(*name).arg(value);
            }
            invocation.invoke(connection)
        })?;
        Ok(changed == 1)
    }

    fn rotate_session(
        &self,
        old: &IdHash,
        new: &IdHash,
        user_id: &str,
        now: Millis,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let (old_key, new_key) = (self.session_key(old), self.session_key(new));
        let user_key = self.user_key(user_id);
        let (old_member, new_member) = (hex(old), hex(new));
        let fields: HashMap<String, String> = self.with(Retry::Once, |connection| {
            ROTATE
                .key(&old_key)
                .key(&new_key)
                .key(&user_key)
                .arg(now)
                .arg(user_id)
                .arg(&old_member)
                .arg(&new_member)
                .invoke(connection)
        })?;
        if fields.is_empty() {
            return Ok(None);
        }
        self.parse_session(*new, fields).map(Some)
    }

    fn delete_session(&self, hash: &IdHash) -> Result<bool, StoreError> {
        let key = self.session_key(hash);
        let user_prefix = self.key("u:", "");
        let member = hex(hash);
        let deleted: i64 = self.with(Retry::Idempotent, |connection| {
            DELETE
                .key(&key)
                .arg(&user_prefix)
                .arg(&member)
                .invoke(connection)
        })?;
        Ok(deleted == 1)
    }

    fn delete_user_sessions(
        &self,
        user_id: &str,
        except: Option<&IdHash>,
    ) -> Result<u64, StoreError> {
        let user_key = self.user_key(user_id);
        let session_prefix = self.key("s:", "");
        let keep = except.map(|hash| hex(hash)).unwrap_or_default();
        let deleted: i64 = self.with(Retry::Idempotent, |connection| {
            DELETE_USER
                .key(&user_key)
                .arg(&session_prefix)
                .arg(&keep)
                .invoke(connection)
        })?;
        Ok(u64::try_from(deleted).unwrap_or(0))
    }

    fn user_sessions(&self, user_id: &str, now: Millis) -> Result<Vec<SessionRecord>, StoreError> {
        let user_key = self.user_key(user_id);
        let members: Vec<String> = self.with(Retry::Idempotent, |connection| {
            redis::cmd("SMEMBERS").arg(&user_key).query(connection)
        })?;
        let hashes: Vec<IdHash> = members
            .iter()
            .map(|member| unhex32(member).ok_or_else(|| self.corrupt("a session index member")))
            .collect::<Result<_, _>>()?;
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = hashes.iter().map(|hash| self.session_key(hash)).collect();
        let all: Vec<HashMap<String, String>> = self.with(Retry::Idempotent, |connection| {
            let mut pipe = redis::pipe();
            for key in &keys {
                pipe.cmd("HGETALL").arg(key);
            }
            pipe.query(connection)
        })?;
        let mut records = Vec::with_capacity(all.len());
        let mut gone = Vec::new();
        for ((hash, member), fields) in hashes.iter().zip(&members).zip(all) {
            if fields.is_empty() {
                gone.push(member.as_str());
                continue;
            }
            let record = self.parse_session(*hash, fields)?;
            if record.expires_at > now {
                records.push(record);
            }
        }
        if !gone.is_empty() {
            // Expired by TTL: drop them from the index too.
            self.with(Retry::Idempotent, |connection| {
                redis::cmd("SREM")
                    .arg(&user_key)
                    .arg(&gone)
                    .query::<i64>(connection)
            })?;
        }
        records.sort_by_key(|record| (record.created_at, record.hash));
        Ok(records)
    }

    fn record_failure(
        &self,
        key: &str,
        now: Millis,
        policy: &CounterPolicy,
    ) -> Result<Counter, StoreError> {
        let key = self.key("f:", key);
        let (failures, last_failure): (i64, i64) = self.with(Retry::Once, |connection| {
            RECORD_FAILURE
                .key(&key)
                .arg(now)
                .arg(policy.window)
                .arg(policy.threshold)
                .arg(policy.base_delay)
                .arg(policy.max_delay)
                .invoke(connection)
        })?;
        Ok(Counter {
            failures: u32::try_from(failures).map_err(|_| self.corrupt("a failure count"))?,
            last_failure,
        })
    }

    fn counter(
        &self,
        key: &str,
        now: Millis,
        policy: &CounterPolicy,
    ) -> Result<Option<Counter>, StoreError> {
        let key = self.key("f:", key);
        let (failures, last_failure): (Option<String>, Option<String>) =
            self.with(Retry::Idempotent, |connection| {
                redis::cmd("HMGET")
                    .arg(&key)
                    .arg("n")
                    .arg("t")
                    .query(connection)
            })?;
        let (Some(failures), Some(last_failure)) = (failures, last_failure) else {
            return Ok(None);
        };
        let counter = Counter {
            failures: failures
                .parse()
                .map_err(|_| self.corrupt("a failure count"))?,
            last_failure: last_failure
                .parse()
                .map_err(|_| self.corrupt("a failure time"))?,
        };
        Ok((!policy.is_stale(&counter, now)).then_some(counter))
    }

    fn reset_counter(&self, key: &str) -> Result<(), StoreError> {
        let key = self.key("f:", key);
        self.with(Retry::Idempotent, |connection| {
            redis::cmd("DEL").arg(&key).query::<i64>(connection)
        })?;
        Ok(())
    }

    fn add_distinct(
        &self,
        key: &str,
        member: &str,
        now: Millis,
        window: i64,
    ) -> Result<Distinct, StoreError> {
        let key = self.key("d:", key);
        let (count, added): (i64, i64) = self.with(Retry::Once, |connection| {
            ADD_DISTINCT
                .key(&key)
                .arg(now)
                .arg(window)
                .arg(member)
                .invoke(connection)
        })?;
        Ok(Distinct {
            count: u64::try_from(count).unwrap_or(0),
            added: added == 1,
        })
    }

    fn claim(&self, key: &str, now: Millis, ttl: i64) -> Result<bool, StoreError> {
        let key = self.key("c:", key);
        let ttl = ttl.max(1);
        let claimed: i64 = self.with(Retry::Once, |connection| {
            CLAIM
                .key(&key)
                .arg(now)
                .arg(now.saturating_add(ttl))
                .arg(ttl)
                .invoke(connection)
        })?;
        Ok(claimed == 1)
    }

    fn purge_expired(&self, _now: Millis) -> Result<u64, StoreError> {
        // Redis expires keys itself.
        Ok(0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::conformance;

    /// The test server: `CUIRASS_TEST_REDIS_URL` (default database 15 on loopback). `None` (the
    /// caller skips) when it does not answer, except under `CI=true`, where that fails the test.
    #[allow(clippy::print_stderr, reason = "a skipped test says why")]
    pub(crate) fn test_url() -> Option<String> {
        let url = std::env::var("CUIRASS_TEST_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379/15".to_owned());
        let probe = RedisStore::open(&url, RedisOptions::default())
            .and_then(|store| store.get_session(&[0; 32], 0));
        match probe {
            Ok(_) => Some(url),
            Err(error) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("CI=true but the test Redis at {url} is not usable: {error}")
            }
            Err(error) => {
                eprintln!(
                    "skipped: no Redis for the tests at {url} ({error}); set CUIRASS_TEST_REDIS_URL or start redis-server"
                );
                None
            }
        }
    }

    /// A store whose keys no other test touches.
    pub(crate) fn fresh(url: &str) -> RedisStore {
        let prefix = format!(
            "cuirass-test:{}:",
            hex(&crate::random::array::<8>().unwrap())
        );
        RedisStore::open(
            url,
            RedisOptions {
                prefix,
                ..RedisOptions::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn conformance() {
        let Some(url) = test_url() else { return };
        conformance::run_all(&|| Box::new(fresh(&url)));
    }

    #[test]
    fn keys_are_prefixed_and_expire() {
        let Some(url) = test_url() else { return };
        let store = fresh(&url);
        let now = crate::store::now_millis();
        assert!(store.claim("k", now, 60_000).unwrap());
        let mut connection = store.connect().unwrap();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", store.options.prefix))
            .query(&mut connection)
            .unwrap();
        assert_eq!(keys, vec![format!("{}c:k", store.options.prefix)]);
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&keys[0])
            .query(&mut connection)
            .unwrap();
        assert!((1..=60_000).contains(&ttl), "{ttl}");
    }

    #[test]
    fn sessions_expired_by_ttl_leave_the_user_index() {
        let Some(url) = test_url() else { return };
        let store = fresh(&url);
        let now = crate::store::now_millis();
        let mut record = SessionRecord {
            hash: [3; 32],
            user_id: "alice".to_owned(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + 60_000,
            absolute_expires_at: now + 60_000,
            idle_timeout: None,
            ip: None,
            user_agent: None,
            last_ip: None,
            last_user_agent: None,
            data: "{}".to_owned(),
        };
        store.insert_session(&record, now).unwrap();
        record.hash = [4; 32];
        store.insert_session(&record, now).unwrap();
        // What Redis does when the TTL runs out, without waiting for it.
        let mut connection = store.connect().unwrap();
        let _: i64 = redis::cmd("DEL")
            .arg(store.session_key(&[3; 32]))
            .query(&mut connection)
            .unwrap();
        let listed = store.user_sessions("alice", now).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].hash, [4; 32]);
        let members: Vec<String> = redis::cmd("SMEMBERS")
            .arg(store.user_key("alice"))
            .query(&mut connection)
            .unwrap();
        assert_eq!(members, vec![hex(&[4; 32])]);
        let ttl: i64 = redis::cmd("PTTL")
            .arg(store.user_key("alice"))
            .query(&mut connection)
            .unwrap();
        assert!((1..=60_000).contains(&ttl), "{ttl}");
        assert_eq!(store.delete_user_sessions("alice", None).unwrap(), 1);
    }

    #[test]
    fn a_closed_port_is_unavailable_and_fast() {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let store = RedisStore::open(
            "redis://:hunter2@127.0.0.1:1/0",
            RedisOptions {
                timeout: Duration::from_millis(500),
                ..RedisOptions::default()
            },
        )
        .unwrap();
        let started = std::time::Instant::now();
        let error = store.get_session(&[1; 32], 0).unwrap_err();
        assert!(matches!(error, StoreError::Unavailable { .. }), "{error}");
        let message = error.to_string();
        assert!(message.contains("redis://127.0.0.1:1/0"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(store.claim("k", 0, 10).is_err());
        assert!(
            store
                .record_failure(
                    "k",
                    0,
                    &CounterPolicy {
                        window: 1,
                        threshold: 1,
                        base_delay: 1,
                        max_delay: 1
                    }
                )
                .is_err()
        );
    }

    #[test]
    fn bad_urls_are_configuration_errors_without_the_password() {
        let error =
            RedisStore::open("http://:hunter2@example.com", RedisOptions::default()).unwrap_err();
        assert!(matches!(error, StoreError::Config(_)), "{error}");
        assert!(!error.to_string().contains("hunter2"));
    }
}
