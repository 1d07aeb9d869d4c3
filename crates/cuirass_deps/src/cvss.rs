//! CVSS base scores, for advisories that carry a vector.
//!
//! - v3.0/v3.1: the specification's base-score formula, exactly (with 3.1's `Roundup`).
//! - v4.0: the official score needs the specification's table of 270 "macrovector" scores
//!   plus an interpolation step; rather than carry that table, cuirass *estimates the band*
//!   from the vector's meaning, erring upward: high impact on the vulnerable system that is
//!   reachable over the network with no privileges, user interaction or preconditions is
//!   critical; any other high impact (on the system or on subsequent systems) is high; low
//!   impact is medium; none is low. No score number is reported for v4, only the band. When a
//!   record carries both, the v3 vector is used.

use cuirass_diagnostics::Severity;

/// The qualitative band of a CVSS score (the specification's table; 0.0 is "none").
pub fn band(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

/// Parses `KEY:VALUE/…` after the `CVSS:x.y/` prefix.
fn metrics(vector: &str) -> Vec<(&str, &str)> {
    vector
        .split('/')
        .skip(1)
        .filter_map(|part| part.split_once(':'))
        .collect()
}

/// The base score of a CVSS v3.0 or v3.1 vector; `None` if it is not one or misses a metric.
pub fn v3_base_score(vector: &str) -> Option<f64> {
    if !(vector.starts_with("CVSS:3.0/") || vector.starts_with("CVSS:3.1/")) {
        return None;
    }
    let m = metrics(vector);
    let get = |key: &str| m.iter().find(|(k, _)| *k == key).map(|&(_, v)| v);
    let changed = match get("S")? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let av = match get("AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let ac = match get("AC")? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let pr = match (get("PR")?, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let ui = match get("UI")? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |key: &str| -> Option<f64> {
        match get(key)? {
            "H" => Some(0.56),
            "L" => Some(0.22),
            "N" => Some(0.0),
            _ => None,
        }
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
    let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Some(0.0);
    }
    let raw = if changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Some(roundup(raw))
}

/// CVSS 3.1's `Roundup`: the smallest one-decimal number ≥ the input, computed on integers to
/// avoid floating-point surprises.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn roundup(value: f64) -> f64 {
    let scaled = (value * 100_000.0).round() as i64;
    if scaled % 10_000 == 0 {
        scaled as f64 / 100_000.0
    } else {
        ((scaled / 10_000) + 1) as f64 / 10.0
    }
}

/// The estimated band of a CVSS v4.0 vector (see the module comment); `None` if it is not one.
pub fn v4_band(vector: &str) -> Option<Severity> {
    if !vector.starts_with("CVSS:4.0/") {
        return None;
    }
    let m = metrics(vector);
    let get = |key: &str| m.iter().find(|(k, _)| *k == key).map(|&(_, v)| v);
    let level = |keys: &[&str]| -> Option<u8> {
        keys.iter()
            .map(|k| match get(k) {
                Some("H" | "S") => Some(2),
                Some("L") => Some(1),
                Some("N") => Some(0),
                _ => None,
            })
            .try_fold(0, |acc, v| v.map(|v| acc.max(v)))
    };
    let vulnerable = level(&["VC", "VI", "VA"])?;
    let subsequent = level(&["SC", "SI", "SA"])?;
    let easy = get("AV")? == "N"
        && get("AC")? == "L"
        && get("AT")? == "N"
        && get("PR")? == "N"
        && get("UI")? == "N";
    Some(
        match (vulnerable.max(subsequent), vulnerable == 2 && easy) {
            (_, true) => Severity::Critical,
            (2, false) => Severity::High,
            (1, _) => Severity::Medium,
            _ => Severity::Low,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_scores_match_the_calculator() {
        // Reference values from the FIRST CVSS v3.1 calculator.
        for (vector, score) in [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
            ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N", 3.7),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ] {
            assert_eq!(v3_base_score(vector), Some(score), "{vector}");
        }
        assert_eq!(v3_base_score("CVSS:3.1/AV:N/AC:L"), None);
        assert_eq!(v3_base_score("CVSS:2.0/AV:N"), None);
        assert_eq!(band(9.8), Severity::Critical);
        assert_eq!(band(7.0), Severity::High);
        assert_eq!(band(6.9), Severity::Medium);
        assert_eq!(band(0.1), Severity::Low);
    }

    #[test]
    fn v4_bands_err_upward() {
        let band = |v: &str| v4_band(v).unwrap();
        // Official 9.3 → critical.
        assert_eq!(
            band("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Severity::Critical
        );
        // Official 8.7 (high) → critical: the estimate never rates lower.
        assert_eq!(
            band("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"),
            Severity::Critical
        );
        assert_eq!(
            band("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Severity::High
        );
        // Official 5.1 (medium).
        assert_eq!(
            band("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N"),
            Severity::Medium
        );
        assert_eq!(
            band("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N"),
            Severity::Low
        );
        assert_eq!(v4_band("CVSS:4.0/AV:N"), None);
    }
}
