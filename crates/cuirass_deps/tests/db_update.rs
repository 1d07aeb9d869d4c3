//! `db update` against an HTTP server on 127.0.0.1 started by the test: a first download, a
//! 304 on the next one, a connection cut mid-body and a corrupt body (both leave the cached
//! database exactly as it was), an HTTP error; then the cache's prepared index, rebuilt when
//! it no longer matches the zip. Also `--db` on folders and on files that are not the export.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;

use cuirass_deps::db::{self, Progress, UpdateError, UpdateOutcome};
use cuirass_deps::{Database, DbError, PackageName};

fn record(id: &str, package: &str, fixed: &str, withdrawn: bool) -> String {
    let withdrawn = if withdrawn {
        r#""withdrawn": "2024-02-01T00:00:00Z","#
    } else {
        ""
    };
    format!(
        r#"{{"id": "{id}", "modified": "2024-03-01T10:00:00Z", {withdrawn}
  "details": "Something bad in {package}.",
  "affected": [{{"package": {{"ecosystem": "PyPI", "name": "{package}"}},
    "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "{fixed}"}}]}}]}}]}}"#
    )
}

fn make_zip(records: &[(&str, String)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in records {
            zip.start_file(*name, options).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

fn first_zip() -> Vec<u8> {
    make_zip(&[
        (
            "PYSEC-2024-1.json",
            record("PYSEC-2024-1", "Demo_Pkg", "1.5", false),
        ),
        (
            "PYSEC-2024-2.json",
            record("PYSEC-2024-2", "other", "2.0", false),
        ),
        (
            "PYSEC-2024-3.json",
            record("PYSEC-2024-3", "demo-pkg", "9.9", true),
        ),
    ])
}

/// How the server answers one request.
enum Reply {
    Full {
        etag: &'static str,
        body: Vec<u8>,
    },
    NotModified,
    /// Promise `body.len()` bytes, send `sent`, hang up.
    Cut {
        body: Vec<u8>,
        sent: usize,
    },
    Status(u16),
}

/// Serves one reply per connection, in order; returns the base URL and the requests seen.
fn serve(replies: Vec<Reply>) -> (String, Arc<Mutex<Vec<String>>>, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/PyPI/all.zip", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let handle = thread::spawn(move || {
        for reply in replies {
            let (mut stream, _) = listener.accept().unwrap();
            let request = read_request(&stream);
            log.lock().unwrap().push(request);
            respond(&mut stream, reply);
        }
    });
    (url, seen, handle)
}

fn read_request(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut request = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        request.push_str(&line);
    }
    request
}

fn respond(stream: &mut TcpStream, reply: Reply) {
    let head = |status: &str, extra: String| {
        format!("HTTP/1.1 {status}\r\nConnection: close\r\n{extra}\r\n")
    };
    match reply {
        Reply::Full { etag, body } => {
            let h = head(
                "200 OK",
                format!(
                    "Content-Length: {}\r\nETag: {etag}\r\nLast-Modified: Fri, 01 Mar 2024 10:00:00 GMT\r\n",
                    body.len()
                ),
            );
            stream.write_all(h.as_bytes()).unwrap();
            stream.write_all(&body).unwrap();
        }
        Reply::NotModified => {
            stream
                .write_all(head("304 Not Modified", String::new()).as_bytes())
                .unwrap();
        }
        Reply::Cut { body, sent } => {
            let h = head("200 OK", format!("Content-Length: {}\r\n", body.len()));
            stream.write_all(h.as_bytes()).unwrap();
            stream.write_all(&body[..sent]).unwrap();
            stream.flush().unwrap();
            // Dropping the stream closes the connection mid-body.
        }
        Reply::Status(code) => {
            let h = head(&format!("{code} Nope"), "Content-Length: 0\r\n".to_string());
            stream.write_all(h.as_bytes()).unwrap();
        }
    }
    let _ = stream.flush();
}

fn osv_dir_files(cache: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cache.join("osv"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn update_then_not_modified_then_failures_keep_the_old_database() {
    let cache = tempfile::tempdir().unwrap();
    let good = first_zip();
    let (url, seen, server) = serve(vec![
        Reply::Full {
            etag: "\"v1\"",
            body: good.clone(),
        },
        Reply::NotModified,
        Reply::Cut {
            body: first_zip().repeat(3),
            sent: 700,
        },
        Reply::Full {
            etag: "\"v2\"",
            body: b"this is not a zip file at all".to_vec(),
        },
        Reply::Status(404),
    ]);

    // 1. First download.
    let mut progress = Vec::new();
    let outcome = db::update(&url, cache.path(), &mut |p| progress.push(p)).unwrap();
    let UpdateOutcome::Updated(info) = outcome else {
        panic!("expected a download")
    };
    assert_eq!((info.advisories, info.withdrawn, info.packages), (2, 1, 2));
    assert_eq!(info.url.as_deref(), Some(url.as_str()));
    assert!(matches!(
        progress.first(),
        Some(Progress::Connecting { .. })
    ));
    assert!(progress.contains(&Progress::Downloading {
        received: good.len() as u64,
        total: Some(good.len() as u64)
    }));
    assert!(progress.contains(&Progress::Verifying));
    assert_eq!(
        osv_dir_files(cache.path()),
        ["PyPI-all.index", "PyPI-all.meta.json", "PyPI-all.zip"]
    );
    let cached = std::fs::read(cache.path().join("osv/PyPI-all.zip")).unwrap();
    assert_eq!(cached, good);
    let db = db::open_cache(cache.path()).unwrap().unwrap();
    let found = db.advisories_for(&PackageName::new("demo.pkg")).unwrap();
    let ids: Vec<&str> = found.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["PYSEC-2024-1"], "withdrawn PYSEC-2024-3 is skipped");

    // 2. Conditional request → 304: nothing downloaded, the cache is reported as is.
    let outcome = db::update(&url, cache.path(), &mut |_| {}).unwrap();
    assert!(matches!(outcome, UpdateOutcome::NotModified(ref i) if i.advisories == 2));

    // 3. The connection drops mid-body: an error, and the old database is untouched.
    let err = db::update(&url, cache.path(), &mut |_| {}).unwrap_err();
    assert!(
        matches!(
            err,
            UpdateError::Interrupted { .. } | UpdateError::Truncated { .. }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("the cached database was not changed"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(cache.path().join("osv/PyPI-all.zip")).unwrap(),
        good
    );
    assert_eq!(
        osv_dir_files(cache.path()),
        ["PyPI-all.index", "PyPI-all.meta.json", "PyPI-all.zip"],
        "no temporary file left behind"
    );

    // 4. A body that is not a zip: rejected by verification, old database kept.
    let err = db::update(&url, cache.path(), &mut |_| {}).unwrap_err();
    assert!(
        matches!(err, UpdateError::Invalid(DbError::Zip { .. })),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read(cache.path().join("osv/PyPI-all.zip")).unwrap(),
        good
    );

    // 5. An HTTP error.
    let err = db::update(&url, cache.path(), &mut |_| {}).unwrap_err();
    assert!(
        matches!(err, UpdateError::Status { status: 404, .. }),
        "{err:?}"
    );

    server.join().unwrap();
    let requests = seen.lock().unwrap();
    assert!(!requests[0].to_ascii_lowercase().contains("if-none-match"));
    let second = requests[1].to_ascii_lowercase();
    assert!(second.contains("if-none-match: \"v1\""), "{second}");
    assert!(
        second.contains("if-modified-since: fri, 01 mar 2024 10:00:00 gmt"),
        "{second}"
    );
    assert!(second.starts_with("get /pypi/all.zip http/1.1"));

    // `db info` still sees the first download.
    let info = db::cache_info(cache.path()).unwrap().unwrap();
    assert_eq!(info.advisories, 2);
    assert_eq!(info.url.as_deref(), Some(url.as_str()));
}

#[test]
fn plain_http_elsewhere_is_refused_without_a_connection() {
    let cache = tempfile::tempdir().unwrap();
    let err = db::update("http://example.com/all.zip", cache.path(), &mut |_| {}).unwrap_err();
    assert!(matches!(err, UpdateError::InsecureUrl(_)));
}

#[test]
fn the_index_is_rebuilt_when_it_does_not_match_the_zip() {
    let cache = tempfile::tempdir().unwrap();
    let osv = cache.path().join("osv");
    std::fs::create_dir_all(&osv).unwrap();
    assert!(
        db::open_cache(cache.path()).unwrap().is_none(),
        "no database yet"
    );
    std::fs::write(osv.join("PyPI-all.zip"), first_zip()).unwrap();
    // No index yet: loaded from the zip, and the index is written.
    let db = db::open_cache(cache.path()).unwrap().unwrap();
    assert_eq!(db.info().advisories, 2);
    assert!(osv.join("PyPI-all.index").is_file());
    // A different zip under the same index (as after a crash between renames).
    let second = make_zip(&[(
        "PYSEC-2024-9.json",
        record("PYSEC-2024-9", "demo-pkg", "3.0", false),
    )]);
    std::fs::write(osv.join("PyPI-all.zip"), second).unwrap();
    let db = db::open_cache(cache.path()).unwrap().unwrap();
    let ids: Vec<String> = db
        .advisories_for(&PackageName::new("demo-pkg"))
        .unwrap()
        .iter()
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(ids, ["PYSEC-2024-9"]);
    // A damaged index is rebuilt too.
    std::fs::write(osv.join("PyPI-all.index"), "cuirass-osv-index 1\n{broken").unwrap();
    let db = db::open_cache(cache.path()).unwrap().unwrap();
    assert_eq!(db.info().advisories, 1);
    let reopened = db::open_cache(cache.path()).unwrap().unwrap();
    assert_eq!(
        reopened
            .advisories_for(&PackageName::new("demo-pkg"))
            .unwrap()[0]
            .id,
        "PYSEC-2024-9"
    );
}

#[test]
fn db_path_folder_zip_and_wrong_files() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("advisories/nested");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("A.json"),
        record("PYSEC-2024-1", "demo", "1.0", false),
    )
    .unwrap();
    std::fs::write(folder.join("notes.txt"), "ignored").unwrap();
    let db = Database::open(&dir.path().join("advisories")).unwrap();
    assert_eq!(db.info().advisories, 1);

    let npm = make_zip(&[(
        "GHSA-1.json",
        r#"{"id": "GHSA-1", "affected": [{"package": {"ecosystem": "npm", "name": "x"}}]}"#
            .to_string(),
    )]);
    let path = dir.path().join("npm.zip");
    std::fs::write(&path, npm).unwrap();
    let err = Database::open(&path).unwrap_err();
    assert!(
        matches!(err, DbError::NotPypi { records: 1, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("expected osv.dev's PyPI export"));

    let garbage = dir.path().join("garbage.zip");
    std::fs::write(&garbage, b"PK\x03\x04 nope").unwrap();
    assert!(matches!(Database::open(&garbage), Err(DbError::Zip { .. })));
    assert!(matches!(
        Database::open(&dir.path().join("missing.zip")),
        Err(DbError::Io { .. })
    ));
    let mut text = String::new();
    std::fs::File::open(folder.join("A.json"))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.contains("PYSEC-2024-1"));
}
