//! The OSV wire format (<https://ossf.github.io/osv-schema/>), private to this module, and its
//! conversion into the [`Advisory`] model at the edge: only `PyPI` entries are kept, `GIT`
//! ranges are dropped, severity is computed once, and withdrawn records are reported as such so
//! the loader can skip and count them.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::advisory::{Advisory, AdvisorySeverity, Affected, Event, Range, SeveritySource};
use crate::cvss;
use crate::name::PackageName;

#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    summary: Option<String>,
    details: Option<String>,
    modified: Option<String>,
    published: Option<String>,
    withdrawn: Option<IgnoredAny>,
    #[serde(default)]
    severity: Vec<WireSeverity>,
    #[serde(default)]
    affected: Vec<WireAffected>,
    #[serde(default)]
    references: Vec<Reference>,
    database_specific: Option<DatabaseSpecific>,
}

#[derive(Deserialize)]
struct WireSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct WireAffected {
    package: Option<Package>,
    #[serde(default)]
    ranges: Vec<WireRange>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    severity: Vec<WireSeverity>,
}

#[derive(Deserialize)]
struct Package {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct WireRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<WireEvent>,
}

#[derive(Deserialize)]
struct WireEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(rename = "type")]
    kind: String,
    url: String,
}

#[derive(Deserialize)]
struct DatabaseSpecific {
    severity: Option<String>,
    #[serde(default)]
    cwe_ids: Vec<String>,
}

/// What one JSON document turned out to be.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// An advisory with at least one PyPI package.
    Advisory(Box<Advisory>),
    /// A withdrawn advisory (skipped, counted).
    Withdrawn,
    /// An advisory for other ecosystems only.
    OtherEcosystem,
}

/// Parses one OSV JSON document.
pub(crate) fn parse(json: &[u8]) -> Result<Parsed, serde_json::Error> {
    let record: Record = serde_json::from_slice(json)?;
    Ok(convert(record))
}

fn convert(record: Record) -> Parsed {
    if record.withdrawn.is_some() {
        return Parsed::Withdrawn;
    }
    let mut affected_severity = Vec::new();
    let affected: Vec<Affected> = record
        .affected
        .into_iter()
        .filter_map(|a| {
            let package = a.package?;
            if package.ecosystem != "PyPI" {
                return None;
            }
            affected_severity.extend(a.severity);
            Some(Affected {
                package: PackageName::new(&package.name),
                ranges: a
                    .ranges
                    .into_iter()
                    .filter(|r| r.kind == "ECOSYSTEM" || r.kind == "SEMVER")
                    .map(|r| Range {
                        events: r.events.into_iter().filter_map(event).collect(),
                    })
                    .collect(),
                versions: a.versions,
            })
        })
        .collect();
    if affected.is_empty() {
        return Parsed::OtherEcosystem;
    }
    let database = record.database_specific;
    let severity = severity(
        record.severity.iter().chain(&affected_severity),
        database.as_ref().and_then(|d| d.severity.as_deref()),
    );
    let mut references: Vec<(u8, String)> = record
        .references
        .into_iter()
        .map(|r| {
            let rank = match r.kind.as_str() {
                "ADVISORY" => 0,
                "REPORT" => 1,
                "FIX" => 2,
                "WEB" => 3,
                _ => 4,
            };
            (rank, r.url)
        })
        .collect();
    references.sort_by_key(|&(rank, _)| rank);
    let summary = record.summary.filter(|s| !s.trim().is_empty()).map_or_else(
        || first_sentence(record.details.as_deref().unwrap_or("")),
        |s| clip(s.trim()),
    );
    Parsed::Advisory(Box::new(Advisory {
        id: record.id,
        aliases: record.aliases,
        summary,
        severity,
        modified: record.modified.unwrap_or_default(),
        published: record.published,
        references: references.into_iter().map(|(_, url)| url).collect(),
        cwes: database
            .map(|d| {
                d.cwe_ids
                    .iter()
                    .filter_map(|c| c.strip_prefix("CWE-")?.parse().ok())
                    .collect()
            })
            .unwrap_or_default(),
        affected,
    }))
}

fn event(e: WireEvent) -> Option<Event> {
    e.introduced
        .map(Event::Introduced)
        .or_else(|| e.fixed.map(Event::Fixed))
        .or_else(|| e.last_affected.map(Event::LastAffected))
        .or_else(|| e.limit.map(Event::Limit))
}

/// CVSS v3 (computed) beats CVSS v4 (estimated) beats the database's label.
fn severity<'a>(
    scores: impl Iterator<Item = &'a WireSeverity>,
    label: Option<&str>,
) -> Option<AdvisorySeverity> {
    let scores: Vec<&WireSeverity> = scores.collect();
    let v3 = scores
        .iter()
        .filter(|s| s.kind == "CVSS_V3")
        .find_map(|s| cvss::v3_base_score(&s.score).map(|score| (score, &s.score)));
    if let Some((score, vector)) = v3 {
        return Some(AdvisorySeverity {
            severity: cvss::band(score),
            score: Some(score),
            vector: Some(vector.clone()),
            source: SeveritySource::CvssV3,
        });
    }
    let v4 = scores
        .iter()
        .filter(|s| s.kind == "CVSS_V4")
        .find_map(|s| cvss::v4_band(&s.score).map(|band| (band, &s.score)));
    if let Some((band, vector)) = v4 {
        return Some(AdvisorySeverity {
            severity: band,
            score: None,
            vector: Some(vector.clone()),
            source: SeveritySource::CvssV4,
        });
    }
    let severity = match label?.to_ascii_uppercase().as_str() {
        "CRITICAL" => cuirass_diagnostics::Severity::Critical,
        "HIGH" => cuirass_diagnostics::Severity::High,
        "MODERATE" | "MEDIUM" => cuirass_diagnostics::Severity::Medium,
        "LOW" => cuirass_diagnostics::Severity::Low,
        _ => return None,
    };
    Some(AdvisorySeverity {
        severity,
        score: None,
        vector: None,
        source: SeveritySource::Database,
    })
}

/// The first sentence of an advisory's details, clipped, on one line.
fn first_sentence(details: &str) -> String {
    let flat: String = details.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = flat
        .char_indices()
        .find(|&(i, c)| c == '.' && flat[i + 1..].starts_with(' '))
        .map_or(flat.len(), |(i, _)| i + 1);
    clip(&flat[..end])
}

/// At most 200 characters, cut at a character boundary with an ellipsis.
fn clip(text: &str) -> String {
    const MAX: usize = 200;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let mut out: String = text.chars().take(MAX - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_pypi_entries_only() {
        let json = br#"{
          "id": "GHSA-xxxx-yyyy-zzzz",
          "aliases": ["CVE-2024-0001", "PYSEC-2024-1"],
          "summary": "  Bad thing in foo  ",
          "modified": "2024-05-01T00:00:00Z",
          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
          "affected": [
            {"package": {"ecosystem": "npm", "name": "foo"}, "versions": ["1.0.0"]},
            {"package": {"ecosystem": "PyPI", "name": "Foo_Bar"},
             "ranges": [
               {"type": "GIT", "repo": "https://g", "events": [{"introduced": "0"}, {"fixed": "abc"}]},
               {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}
             ],
             "versions": ["1.0", "1.1"]}
          ],
          "references": [{"type": "WEB", "url": "https://w"}, {"type": "ADVISORY", "url": "https://a"}],
          "database_specific": {"severity": "LOW", "cwe_ids": ["CWE-79", "CWE-x"]}
        }"#;
        let Parsed::Advisory(a) = parse(json).unwrap() else {
            panic!("not an advisory")
        };
        assert_eq!(a.summary, "Bad thing in foo");
        assert_eq!(a.affected.len(), 1);
        assert_eq!(a.affected[0].package.as_str(), "foo-bar");
        assert_eq!(a.affected[0].ranges.len(), 1);
        assert_eq!(a.references, ["https://a", "https://w"]);
        assert_eq!(a.cwes, [79]);
        let severity = a.severity.unwrap();
        assert_eq!(severity.score, Some(9.8));
        assert_eq!(severity.source, SeveritySource::CvssV3);
    }

    #[test]
    fn withdrawn_and_foreign_records() {
        let withdrawn =
            br#"{"id": "PYSEC-1", "withdrawn": "2024-01-01T00:00:00Z", "affected": []}"#;
        assert!(matches!(parse(withdrawn).unwrap(), Parsed::Withdrawn));
        let npm = br#"{"id": "X", "affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}"#;
        assert!(matches!(parse(npm).unwrap(), Parsed::OtherEcosystem));
        assert!(parse(b"{\"id\": 3}").is_err());
    }

    #[test]
    fn summaries_from_details() {
        assert_eq!(
            first_sentence("In Django 3.2 before 3.2.19, it was\npossible. More text."),
            "In Django 3.2 before 3.2.19, it was possible."
        );
        assert_eq!(first_sentence("No period"), "No period");
        assert_eq!(clip(&"x".repeat(300)).chars().count(), 200);
    }
}
