//! `--format cyclonedx`: a CycloneDX 1.5 JSON bill of materials of the audited dependencies —
//! one `library` component per package version found (purl `pkg:pypi/NAME@VERSION`) — with
//! their vulnerabilities, as pip-audit and osv-scanner write them: one entry per advisory with
//! its aliases as `references`, a rating (CVSS score, vector and band when known), CWEs, the
//! fix as `recommendation`, and `affects` pointing at the components. Advisories silenced by
//! an ignore are kept, with `analysis.state = "not_affected"` and the ignore's reason.
//!
//! Output is deterministic: components sorted by purl, vulnerabilities by id; the timestamp
//! comes from the caller.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::audit::{AdvisoryMatch, ResolvedPackage, VulnerablePackage};
use crate::date::Date;

/// What the BOM says about its own making.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BomMetadata {
    /// cuirass's version.
    pub tool_version: String,
    /// When the BOM was made, as a Unix time; `None` leaves the timestamp out.
    pub timestamp_unix: Option<u64>,
    /// The audited project's name, when known (becomes `metadata.component`).
    pub project_name: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::struct_field_names, reason = "the names are CycloneDX's")]
struct Bom<'a> {
    bom_format: &'static str,
    spec_version: &'static str,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<Component>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<Vulnerability>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    tools: Tools<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<Component>,
}

#[derive(Serialize)]
struct Tools<'a> {
    components: Vec<Tool<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Vulnerability {
    id: String,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cwes: Vec<u16>,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Advisory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<Analysis>,
    affects: Vec<Affects>,
}

#[derive(Serialize)]
struct Source {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Reference {
    id: String,
    source: Source,
}

#[derive(Serialize)]
struct Rating {
    source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    severity: &'static str,
    method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<String>,
}

#[derive(Serialize)]
struct Advisory {
    url: String,
}

#[derive(Serialize)]
struct Analysis {
    state: &'static str,
    detail: String,
}

#[derive(Serialize)]
struct Affects {
    #[serde(rename = "ref")]
    reference: String,
    versions: Vec<AffectedVersion>,
}

#[derive(Serialize)]
struct AffectedVersion {
    version: String,
    status: &'static str,
}

/// The package URL of a PyPI package version (`pkg:pypi/django@3.2.0`): the name normalised
/// (lower case, `-`), the version percent-encoded where purl requires it (`+` → `%2B`).
pub fn purl(name: &str, version: &str) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "pkg:pypi/{}@{}",
        encode(crate::name::PackageName::new(name).as_str()),
        encode(version)
    )
}

/// Writes the BOM.
pub fn write_cyclonedx(
    out: &mut dyn Write,
    packages: &[ResolvedPackage],
    vulnerable: &[VulnerablePackage],
    metadata: &BomMetadata,
) -> io::Result<()> {
    let mut components: Vec<Component> = packages
        .iter()
        .map(|p| {
            let purl = purl(p.name.as_str(), &p.version);
            Component {
                kind: "library",
                bom_ref: purl.clone(),
                name: p.name.to_string(),
                version: Some(p.version.clone()),
                purl: Some(purl),
                properties: p
                    .declared
                    .iter()
                    .map(|d| Property {
                        name: "cuirass:declared-in",
                        value: d.short(),
                    })
                    .collect(),
            }
        })
        .collect();
    components.sort_by(|a, b| a.bom_ref.cmp(&b.bom_ref));
    components.dedup_by(|a, b| a.bom_ref == b.bom_ref);

    // One entry per advisory id, affecting every package version it was found in.
    let mut by_id: BTreeMap<String, (Vulnerability, Vec<Affects>)> = BTreeMap::new();
    for package in vulnerable {
        let reference = purl(package.name.as_str(), &package.version);
        let in_force = package.advisories.iter().map(|a| (a, None));
        let ignored = package.ignored.iter().map(|i| {
            (
                &i.advisory,
                Some(format!("{} (ignored until {})", i.reason, i.until)),
            )
        });
        for (advisory, ignore_reason) in in_force.chain(ignored) {
            let entry = by_id
                .entry(advisory.id.clone())
                .or_insert_with(|| (vulnerability(advisory, package), Vec::new()));
            if let Some(reason) = ignore_reason {
                entry.0.analysis = Some(Analysis {
                    state: "not_affected",
                    detail: reason,
                });
            }
            entry.1.push(Affects {
                reference: reference.clone(),
                versions: vec![AffectedVersion {
                    version: package.version.clone(),
                    status: "affected",
                }],
            });
        }
    }
    let vulnerabilities = by_id
        .into_values()
        .map(|(mut v, mut affects)| {
            affects.sort_by(|a, b| a.reference.cmp(&b.reference));
            affects.dedup_by(|a, b| a.reference == b.reference);
            v.affects = affects;
            v
        })
        .collect();

    let bom = Bom {
        bom_format: "CycloneDX",
        spec_version: "1.5",
        version: 1,
        metadata: Metadata {
            timestamp: metadata.timestamp_unix.map(rfc3339),
            tools: Tools {
                components: vec![Tool {
                    kind: "application",
                    name: "cuirass",
                    version: &metadata.tool_version,
                }],
            },
            component: metadata.project_name.as_ref().map(|name| Component {
                kind: "application",
                bom_ref: format!("project:{name}"),
                name: name.clone(),
                version: None,
                purl: None,
                properties: Vec::new(),
            }),
        },
        components,
        vulnerabilities,
    };
    serde_json::to_writer_pretty(&mut *out, &bom).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

fn vulnerability(advisory: &AdvisoryMatch, package: &VulnerablePackage) -> Vulnerability {
    let rating_method = match advisory.cvss_vector.as_deref() {
        Some(v) if v.starts_with("CVSS:3.1/") => "CVSSv31",
        Some(v) if v.starts_with("CVSS:3.0/") => "CVSSv3",
        Some(v) if v.starts_with("CVSS:4.0/") => "CVSSv4",
        _ => "other",
    };
    let ratings = if advisory.rated {
        vec![Rating {
            source: Source {
                name: "OSV".to_string(),
                url: Some(advisory.url()),
            },
            score: advisory.cvss_score,
            severity: advisory.severity.as_str(),
            method: rating_method,
            vector: advisory.cvss_vector.clone(),
        }]
    } else {
        Vec::new()
    };
    let recommendation = if advisory.fixed.is_empty() {
        None
    } else {
        Some(format!(
            "Upgrade {} to {} or later{}.",
            package.name,
            advisory.fixed.first().map_or("", String::as_str),
            package
                .fixed_in
                .as_deref()
                .filter(|f| Some(*f) != advisory.fixed.first().map(String::as_str))
                .map(|f| format!(" ({f} fixes every advisory for {})", package.version))
                .unwrap_or_default()
        ))
    };
    Vulnerability {
        id: advisory.id.clone(),
        source: source_of(&advisory.id),
        references: advisory
            .aliases
            .iter()
            .map(|alias| Reference {
                id: alias.clone(),
                source: source_of(alias),
            })
            .collect(),
        ratings,
        cwes: advisory.cwes.clone(),
        description: advisory.summary.clone(),
        recommendation,
        advisories: advisory
            .references
            .iter()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .map(|url| Advisory { url: url.clone() })
            .collect(),
        published: advisory.published.as_deref().and_then(timestamp),
        updated: timestamp(&advisory.modified),
        analysis: None,
        affects: Vec::new(),
    }
}

/// The database an id belongs to, with the advisory's page.
fn source_of(id: &str) -> Source {
    let (name, url) = if id.starts_with("CVE-") {
        ("NVD", format!("https://nvd.nist.gov/vuln/detail/{id}"))
    } else if id.starts_with("GHSA-") {
        ("GitHub", format!("https://github.com/advisories/{id}"))
    } else if id.starts_with("PYSEC-") {
        ("PyPA", format!("https://osv.dev/vulnerability/{id}"))
    } else {
        ("OSV", format!("https://osv.dev/vulnerability/{id}"))
    };
    Source {
        name: name.to_string(),
        url: Some(url),
    }
}

/// An OSV timestamp if it is a full RFC 3339 date-time (the schema checks the format).
fn timestamp(text: &str) -> Option<String> {
    let t = text.trim();
    let bytes = t.as_bytes();
    let shaped = bytes.len() >= 20
        && Date::parse(t.get(..10)?).is_ok()
        && matches!(bytes.get(10), Some(b'T' | b't'))
        && bytes.get(13) == Some(&b':')
        && bytes.get(16) == Some(&b':')
        && (t.ends_with('Z') || t.ends_with('z') || t.get(t.len() - 6..)?.starts_with(['+', '-']));
    shaped.then(|| t.to_string())
}

/// A Unix time as RFC 3339 UTC.
fn rfc3339(unix: u64) -> String {
    let date = Date::from_unix(unix);
    let secs = unix % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_and_times() {
        assert_eq!(purl("Django", "3.2.0"), "pkg:pypi/django@3.2.0");
        assert_eq!(purl("zope.interface", "5.0"), "pkg:pypi/zope-interface@5.0");
        assert_eq!(purl("torch", "2.0.1+cu118"), "pkg:pypi/torch@2.0.1%2Bcu118");
        assert_eq!(purl("x", "1!2.0"), "pkg:pypi/x@1%212.0");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(
            timestamp("2021-06-08T18:15:00Z").as_deref(),
            Some("2021-06-08T18:15:00Z")
        );
        assert_eq!(
            timestamp("2021-06-08T18:15:00.123+02:00").as_deref(),
            Some("2021-06-08T18:15:00.123+02:00")
        );
        assert_eq!(timestamp("2021-06-08"), None);
        assert_eq!(timestamp(""), None);
    }
}
