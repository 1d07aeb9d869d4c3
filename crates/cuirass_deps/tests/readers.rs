//! Every reader on its real-format fixtures under `test-data/`, snapshotted as parsed
//! structure; then every fixture again with CRLF line endings and a UTF-8 BOM, which must read
//! to exactly the same structure.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

use std::path::{Path, PathBuf};

use cuirass_deps::model::{FileRead, InputKind};
use cuirass_deps::readers::{ReadContext, find_site_packages, read_environment, read_file};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data")
}

/// `(snapshot name, path under test-data)`; the kind comes from the file name, as in a scan.
const FIXTURES: &[(&str, &str)] = &[
    ("requirements_app", "requirements/app/requirements.txt"),
    ("requirements_cycle", "requirements/cycle/requirements.txt"),
    (
        "requirements_piptools_in",
        "requirements/piptools/requirements.in",
    ),
    (
        "requirements_piptools_txt",
        "requirements/piptools/requirements.txt",
    ),
    (
        "requirements_crlf_bom",
        "requirements/crlf-bom/requirements.txt",
    ),
    ("requirements_empty", "requirements/empty/requirements.txt"),
    (
        "requirements_comments_only",
        "requirements/comments-only/requirements-dev.txt",
    ),
    ("pyproject_pep621", "pyproject/pep621/pyproject.toml"),
    ("pyproject_poetry", "pyproject/poetry/pyproject.toml"),
    ("pyproject_pdm", "pyproject/pdm/pyproject.toml"),
    ("pyproject_invalid", "pyproject/invalid/pyproject.toml"),
    ("pyproject_no_deps", "pyproject/no-deps/pyproject.toml"),
    ("poetry_lock", "poetry-lock/poetry.lock"),
    ("poetry_lock_v2_1", "poetry-lock/v2.1/poetry.lock"),
    ("pipfile", "pipfile/Pipfile"),
    ("pipfile_lock", "pipfile/Pipfile.lock"),
    ("uv_lock", "uv-lock/uv.lock"),
    ("pdm_lock", "pdm-lock/pdm.lock"),
    ("pylock", "pylock/pylock.toml"),
    ("pylock_named", "pylock/pylock.dev.toml"),
    ("setup_cfg", "setup-cfg/setup.cfg"),
    (
        "setup_cfg_file_directive",
        "setup-cfg/file-directive/setup.cfg",
    ),
    ("python_version", "interpreter/.python-version"),
    ("runtime_txt", "interpreter/runtime.txt"),
    ("dockerfile", "interpreter/Dockerfile"),
    ("tox_ini", "interpreter/tox.ini"),
    ("github_workflow", "interpreter/.github/workflows/ci.yml"),
];

fn read_under(root: &Path, rel: &str) -> FileRead {
    let path = root.join(rel);
    let kind = InputKind::for_path(&path).unwrap_or_else(|| panic!("{rel} has no input kind"));
    let ctx = ReadContext {
        cwd: root.to_path_buf(),
    };
    read_file(&path, rel, kind, &ctx)
}

#[test]
fn fixtures_snapshot() {
    for (name, rel) in FIXTURES {
        let read = read_under(&data(), rel);
        insta::assert_yaml_snapshot!(*name, read);
    }
}

#[test]
fn installed_environment_snapshot() {
    let ctx = ReadContext { cwd: data() };
    // The interpreter path, the environment directory and site-packages all lead to it.
    let venv = data().join("installed/venv");
    let by_python = read_environment(&venv.join("bin/python"), &ctx).unwrap();
    let by_dir = read_environment(&venv, &ctx).unwrap();
    let by_site = read_environment(&venv.join("lib/python3.9/site-packages"), &ctx).unwrap();
    assert_eq!(
        serde_json::to_value(&by_python.dependencies).unwrap(),
        serde_json::to_value(&by_dir.dependencies).unwrap()
    );
    assert_eq!(by_python.dependencies, by_site.dependencies);
    insta::assert_yaml_snapshot!("installed_venv", by_python);

    let uv = read_environment(&data().join("installed/uv-venv"), &ctx).unwrap();
    insta::assert_yaml_snapshot!("installed_uv_venv", uv);

    let env = find_site_packages(&venv.join("bin/python")).unwrap();
    assert!(env.pyvenv_cfg.is_some());
    assert_eq!(
        env.site_packages,
        [venv.join("lib/python3.9/site-packages")]
    );
    let err = find_site_packages(&data().join("pipfile")).unwrap_err();
    assert!(
        err.to_string().contains("is not a Python environment"),
        "{err}"
    );
    let err = find_site_packages(&data().join("nowhere")).unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}

/// Copies the fixture tree with every text file rewritten by `transform`.
fn copy_tree(from: &Path, to: &Path, transform: &dyn Fn(&[u8]) -> Vec<u8>) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target, transform);
        } else {
            let bytes = std::fs::read(entry.path()).unwrap();
            std::fs::write(&target, transform(&bytes)).unwrap();
        }
    }
}

fn to_crlf_with_bom(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(crlf.as_bytes());
    out
}

#[test]
fn crlf_and_bom_read_the_same() {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(&data(), temp.path(), &to_crlf_with_bom);
    for (name, rel) in FIXTURES {
        let lf = serde_json::to_value(read_under(&data(), rel)).unwrap();
        let crlf = serde_json::to_value(read_under(temp.path(), rel)).unwrap();
        assert_eq!(lf, crlf, "{name}: CRLF + BOM reads differently");
    }
    let ctx_lf = ReadContext { cwd: data() };
    let ctx_crlf = ReadContext {
        cwd: temp.path().to_path_buf(),
    };
    let lf = read_environment(&data().join("installed/venv"), &ctx_lf).unwrap();
    let crlf = read_environment(&temp.path().join("installed/venv"), &ctx_crlf).unwrap();
    assert_eq!(
        serde_json::to_value(lf).unwrap(),
        serde_json::to_value(crlf).unwrap()
    );
}

/// Truncated and mangled inputs are notices or partial reads, never panics.
#[test]
fn truncated_and_mangled_files_do_not_panic() {
    let temp = tempfile::tempdir().unwrap();
    for (_, rel) in FIXTURES {
        let original = std::fs::read(data().join(rel)).unwrap();
        let target = temp.path().join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let step = (original.len() / 40).max(1);
        for cut in (0..original.len()).step_by(step) {
            let mut bytes = original[..cut].to_vec();
            std::fs::write(&target, &bytes).unwrap();
            let _ = read_under(temp.path(), rel);
            // A stray invalid byte and a quote in the middle.
            bytes.extend_from_slice(b"\xff\"==\\\n");
            bytes.extend_from_slice(&original[cut..]);
            std::fs::write(&target, &bytes).unwrap();
            let _ = read_under(temp.path(), rel);
        }
    }
}
