//! The secrets audit end to end: no format ever echoes a secret, the git history is scanned,
//! a tracked `.env` is a finding, and one literal is reported once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)] // Tests fail loudly.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cuirass"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", "/nonexistent/cuirass-test-cache")
        .args(args)
        .output()
        .unwrap()
}

/// A small deterministic generator: fake values in the right formats, never real keys.
struct Fake(u64);

impl Fake {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len)
            .map(|_| chars[usize::try_from(self.next()).unwrap() % chars.len()])
            .collect()
    }
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn fake_secrets() -> Vec<String> {
    let mut fake = Fake(0x5eed);
    vec![
        format!("sk_live_{}", fake.pick(ALNUM, 24)),
        format!("AKIA{}", fake.pick(UPPER_DIGITS, 16)),
        fake.pick(B64, 40),
        format!(
            "xoxb-{}-{}-{}",
            fake.pick("0123456789", 11),
            fake.pick("0123456789", 12),
            fake.pick(ALNUM, 24)
        ),
        format!("Pg{}x9", fake.pick(ALNUM, 14)),
    ]
}

#[test]
fn no_output_format_echoes_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let secrets = fake_secrets();
    std::fs::write(
        root.join("settings.py"),
        format!(
            "STRIPE_KEY = \"{}\"\nAWS_ACCESS_KEY_ID = \"{}\"\nAWS_SECRET_ACCESS_KEY = \"{}\"\nSLACK = \"{}\"\n",
            secrets[0], secrets[1], secrets[2], secrets[3]
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("deploy.yaml"),
        format!(
            "database:\n  url: postgres://app:{}@db.internal:5432/app\n",
            secrets[4]
        ),
    )
    .unwrap();

    let text = run(root, &["check", "."]);
    assert_eq!(
        text.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    let json = run(root, &["check", ".", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let rules: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.len() >= 4, "the fake secrets are found: {rules:?}");
    let sarif = run(root, &["check", ".", "--format", "sarif"]);
    let html = run(root, &["check", ".", "--format", "html"]);
    assert_eq!(
        run(root, &["baseline", ".", "-o", "base.json"])
            .status
            .code(),
        Some(0)
    );
    let baseline = std::fs::read(root.join("base.json")).unwrap();

    for (name, bytes) in [
        ("text", &text.stdout),
        ("text stderr", &text.stderr),
        ("json", &json.stdout),
        ("sarif", &sarif.stdout),
        ("html", &html.stdout),
        ("baseline", &baseline),
    ] {
        let output = String::from_utf8_lossy(bytes);
        for secret in &secrets {
            assert!(!output.contains(secret.as_str()), "{name} echoes a secret");
            // Nor any eight characters past the four a mask may show.
            let chars: Vec<char> = secret.chars().collect();
            for start in 4..chars.len().saturating_sub(8) {
                let window: String = chars[start..start + 8].iter().collect();
                assert!(
                    !output.contains(&window),
                    "{name} shows part of a secret past its first four characters"
                );
            }
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z")
        .env("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn has_git() -> bool {
    Command::new("git").arg("--version").output().is_ok()
}

#[test]
fn git_history_finds_a_secret_that_was_deleted() {
    if !has_git() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "git is required in CI"
        );
        eprintln!("skipping: no git");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    let secret = &fake_secrets()[0];
    std::fs::write(root.join("billing.py"), format!("KEY = \"{secret}\"\n")).unwrap();
    git(root, &["add", "billing.py"]);
    git(root, &["commit", "-q", "-m", "add billing"]);
    std::fs::write(
        root.join("billing.py"),
        "import os\nKEY = os.environ[\"KEY\"]\n",
    )
    .unwrap();
    git(
        root,
        &["commit", "-q", "-am", "read the key from the environment"],
    );

    let output = run(root, &["check", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "the work tree is clean now");
    let output = run(root, &["check", ".", "--git-history", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &value["findings"][0];
    assert_eq!(finding["location"]["path"], "billing.py");
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("2026-01-02"), "{message}");
    assert!(message.contains("commit"), "{message}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains(secret.as_str()));
}

#[test]
fn a_tracked_env_file_is_a_finding_and_an_untracked_one_is_not() {
    if !has_git() {
        eprintln!("skipping: no git");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    std::fs::write(root.join(".env"), "DEBUG=1\n").unwrap();
    std::fs::write(root.join(".env.local"), "DEBUG=1\n").unwrap();
    git(root, &["add", ".env"]);
    let output = run(
        root,
        &[
            "check",
            ".",
            "--format",
            "json",
            "--select",
            "env-file-committed",
        ],
    );
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec![".env"]);
}

#[test]
fn a_literal_reported_by_a_code_rule_and_a_detector_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let secret = &fake_secrets()[0];
    std::fs::write(
        dir.path().join("app.py"),
        format!("def connect(client):\n    client.login(password=\"{secret}\")\n"),
    )
    .unwrap();
    let output = run(dir.path(), &["check", ".", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = value["findings"].as_array().unwrap();
    let on_line_2: Vec<&str> = findings
        .iter()
        .filter(|f| f["location"]["start"]["line"] == 2)
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(on_line_2.len(), 1, "{on_line_2:?}");
    assert_ne!(
        on_line_2[0], "hardcoded-password",
        "the provider detector is more specific"
    );
}
