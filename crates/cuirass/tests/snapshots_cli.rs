//! Snapshots of what people see: the text report of a small project, with timings filtered.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)] // Tests fail loudly and say why they skip.

use std::path::Path;
use std::process::Command;

use insta_cmd::assert_cmd_snapshot;

fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

#[test]
fn text_report() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "service/jobs.py",
        "import pickle as pk\nimport subprocess\n\n\ndef run(job, cmd):\n    data = pk.loads(job)\n    subprocess.call(\n        \"echo \" + cmd,\n        shell=True,\n    )\n    return data\n",
    );
    write(dir.path(), "service/broken.py", "def f(:\n    pass\n");
    let mut command = Command::new(env!("CARGO_BIN_EXE_cuirass"));
    command
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", "/nonexistent/cuirass-test-cache")
        .args(["check", "service", "--statistics"]);
    insta::with_settings!({filters => vec![(r"in \d+\.\d+s", "in [TIME]")]}, {
        assert_cmd_snapshot!(command);
    });
}
