//! The embedded default: one SQLite file, shared safely by every thread and every process that
//! opens it (several web-server workers on one host).
//!
//! - **Concurrency.** The database is in WAL mode: readers never wait for the writer, so session
//!   validation (a read) scales with processes. Writers queue on SQLite's lock with a busy
//!   timeout; a single-statement write is atomic by itself, and every read-modify-write runs in a
//!   `BEGIN IMMEDIATE` transaction, which takes the write lock before reading, so two processes
//!   can never both read the old value.
//! - **Durability.** `synchronous=FULL` by default: a revocation that returned survives a power
//!   cut. `NORMAL` is faster for write-heavy loads and only risks the last transactions on an OS
//!   crash (never on an application crash).
//! - **Files.** The database is created with mode 0600 (SQLite gives its `-wal` and `-shm` files
//!   the same mode). The schema is versioned with `PRAGMA user_version`; a newer version is
//!   refused rather than misread.
//! - **Connections.** A small pool, one connection per concurrent caller. Connections are not
//!   carried across `fork()`: a child process discovers the new pid and opens its own (the
//!   inherited ones are leaked, not closed, as SQLite requires).
//! - **Expiry.** Every read compares timestamps with `now`; expired rows are deleted by
//!   [`Store::purge_expired`], which writes also run at most once a minute per handle.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};

use super::{
    Counter, CounterPolicy, Distinct, IdHash, Millis, SessionRecord, Store, StoreError, Touch,
};

/// The schema this code writes. Bump it with a migration step in [`migrate`].
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sessions (
    hash BLOB PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    absolute_expires_at INTEGER NOT NULL,
    idle_timeout INTEGER,
    ip TEXT,
    user_agent TEXT,
    last_ip TEXT,
    last_user_agent TEXT,
    data TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_failure INTEGER NOT NULL,
    keep_until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counters_by_expiry ON counters (keep_until);
CREATE TABLE IF NOT EXISTS distinct_members (
    set_key TEXT NOT NULL,
    member TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    keep_until INTEGER NOT NULL,
    PRIMARY KEY (set_key, member)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS distinct_by_expiry ON distinct_members (keep_until);
CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_by_expiry ON claims (expires_at);
";

/// The session columns in [`session_from_row`]'s order: a macro, so statements are literals
/// (`concat!`) and the hot path builds no SQL strings.
macro_rules! session_columns {
    () => {
        "hash, user_id, created_at, last_seen_at, expires_at, absolute_expires_at, \
         idle_timeout, ip, user_agent, last_ip, last_user_agent, data"
    };
}

/// How often (at most) writes also delete expired rows, per handle.
const PURGE_INTERVAL: Millis = 60_000;

/// Idle connections kept per handle; more concurrent callers open (and then close) extra ones.
const MAX_IDLE: usize = 8;

/// `PRAGMA synchronous` for the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// Every commit is flushed to disk before it returns.
    #[default]
    Full,
    /// WAL commits are flushed at checkpoints: safe against application crashes.
    Normal,
}

/// Options of a [`SqliteStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// How long to wait for another process's write lock before failing.
    pub busy_timeout: Duration,
    pub synchronous: Synchronous,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(5),
            synchronous: Synchronous::Full,
        }
    }
}

struct Pool {
    pid: u32,
    idle: Vec<Connection>,
}

/// A store in one SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    options: SqliteOptions,
    pool: Mutex<Pool>,
    last_purge: AtomicI64,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed, with mode 0600) the store at `path` and brings its schema up to
    /// date. Fails if the file cannot be created or opened, is not a database, or has a newer
    /// schema.
    pub fn open(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        if options.busy_timeout > Duration::from_hours(1) {
            return Err(StoreError::Config(
                "the SQLite busy timeout must be at most an hour".to_owned(),
            ));
        }
        let store = Self {
            path,
            options,
            pool: Mutex::new(Pool {
                pid: std::process::id(),
                idle: Vec::new(),
            }),
            last_purge: AtomicI64::new(0),
        };
        store.create_file()?;
        let mut connection = store.connect()?;
        store.migrate(&mut connection)?;
        store.lock().idle.push(connection);
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the file with owner-only permissions before SQLite does (SQLite would use the
    /// umask, typically 0644: readable by every local user).
    fn create_file(&self) -> Result<(), StoreError> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&self.path) {
            Ok(_) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(error) => Err(self.unavailable(format!("cannot create the file: {error}"))),
        }
    }

    fn connect(&self) -> Result<Connection, StoreError> {
        // No CREATE: the file exists (see `create_file`); if it vanished, fail rather than
        // silently starting an empty store with default permissions.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let connection =
            Connection::open_with_flags(&self.path, flags).map_err(|error| self.error(error))?;
        self.configure(&connection)?;
        Ok(connection)
    }

    fn configure(&self, connection: &Connection) -> Result<(), StoreError> {
        let sql = |error| self.error(error);
        connection
            .busy_timeout(self.options.busy_timeout)
            .map_err(sql)?;
        connection.set_prepared_statement_cache_capacity(32);
        let mode: String = connection
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .map_err(sql)?;
        if !mode.eq_ignore_ascii_case("wal") {
            let mode: String = connection
                .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
                .map_err(sql)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(self.unavailable(format!(
                    "could not switch the journal to WAL (it is {mode})"
                )));
            }
        }
        let synchronous = match self.options.synchronous {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        };
        connection
            .pragma_update(None, "synchronous", synchronous)
            .map_err(sql)?;
        // Defence in depth: this database holds only our tables, never code.
        connection
            .pragma_update(None, "trusted_schema", "OFF")
            .map_err(sql)?;
        Ok(())
    }

    /// Creates or upgrades the schema, under the write lock so concurrent openers do it once.
    fn migrate(&self, connection: &mut Connection) -> Result<(), StoreError> {
        let sql = |error| self.error(error);
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let version: i64 = transaction
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sql)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Schema {
                store: self.describe(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            transaction.execute_batch(SCHEMA).map_err(sql)?;
            transaction
                .pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(sql)?;
        }
        transaction.commit().map_err(sql)
    }

    fn lock(&self) -> MutexGuard<'_, Pool> {
        self.pool
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `work` on a pooled connection. A connection that failed is dropped, not pooled.
    fn with<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let pooled = {
            let mut pool = self.lock();
            let pid = std::process::id();
            if pool.pid != pid {
                // Forked: the parent's connections must not be used, nor closed, here.
                for connection in pool.idle.drain(..) {
                    std::mem::forget(connection);
                }
                pool.pid = pid;
            }
            pool.idle.pop()
        };
        let mut connection = match pooled {
            Some(connection) => connection,
            None => self.connect()?,
        };
        let result = work(&mut connection).map_err(|error| self.error(error));
        if result.is_ok() {
            let mut pool = self.lock();
            if pool.pid == std::process::id() && pool.idle.len() < MAX_IDLE {
                pool.idle.push(connection);
            }
        }
        result
    }

    /// Runs `work` in a `BEGIN IMMEDIATE` transaction.
    fn write<T>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        self.with(|connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = work(&transaction)?;
            transaction.commit()?;
            Ok(value)
        })
    }

    /// Purges expired rows if the last purge by this handle is old enough; best effort.
    fn maybe_purge(&self, now: Millis) {
        let last = self.last_purge.load(Ordering::Relaxed);
        if now.saturating_sub(last) < PURGE_INTERVAL {
            return;
        }
        if self
            .last_purge
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            // A failed purge changes nothing that matters: expired rows are never returned.
            let _ = self.purge_expired(now);
        }
    }

    fn unavailable(&self, message: String) -> StoreError {
        StoreError::Unavailable {
            store: self.describe(),
            message,
        }
    }

    fn error(&self, error: rusqlite::Error) -> StoreError {
        match error {
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::InvalidColumnType(..) => StoreError::Corrupt {
                store: self.describe(),
                what: error.to_string(),
            },
            error => self.unavailable(error.to_string()),
        }
    }
}

fn session_from_row(row: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    let hash: Vec<u8> = row.get(0)?;
    let hash: IdHash = hash.try_into().map_err(|bytes: Vec<u8>| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Blob,
            format!("a session hash of {} bytes", bytes.len()).into(),
        )
    })?;
    Ok(SessionRecord {
        hash,
        user_id: row.get(1)?,
        created_at: row.get(2)?,
        last_seen_at: row.get(3)?,
        expires_at: row.get(4)?,
        absolute_expires_at: row.get(5)?,
        idle_timeout: row.get(6)?,
        ip: row.get(7)?,
        user_agent: row.get(8)?,
        last_ip: row.get(9)?,
        last_user_agent: row.get(10)?,
        data: row.get(11)?,
    })
}

fn counter_from_row(row: &Row<'_>) -> rusqlite::Result<Counter> {
    let failures: i64 = row.get(0)?;
    Ok(Counter {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        last_failure: row.get(1)?,
    })
}

impl Store for SqliteStore {
    fn describe(&self) -> String {
        format!("SQLite store at {}", self.path.display())
    }

    fn insert_session(&self, record: &SessionRecord, now: Millis) -> Result<(), StoreError> {
        self.with(|connection| {
            connection
                .prepare_cached(concat!(
                    "INSERT INTO sessions (",
                    session_columns!(),
                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                ))?
                .execute(params![
                    &record.hash[..],
                    record.user_id,
                    record.created_at,
                    record.last_seen_at,
                    record.expires_at,
                    record.absolute_expires_at,
                    record.idle_timeout,
                    record.ip,
                    record.user_agent,
                    record.last_ip,
                    record.last_user_agent,
                    record.data,
                ])
        })?;
        self.maybe_purge(now);
        Ok(())
    }

    fn get_session(&self, hash: &IdHash, now: Millis) -> Result<Option<SessionRecord>, StoreError> {
        self.with(|connection| {
            connection
                .prepare_cached(concat!(
                    "SELECT ",
                    session_columns!(),
                    " FROM sessions WHERE hash = ?1 AND expires_at > ?2"
                ))?
                .query_row(params![&hash[..], now], session_from_row)
                .optional()
        })
    }

    fn touch_session(
        &self,
        hash: &IdHash,
        now: Millis,
        touch: &Touch<'_>,
    ) -> Result<bool, StoreError> {
        // One conditional UPDATE: atomic, and it cannot re-create a deleted row.
        let changed = self.with(|connection| {
            connection
                .prepare_cached(
                    "UPDATE sessions SET last_seen_at = ?3, expires_at = ?4, \
                     last_ip = coalesce(?5, last_ip), \
                     last_user_agent = coalesce(?6, last_user_agent), \
                     data = coalesce(?7, data) \
                     WHERE hash = ?1 AND expires_at > ?2",
                )?
                .execute(params![
                    &hash[..],
                    now,
                    touch.last_seen_at,
                    touch.expires_at,
                    touch.last_ip,
                    touch.last_user_agent,
                    touch.data,
                ])
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
        // Changing the primary key in place moves the row atomically.
        self.with(|connection| {
            connection
                .prepare_cached(concat!(
                    "UPDATE sessions SET hash = ?2 \
                     WHERE hash = ?1 AND user_id = ?3 AND expires_at > ?4 \
                     RETURNING ",
                    session_columns!()
                ))?
                .query_row(params![&old[..], &new[..], user_id, now], session_from_row)
                .optional()
        })
    }

    fn delete_session(&self, hash: &IdHash) -> Result<bool, StoreError> {
        let deleted = self.with(|connection| {
            connection
                .prepare_cached("DELETE FROM sessions WHERE hash = ?1")?
                .execute(params![&hash[..]])
        })?;
        Ok(deleted == 1)
    }

    fn delete_user_sessions(
        &self,
        user_id: &str,
        except: Option<&IdHash>,
    ) -> Result<u64, StoreError> {
        let except = except.map(|hash| &hash[..]);
        let deleted = self.with(|connection| {
            connection
                .prepare_cached(
                    "DELETE FROM sessions WHERE user_id = ?1 AND (?2 IS NULL OR hash != ?2)",
                )?
                .execute(params![user_id, except])
        })?;
        Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
    }

    fn user_sessions(&self, user_id: &str, now: Millis) -> Result<Vec<SessionRecord>, StoreError> {
        self.with(|connection| {
            connection
                .prepare_cached(concat!(
                    "SELECT ",
                    session_columns!(),
                    " FROM sessions WHERE user_id = ?1 AND expires_at > ?2 \
                     ORDER BY created_at, hash"
                ))?
                .query_map(params![user_id, now], session_from_row)?
                .collect()
        })
    }

    fn record_failure(
        &self,
        key: &str,
        now: Millis,
        policy: &CounterPolicy,
    ) -> Result<Counter, StoreError> {
        let counter = self.write(|transaction| {
            let previous = transaction
                .prepare_cached("SELECT failures, last_failure FROM counters WHERE key = ?1")?
                .query_row(params![key], counter_from_row)
                .optional()?;
            let counter = match previous {
                Some(counter) if !policy.is_stale(&counter, now) => Counter {
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
            transaction
                .prepare_cached(
                    "INSERT INTO counters (key, failures, last_failure, keep_until) \
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE SET \
                     failures = excluded.failures, last_failure = excluded.last_failure, \
                     keep_until = excluded.keep_until",
                )?
                .execute(params![
                    key,
                    i64::from(counter.failures),
                    counter.last_failure,
                    keep_until
                ])?;
            Ok(counter)
        })?;
        self.maybe_purge(now);
        Ok(counter)
    }

    fn counter(
        &self,
        key: &str,
        now: Millis,
        policy: &CounterPolicy,
    ) -> Result<Option<Counter>, StoreError> {
        let counter = self.with(|connection| {
            connection
                .prepare_cached("SELECT failures, last_failure FROM counters WHERE key = ?1")?
                .query_row(params![key], counter_from_row)
                .optional()
        })?;
        Ok(counter.filter(|counter| !policy.is_stale(counter, now)))
    }

    fn reset_counter(&self, key: &str) -> Result<(), StoreError> {
        self.with(|connection| {
            connection
                .prepare_cached("DELETE FROM counters WHERE key = ?1")?
                .execute(params![key])
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
        let horizon = now.saturating_sub(window);
        let keep_until = now.saturating_add(window);
        self.write(|transaction| {
            transaction
                .prepare_cached(
                    "DELETE FROM distinct_members WHERE set_key = ?1 AND seen_at <= ?2",
                )?
                .execute(params![key, horizon])?;
            let added = transaction
                .prepare_cached(
                    "INSERT INTO distinct_members (set_key, member, seen_at, keep_until) \
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (set_key, member) DO NOTHING",
                )?
                .execute(params![key, member, now, keep_until])?
                == 1;
            if !added {
                transaction
                    .prepare_cached(
                        "UPDATE distinct_members SET seen_at = max(seen_at, ?3), \
                         keep_until = max(keep_until, ?4) WHERE set_key = ?1 AND member = ?2",
                    )?
                    .execute(params![key, member, now, keep_until])?;
            }
            let count: i64 = transaction
                .prepare_cached("SELECT count(*) FROM distinct_members WHERE set_key = ?1")?
                .query_row(params![key], |row| row.get(0))?;
            Ok(Distinct {
                count: u64::try_from(count).unwrap_or(0),
                added,
            })
        })
    }

    fn claim(&self, key: &str, now: Millis, ttl: i64) -> Result<bool, StoreError> {
        // Inserted, or taken over from an expired claim, in one statement.
        let changed = self.with(|connection| {
            connection
                .prepare_cached(
                    "INSERT INTO claims (key, expires_at) VALUES (?1, ?3) \
                     ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at \
                     WHERE claims.expires_at <= ?2",
                )?
                .execute(params![key, now, now.saturating_add(ttl)])
        })?;
        self.maybe_purge(now);
        Ok(changed == 1)
    }

    fn purge_expired(&self, now: Millis) -> Result<u64, StoreError> {
        let purged = self.write(|transaction| {
            let mut purged = 0;
            for sql in [
                "DELETE FROM sessions WHERE expires_at <= ?1",
                "DELETE FROM counters WHERE keep_until <= ?1",
                "DELETE FROM distinct_members WHERE keep_until <= ?1",
                "DELETE FROM claims WHERE expires_at <= ?1",
            ] {
                purged += transaction.prepare_cached(sql)?.execute(params![now])?;
            }
            Ok(purged)
        })?;
        Ok(u64::try_from(purged).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::conformance;

    fn open(path: &Path) -> SqliteStore {
        SqliteStore::open(path, SqliteOptions::default()).unwrap()
    }

    #[test]
    fn conformance() {
        let dir = tempfile::tempdir().unwrap();
        let counter = std::sync::atomic::AtomicUsize::new(0);
        conformance::run_all(&|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            Box::new(open(&dir.path().join(format!("store-{n}.db"))))
        });
    }

    #[test]
    fn two_handles_share_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let (a, b) = (open(&path), open(&path));
        assert!(a.claim("k", 0, 1_000).unwrap());
        assert!(!b.claim("k", 1, 1_000).unwrap());
        let record = SessionRecord {
            hash: [7; 32],
            user_id: "u".to_owned(),
            created_at: 0,
            last_seen_at: 0,
            expires_at: 100,
            absolute_expires_at: 100,
            idle_timeout: None,
            ip: None,
            user_agent: None,
            last_ip: None,
            last_user_agent: None,
            data: "{}".to_owned(),
        };
        a.insert_session(&record, 0).unwrap();
        assert!(b.get_session(&[7; 32], 1).unwrap().is_some());
        assert!(b.delete_session(&[7; 32]).unwrap());
        assert!(a.get_session(&[7; 32], 1).unwrap().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn file_is_private_and_in_wal_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("private.db");
        let store = open(&path);
        assert!(store.claim("k", 0, 1_000).unwrap());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
        let wal = dir.path().join("private.db-wal");
        let mode = std::fs::metadata(&wal).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "-wal mode {mode:o}");
        let connection = Connection::open(&path).unwrap();
        let journal: String = connection
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(journal, "wal");
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        drop(open(&path));
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let error = SqliteStore::open(&path, SqliteOptions::default()).unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::Schema {
                    found: 2,
                    supported: 1,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn unusable_paths_are_unavailable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, b"not a directory").unwrap();
        let error = SqliteStore::open(file.join("store.db"), SqliteOptions::default()).unwrap_err();
        assert!(matches!(error, StoreError::Unavailable { .. }), "{error}");
        assert!(error.to_string().contains("plain-file"), "{error}");

        std::fs::write(dir.path().join("garbage.db"), [0x55_u8; 4096]).unwrap();
        let error =
            SqliteStore::open(dir.path().join("garbage.db"), SqliteOptions::default()).unwrap_err();
        assert!(matches!(error, StoreError::Unavailable { .. }), "{error}");
    }

    #[test]
    fn a_held_write_lock_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locked.db");
        let store = SqliteStore::open(
            &path,
            SqliteOptions {
                busy_timeout: Duration::from_millis(20),
                ..SqliteOptions::default()
            },
        )
        .unwrap();
        let holder = Connection::open(&path).unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let error = store.claim("k", 0, 1_000).unwrap_err();
        assert!(matches!(error, StoreError::Unavailable { .. }), "{error}");
        assert!(error.to_string().contains("locked"), "{error}");
        // Reads go on in WAL mode while another process writes.
        assert!(store.get_session(&[1; 32], 0).unwrap().is_none());
        holder.execute_batch("COMMIT").unwrap();
        assert!(store.claim("k", 0, 1_000).unwrap());
    }

    #[test]
    fn malformed_rows_are_corrupt_not_absent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd.db");
        let store = open(&path);
        Connection::open(&path)
            .unwrap()
            .execute(
                "INSERT INTO sessions VALUES (?1, 'u', 0, 0, 100, 100, NULL, NULL, NULL, NULL, NULL, '{}')",
                params![&[9_u8; 5][..]],
            )
            .unwrap();
        let error = store.user_sessions("u", 0).unwrap_err();
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    }

    #[test]
    fn purge_deletes_expired_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir.path().join("purge.db"));
        assert!(store.claim("a", 0, 10).unwrap());
        assert!(store.claim("b", 0, 1_000).unwrap());
        assert_eq!(store.purge_expired(500).unwrap(), 1);
        assert_eq!(store.purge_expired(500).unwrap(), 0);
    }
}
