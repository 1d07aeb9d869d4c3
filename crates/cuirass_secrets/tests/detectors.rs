// cuirass-fixture: fake secrets
//! Every detector has positives (generated in its documented format) and negatives
//! (lookalikes it must not report). A detector missing either fails the test.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;

use cuirass_diagnostics::Severity;
use cuirass_secrets::{ScanOptions, TextKind, detectors, find_secrets, scan_text};
use support::corpus::{self, Rng};
use support::lookalikes::negatives;

fn kind_name(kind: TextKind) -> &'static str {
    match kind {
        TextKind::Python => "python",
        TextKind::Yaml => "yaml",
        TextKind::Json => "json",
        TextKind::Toml => "toml",
        TextKind::Ini => "ini",
        TextKind::Env => "env",
        TextKind::Lock => "lock",
        _ => "other",
    }
}

#[test]
fn every_detector_finds_its_positives() {
    let mut missing = Vec::new();
    let samples = corpus::positives(0x05EC_2E75, 6);
    for detector in detectors() {
        let mine: Vec<_> = samples
            .iter()
            .filter(|s| s.detector == detector.id)
            .collect();
        assert!(!mine.is_empty(), "{} has no positive sample", detector.id);
        for sample in mine {
            let found = find_secrets(&sample.text, sample.kind);
            let hit = found
                .iter()
                .any(|d| d.detector == detector.id && d.value.expose() == sample.secret);
            if !hit {
                missing.push(format!(
                    "{} ({}): found {:?}",
                    detector.id,
                    kind_name(sample.kind),
                    found.iter().map(|d| d.detector).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missed positives:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_detector_rejects_its_lookalikes() {
    let negatives = negatives();
    let mut by_detector: BTreeMap<&str, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (detector, kind, text) in &negatives {
        *by_detector.entry(detector).or_default() += 1;
        let found = find_secrets(text, *kind);
        if found.iter().any(|d| d.detector == *detector) {
            wrong.push(format!("{detector}: reported in {text:?}"));
        }
    }
    for detector in detectors() {
        assert!(
            by_detector.contains_key(detector.id),
            "{} has no negative test",
            detector.id
        );
    }
    let known: Vec<&str> = detectors().iter().map(|d| d.id).collect();
    for name in by_detector.keys() {
        assert!(known.contains(name), "negative for unknown detector {name}");
    }
    assert!(wrong.is_empty(), "false positives:\n{}", wrong.join("\n"));
}

#[test]
fn grades_follow_the_documented_policy() {
    let severity_of = |text: &str, kind: TextKind, path: &str| {
        scan_text(text, path, kind, &ScanOptions::default())
            .into_iter()
            .map(|f| (f.rule.name, f.severity))
            .collect::<Vec<_>>()
    };
    // Documented example keys: info at most.
    assert_eq!(
        severity_of(
            "AWS_ACCESS_KEY_ID = \"AKIAIOSFODNN7EXAMPLE\"\n",
            TextKind::Python,
            "a.py"
        ),
        [("aws-access-key", Severity::Info)]
    );
    // Stripe test keys: info.
    let mut rng = Rng::new(3);
    let test_key = format!("sk_test_{}", rng.string(corpus::ALNUM, 24));
    assert_eq!(
        severity_of(&format!("KEY = \"{test_key}\"\n"), TextKind::Python, "a.py"),
        [("stripe-secret-key", Severity::Info)]
    );
    let mut options = ScanOptions::default();
    options.info_findings = false;
    assert!(
        scan_text(
            &format!("KEY = \"{test_key}\"\n"),
            "a.py",
            TextKind::Python,
            &options
        )
        .is_empty()
    );
    // A lone access key id is medium; the pair is one critical finding with the id related.
    let id = format!("AKIA{}", rng.string(corpus::BASE32, 16));
    assert_eq!(
        severity_of(
            &format!("AWS_ACCESS_KEY_ID = \"{id}\"\n"),
            TextKind::Python,
            "a.py"
        ),
        [("aws-access-key", Severity::Medium)]
    );
    let secret = "kR8vQ2mZ0xLp4sT9wY1bN6cF3hJ7dG5aE2uI8oPq";
    let pair = format!("AWS_ACCESS_KEY_ID = \"{id}\"\nAWS_SECRET_ACCESS_KEY = \"{secret}\"\n");
    let findings = scan_text(&pair, "a.py", TextKind::Python, &ScanOptions::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Critical);
    assert_eq!(findings[0].location.span.start.line, 2);
    assert_eq!(findings[0].related.len(), 1);
    assert_eq!(findings[0].related[0].location.span.start.line, 1);
    assert!(
        findings[0]
            .message
            .contains("paired with access key id `AKIA****` on line 1")
    );
    // A positional secret next to the id is paired too.
    let positional = format!("boto3.client(\"s3\", \"{id}\",\n    \"{secret}\")\n");
    let findings = scan_text(
        &positional,
        "a.py",
        TextKind::Python,
        &ScanOptions::default(),
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].severity, Severity::Critical);
    // django-insecure keys: medium, and the message says why.
    let insecure = format!(
        "# Django settings\nSECRET_KEY = 'django-insecure-{}'\n",
        rng.string(corpus::DJANGO, 50)
    );
    let findings = scan_text(
        &insecure,
        "settings.py",
        TextKind::Python,
        &ScanOptions::default(),
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Medium);
    assert!(findings[0].message.contains("production"));
    // Local-only database URLs are low.
    let findings = scan_text(
        "DB = \"postgres://app:Zq8!kL2pW9@localhost/app\"\n",
        "a.py",
        TextKind::Python,
        &ScanOptions::default(),
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Low);
    // The heuristic in a test file: low.
    let findings = scan_text(
        "client.login(user=\"u\", password=\"Zq8#kL2pW9xY\")\n",
        "tests/test_login.py",
        TextKind::Python,
        &ScanOptions::default(),
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Low);
    // An encrypted key is high, not critical.
    let (block, _) = corpus::pem(&mut rng, "ENCRYPTED PRIVATE KEY", 10, false);
    let findings = scan_text(&block, "k.pem", TextKind::Other, &ScanOptions::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn one_finding_per_secret() {
    let mut rng = Rng::new(11);
    // A GitHub token assigned to a secret-sounding name: the provider detector, not the
    // heuristic, reports it, once.
    let token = corpus::checksummed(&mut rng, "ghp_");
    let findings = scan_text(
        &format!("GITHUB_TOKEN = \"{token}\"\n"),
        "a.py",
        TextKind::Python,
        &ScanOptions::default(),
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule.name, "github-token");
    // A private key inside a service-account file: one finding, the service account.
    let sample = corpus::positives(5, 1)
        .into_iter()
        .find(|s| s.detector == "gcp-service-account-key")
        .unwrap();
    let findings = scan_text(
        &sample.text,
        "sa.json",
        sample.kind,
        &ScanOptions::default(),
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].rule.name, "gcp-service-account-key");
    // A private key block is reported once, at its BEGIN line.
    let (block, _) = corpus::pem(&mut rng, "RSA PRIVATE KEY", 20, false);
    let findings = scan_text(
        &format!("\n{block}\n"),
        "id_rsa",
        TextKind::Other,
        &ScanOptions::default(),
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].location.span.start.line, 2);
}

#[test]
fn entropy_can_be_turned_off_and_fixtures_are_skipped() {
    let text = "password = \"Zq8#kL2pW9xYv\"\n";
    assert_eq!(
        scan_text(text, "a.py", TextKind::Python, &ScanOptions::default()).len(),
        1
    );
    let mut options = ScanOptions::default();
    options.entropy = false;
    assert!(scan_text(text, "a.py", TextKind::Python, &options).is_empty());
    let fixture = format!("# {}\n{text}", cuirass_secrets::FIXTURE_MARKER);
    assert!(scan_text(&fixture, "a.py", TextKind::Python, &ScanOptions::default()).is_empty());
    let mut options = ScanOptions::default();
    options.skip_fixtures = false;
    assert_eq!(
        scan_text(&fixture, "a.py", TextKind::Python, &options).len(),
        1
    );
}
