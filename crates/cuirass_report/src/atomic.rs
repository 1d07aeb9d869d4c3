//! All-or-nothing report files: write to a temporary file beside the target, then rename it over
//! the target, so a reader (or a CI upload step) never sees half a report and a failed run never
//! clobbers the previous one.

use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes `path` through `write`, atomically: the content goes to a temporary file in the same
/// directory, which replaces `path` only once `write` succeeded and the data is on disk. On any
/// error the temporary file is removed and `path` is left as it was. Errors name `path`.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let context = |action: &str, error: io::Error| {
        io::Error::new(
            error.kind(),
            format!("failed to {action} `{}`: {error}", path.display()),
        )
    };
    // `-o /dev/null`, `-o /dev/stdout`, a FIFO: not a file to replace. Renaming over a device
    // would swap it for a regular file, so write to it directly.
    if let Ok(metadata) = std::fs::metadata(path)
        && !metadata.is_file()
        && !metadata.is_dir()
    {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| context("open", e))?;
        let mut buffered = BufWriter::new(file);
        write(&mut buffered).map_err(|e| context("write", e))?;
        return buffered.flush().map_err(|e| context("write", e));
    }
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        return Err(context(
            "write",
            io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"),
        ));
    };

    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // Like a shell redirection: 0o666 less the umask, not tempfile's private 0o600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let temp = builder
        .tempfile_in(dir)
        .map_err(|e| context("create a temporary file for", e))?;
    // Keep the mode of a file we replace.
    if let Ok(metadata) = std::fs::metadata(path) {
        let _ = temp.as_file().set_permissions(metadata.permissions());
    }

    let mut buffered = BufWriter::new(temp);
    write(&mut buffered).map_err(|e| context("write", e))?;
    let temp = buffered
        .into_inner()
        .map_err(|e| context("write", e.into_error()))?;
    temp.as_file().sync_all().map_err(|e| context("write", e))?;
    temp.persist(path)
        .map_err(|e| context("replace", e.error))?;
    Ok(())
}
