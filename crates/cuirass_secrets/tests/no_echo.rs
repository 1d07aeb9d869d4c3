// cuirass-fixture: fake secrets
//! Never echo a secret: for every generated secret, nothing a finding carries (message, code
//! frame, related notes, details, `Debug`) and nothing redaction leaves holds more than its
//! first four characters.

#![allow(clippy::unwrap_used)]

mod support;

use cuirass_secrets::{ScanOptions, find_secrets, redact, redact_as, scan_text};

/// Every 6-character window of the secret's variable part (its constant prefix, such as
/// `github_pat_`, is public), so any leak longer than the allowed four characters is caught
/// wherever it starts.
fn windows(secret: &str, prefix_len: usize) -> Vec<String> {
    let chars: Vec<char> = secret.chars().skip(prefix_len).collect();
    chars.windows(6).map(|w| w.iter().collect()).collect()
}

/// Length of the prefix every secret of the detector shares.
fn common_prefix(samples: &[&support::corpus::Sample]) -> usize {
    let first: Vec<char> = samples[0].secret.chars().collect();
    (0..first.len())
        .take_while(|&i| {
            samples
                .iter()
                .all(|s| s.secret.chars().nth(i) == Some(first[i]))
        })
        .count()
}

fn short(text: &str) -> String {
    text.chars().take(160).collect()
}

fn leaks<'a>(haystack: &str, windows: &'a [String]) -> Option<&'a String> {
    windows.iter().find(|w| haystack.contains(w.as_str()))
}

#[test]
fn findings_never_carry_the_secret() {
    let samples = support::corpus::positives(0xEC40, 4);
    let mut leaked = Vec::new();
    for sample in &samples {
        let same: Vec<_> = samples
            .iter()
            .filter(|s| s.detector == sample.detector)
            .collect();
        let prefix = common_prefix(&same);
        let findings = scan_text(
            &sample.text,
            sample.path,
            sample.kind,
            &ScanOptions::default(),
        );
        assert!(!findings.is_empty(), "{} found nothing", sample.detector);
        // Fixed markers inside a format (`T3BlbkFJ`, `.atlasv1.`, `django-insecure-`) are
        // public: the rule's documentation spells them out.
        let doc = cuirass_secrets::detectors()
            .into_iter()
            .find(|d| d.id == sample.detector)
            .unwrap()
            .rule
            .doc;
        let windows: Vec<String> = windows(&sample.secret, prefix)
            .into_iter()
            .filter(|w| !doc.contains(w.as_str()))
            .collect();
        for finding in &findings {
            let mut outputs = vec![finding.message.clone(), format!("{finding:?}")];
            if let Some(frame) = &finding.frame {
                outputs.extend(frame.lines.iter().cloned());
            }
            outputs.extend(finding.related.iter().map(|r| r.message.clone()));
            for output in outputs {
                if let Some(window) = leaks(&output, &windows) {
                    leaked.push(format!(
                        "{}: `{window}` in {:?}",
                        sample.detector,
                        short(&output)
                    ));
                }
            }
            assert_eq!(
                finding.fingerprint_key.len(),
                64,
                "a SHA-256, not the value"
            );
        }
        for detection in find_secrets(&sample.text, sample.kind) {
            if let Some(window) = leaks(&format!("{detection:?}"), &windows) {
                leaked.push(format!(
                    "{}: `{window}` in Debug of a detection",
                    sample.detector
                ));
            }
        }
        let redacted = redact_as(&sample.text, sample.kind);
        if let Some(window) = leaks(&redacted, &windows) {
            leaked.push(format!("{}: `{window}` left by redaction", sample.detector));
        }
    }
    assert!(leaked.is_empty(), "secrets echoed:\n{}", leaked.join("\n"));
}

#[test]
fn the_frame_masks_every_secret_on_its_lines() {
    let mut rng = support::corpus::Rng::new(99);
    let a = support::corpus::checksummed(&mut rng, "ghp_");
    let b = support::corpus::checksummed(&mut rng, "npm_");
    let text = format!("tokens = [\"{a}\", \"{b}\"]\n");
    let findings = scan_text(
        &text,
        "a.py",
        cuirass_secrets::TextKind::Python,
        &ScanOptions::default(),
    );
    assert_eq!(findings.len(), 2);
    for finding in &findings {
        let frame = finding.frame.as_ref().unwrap();
        assert_eq!(frame.first_line, 1);
        assert_eq!(frame.lines, ["tokens = [\"ghp_****\", \"npm_****\"]"]);
        assert!(matches!(
            &finding.details,
            Some(cuirass_diagnostics::FindingDetails::Secret { masked, sha256 })
                if masked.ends_with("****") && sha256.len() == 64
        ));
    }
    // A multi-line private key: the BEGIN line is reported, the body is masked and the
    // following body lines are emptied.
    let (block, _) = support::corpus::pem(&mut rng, "RSA PRIVATE KEY", 4, false);
    let text = format!("x = 1\n{block}\n");
    let findings = scan_text(
        &text,
        "k",
        cuirass_secrets::TextKind::Other,
        &ScanOptions::default(),
    );
    assert_eq!(findings.len(), 1);
    let frame = findings[0].frame.as_ref().unwrap();
    assert_eq!(frame.first_line, 1);
    assert_eq!(frame.lines.len(), 3);
    assert_eq!(frame.lines[1], "-----BEGIN RSA PRIVATE KEY-----");
    assert!(frame.lines[2].ends_with("****") && frame.lines[2].len() <= 8);
}

#[test]
fn redact_masks_log_lines() {
    let mut rng = support::corpus::Rng::new(5);
    let token = support::corpus::checksummed(&mut rng, "ghp_");
    let jwt = support::corpus::jwt(&mut rng);
    let line = format!(
        "GET /repos with token {token} auth=Bearer {jwt} url=postgres://app:Zq8!kL2pW9xY@db.internal/app password=Kx9!mQ2vLp7R"
    );
    let redacted = redact(&line);
    for secret in [token.as_str(), jwt.as_str(), "Zq8!kL2pW9xY", "Kx9!mQ2vLp7R"] {
        assert!(!redacted.contains(secret), "{secret} survived: {redacted}");
    }
    assert!(redacted.contains("token ghp_****"), "{redacted}");
    assert!(
        redacted.contains("postgres://app:Zq8****@db.internal/app"),
        "{redacted}"
    );
    assert!(redacted.contains("password=Kx9****"), "{redacted}");
    // Redaction is idempotent and leaves clean text alone.
    assert_eq!(redact(&redacted), redacted);
    assert_eq!(
        redact("nothing to see here: user=alice id=42"),
        "nothing to see here: user=alice id=42"
    );
}
