//! `write_atomically`: the file appears whole or not at all, and failures leave no debris.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

use std::io;
use std::path::Path;

use cuirass_report::write_atomically;

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn writes_the_whole_file_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let big = "x".repeat(100_000);
    write_atomically(&path, |out| {
        out.write_all(b"{\n")?;
        out.write_all(big.as_bytes())?;
        out.write_all(b"\n}\n")
    })
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{{\n{big}\n}}\n")
    );
    assert_eq!(entries(dir.path()), ["report.json"]);
}

#[test]
fn a_failing_writer_leaves_no_file_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.sarif");
    let err = write_atomically(&path, |out| {
        out.write_all(b"partial")?;
        Err(io::Error::other("disk on fire"))
    })
    .unwrap_err();
    assert!(!path.exists());
    assert_eq!(entries(dir.path()), Vec::<String>::new());
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("disk on fire"), "{message}");
    assert_eq!(err.kind(), io::ErrorKind::Other);
}

#[test]
fn a_failing_writer_keeps_the_previous_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    std::fs::write(&path, "yesterday\n").unwrap();
    write_atomically(&path, |out| {
        out.write_all(b"to")?;
        Err(io::Error::other("interrupted"))
    })
    .unwrap_err();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "yesterday\n");
    assert_eq!(entries(dir.path()), ["report.txt"]);

    write_atomically(&path, |out| out.write_all(b"today\n")).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "today\n");
    assert_eq!(entries(dir.path()), ["report.txt"]);
}

#[test]
fn a_missing_directory_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/report.json");
    let err = write_atomically(&path, |out| out.write_all(b"{}")).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn a_path_naming_no_file_is_rejected() {
    let err = write_atomically(Path::new("/"), |out| out.write_all(b"x")).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}

#[cfg(unix)]
#[test]
fn the_mode_of_a_replaced_file_is_kept() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    std::fs::write(&path, "old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_atomically(&path, |out| out.write_all(b"new")).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);

    // A new file is not left private to the owner the way tempfile creates it (0o600).
    let fresh = dir.path().join("fresh.json");
    write_atomically(&fresh, |out| out.write_all(b"{}")).unwrap();
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    let umask_allows_group_read = mode & 0o040 != 0 || mode == 0o600;
    assert!(umask_allows_group_read, "{mode:o}");
}

/// `-o /dev/null` or a FIFO must be written to, never replaced by a renamed regular file.
#[cfg(unix)]
#[test]
fn a_special_file_is_written_to_not_replaced() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(fifo)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        })
    };
    cuirass_report::write_atomically(&fifo, |out| out.write_all(b"report")).unwrap();
    assert_eq!(reader.join().unwrap(), "report");
    let metadata = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(metadata.file_type().is_fifo(), "the FIFO is still a FIFO");
}
