//! `cuirass db update`: download osv.dev's PyPI export over HTTPS (ureq on rustls; no OpenSSL),
//! conditionally (`If-None-Match`/`If-Modified-Since` from the last download), into a
//! temporary file beside the cache; verify it (a readable zip of PyPI advisories); then replace
//! the cached zip atomically and rebuild the prepared index. Any failure before the rename
//! (a refused connection, a cut-off body, a corrupt zip) leaves the previous database exactly
//! as it was. This is the only code in cuirass that touches the network.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::cache::{CachePaths, Meta, read_meta};
use super::index;
use super::load;
use super::{DbError, DbInfo, DbKind, open_cache};

/// osv.dev's export of every PyPI advisory.
pub const DEFAULT_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip";

/// Where an update is; the CLI turns this into a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Connecting {
        url: String,
    },
    /// Bytes received so far, and the total when the server says it.
    Downloading {
        received: u64,
        total: Option<u64>,
    },
    /// Opening the downloaded zip and reading every record.
    Verifying,
    /// Writing the prepared index.
    Indexing,
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateOutcome {
    /// A new export was downloaded and installed.
    Updated(DbInfo),
    /// The server answered 304: the cached copy is current.
    NotModified(DbInfo),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error(
        "refusing to download the advisory database from `{0}`: only https:// URLs are allowed (http:// only for localhost)"
    )]
    InsecureUrl(String),
    #[error("cannot download `{url}`: {message}")]
    Request { url: String, message: String },
    #[error("`{url}` answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error(
        "the download from `{url}` stopped after {received} of {expected} bytes; the cached database was not changed"
    )]
    Truncated {
        url: String,
        received: u64,
        expected: u64,
    },
    #[error(
        "the download from `{url}` failed after {received} bytes: {message}; the cached database was not changed"
    )]
    Interrupted {
        url: String,
        received: u64,
        message: String,
    },
    #[error("the download is not a usable advisory database; the cached database was not changed")]
    Invalid(#[source] DbError),
    #[error(
        "the server answered 304 Not Modified, but there is no cached database to keep; run the update again"
    )]
    NothingCached,
    #[error("cannot write the cache `{path}`: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Downloads `url` into the cache under `cache_dir`, reporting progress.
pub fn update(
    url: &str,
    cache_dir: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<UpdateOutcome, UpdateError> {
    check_url(url)?;
    let paths = CachePaths::new(cache_dir);
    let write_err = |path: &Path| {
        let path = path.display().to_string();
        move |source| UpdateError::Write { path, source }
    };
    std::fs::create_dir_all(&paths.dir).map_err(write_err(&paths.dir))?;
    let previous = read_meta(&paths).filter(|m| m.url == url && paths.zip.is_file());

    progress(Progress::Connecting {
        url: url.to_string(),
    });
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_mins(1)))
        // A stalled transfer fails instead of hanging; a slow one is fine.
        .timeout_per_read(Some(Duration::from_mins(1)))
        .user_agent(concat!("cuirass/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let mut request = agent.get(url);
    if let Some(previous) = &previous {
        if let Some(etag) = &previous.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(modified) = &previous.last_modified {
            request = request.header("If-Modified-Since", modified);
        }
    }
    let mut response = request.call().map_err(|e| UpdateError::Request {
        url: url.to_string(),
        message: e.to_string(),
    })?;
    let status = response.status().as_u16();
    if status == 304 {
        if previous.is_none() {
            return Err(UpdateError::NothingCached);
        }
        let db = open_cache(cache_dir)?.ok_or(UpdateError::NothingCached)?;
        return Ok(UpdateOutcome::NotModified(db.info().clone()));
    }
    if status != 200 {
        return Err(UpdateError::Status {
            url: url.to_string(),
            status,
        });
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let etag = header("etag");
    let last_modified = header("last-modified");
    let total = header("content-length").and_then(|v| v.parse::<u64>().ok());

    let mut temp = tempfile::Builder::new()
        .prefix(".download-")
        .suffix(".zip.tmp")
        .tempfile_in(&paths.dir)
        .map_err(write_err(&paths.dir))?;
    let mut reader = response.body_mut().as_reader();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut received = 0u64;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(UpdateError::Interrupted {
                    url: url.to_string(),
                    received,
                    message: e.to_string(),
                });
            }
        };
        temp.write_all(buffer.get(..n).unwrap_or_default())
            .map_err(write_err(temp.path()))?;
        received += n as u64;
        progress(Progress::Downloading { received, total });
    }
    if let Some(expected) = total
        && received != expected
    {
        return Err(UpdateError::Truncated {
            url: url.to_string(),
            received,
            expected,
        });
    }
    temp.as_file().sync_all().map_err(write_err(temp.path()))?;

    progress(Progress::Verifying);
    let loaded = load::load_zip_file(temp.path()).map_err(UpdateError::Invalid)?;

    temp.persist(&paths.zip).map_err(|e| UpdateError::Write {
        path: paths.zip.display().to_string(),
        source: e.error,
    })?;
    progress(Progress::Indexing);
    let stamp = index::zip_stamp(&paths.zip).map_err(write_err(&paths.zip))?;
    // The index is an optimisation: if it cannot be written, the next run rebuilds it.
    let _ = index::write(&loaded, stamp, &paths.index);
    let downloaded = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let meta = Meta {
        url: url.to_string(),
        etag,
        last_modified,
        downloaded_unix: downloaded,
    };
    let json = serde_json::to_vec_pretty(&meta).map_err(|e| UpdateError::Write {
        path: paths.meta.display().to_string(),
        source: std::io::Error::other(e),
    })?;
    crate::atomic::write_atomically(&paths.meta, |out| out.write_all(&json))
        .map_err(write_err(&paths.meta))?;

    Ok(UpdateOutcome::Updated(DbInfo {
        kind: DbKind::Cache,
        path: paths.zip.clone(),
        url: Some(url.to_string()),
        downloaded_unix: Some(downloaded),
        advisories: loaded.advisories,
        withdrawn: loaded.withdrawn,
        invalid: loaded.invalid,
        packages: loaded.by_package.len(),
        size_bytes: stamp.0,
        newest_modified: loaded.newest_modified,
    }))
}

/// HTTPS only, except plain HTTP to the local machine (tests, mirrors on localhost).
fn check_url(url: &str) -> Result<(), UpdateError> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Ok(());
    }
    if let Some(rest) = lower.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        let host = if host.starts_with('[') {
            host.split(']')
                .next()
                .map_or(host, |h| h.trim_start_matches('['))
        } else {
            host.split(':').next().unwrap_or(host)
        };
        if matches!(host, "localhost" | "127.0.0.1" | "::1") {
            return Ok(());
        }
    }
    Err(UpdateError::InsecureUrl(url.to_string()))
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn https_or_loopback_only() {
        assert!(
            check_url("https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip").is_ok()
        );
        assert!(check_url("http://127.0.0.1:8080/all.zip").is_ok());
        assert!(check_url("http://localhost/all.zip").is_ok());
        assert!(check_url("http://[::1]:99/all.zip").is_ok());
        assert!(check_url("http://example.com/all.zip").is_err());
        assert!(check_url("http://127.0.0.1.evil.com/all.zip").is_err());
        assert!(check_url("ftp://x").is_err());
    }
}
