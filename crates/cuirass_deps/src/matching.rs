//! Does an advisory affect a version? OSV's algorithm for `ECOSYSTEM` ranges with PEP 440
//! ordering, plus the explicit `versions` list, and the smallest upgrade that leaves every
//! advisory behind.
//!
//! Semantics, following the OSV schema and osv.dev:
//! - A version is affected if it is in `versions` **or** inside any range (the two can
//!   disagree in real data: some `versions` lists name pre-releases the ranges leave out).
//! - A range's events are sorted by version first (real records list them out of order);
//!   at equal versions `introduced` comes before `last_affected`, `fixed` and `limit`, so
//!   `introduced: X` + `fixed: X` is an empty range. Walking the sorted events, `introduced ≤ v`
//!   opens the range, `fixed ≤ v` and `limit ≤ v` close it, `last_affected < v` closes it.
//! - `introduced: "0"` is before every version. A version string that is not PEP 440 sorts
//!   before every valid version, as osv.dev sorts it.
//! - Local versions (`2.0.1+cu118`) are compared by their public part: a local build of a
//!   release carries that release's vulnerabilities.
//! - Pre-, post- and dev-releases and epochs order as PEP 440 says (`pep440_rs`).

use std::cmp::Ordering;
use std::str::FromStr;

use pep440_rs::Version;

use crate::advisory::{Advisory, Affected, Event};
use crate::name::PackageName;

/// A version as it appears in an event, ordered the way osv.dev orders them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    /// `introduced: "0"`.
    Zero,
    /// Not PEP 440: before every valid version.
    Invalid,
    Valid(Version),
}

impl Bound {
    fn parse(text: &str) -> Self {
        if text == "0" {
            return Bound::Zero;
        }
        Version::from_str(text.trim()).map_or(Bound::Invalid, |v| Bound::Valid(v.without_local()))
    }

    /// Whether this bound is at or below `v`.
    fn le(&self, v: &Version) -> bool {
        match self {
            Bound::Zero | Bound::Invalid => true,
            Bound::Valid(b) => b <= v,
        }
    }

    fn lt(&self, v: &Version) -> bool {
        match self {
            Bound::Zero | Bound::Invalid => true,
            Bound::Valid(b) => b < v,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Bound::Zero => 0,
            Bound::Invalid => 1,
            Bound::Valid(_) => 2,
        }
    }
}

impl Ord for Bound {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Bound::Valid(a), Bound::Valid(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Bound {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The order of events at the same version.
fn event_rank(event: &Event) -> u8 {
    match event {
        Event::Introduced(_) => 0,
        Event::LastAffected(_) => 1,
        Event::Fixed(_) => 2,
        Event::Limit(_) => 3,
    }
}

fn event_version(event: &Event) -> &str {
    match event {
        Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
    }
}

/// Whether one range's events put `v` (already without its local part) inside the range.
fn range_affects(events: &[Event], v: &Version) -> bool {
    let mut sorted: Vec<(Bound, u8, &Event)> = events
        .iter()
        .map(|e| (Bound::parse(event_version(e)), event_rank(e), e))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut affected = false;
    for (bound, _, event) in &sorted {
        match event {
            Event::Introduced(_) => {
                if bound.le(v) {
                    affected = true;
                }
            }
            Event::Fixed(_) | Event::Limit(_) => {
                if bound.le(v) {
                    affected = false;
                }
            }
            Event::LastAffected(_) => {
                if bound.lt(v) {
                    affected = false;
                }
            }
        }
    }
    affected
}

/// Whether one `affected` entry covers `version` (`raw` is the version as written, for
/// `versions` entries that are not PEP 440).
pub(crate) fn entry_affects(entry: &Affected, version: &Version, raw: &str) -> bool {
    let public = version.clone().without_local();
    let listed = entry.versions.iter().any(|listed| {
        listed == raw || Version::from_str(listed.trim()).is_ok_and(|l| l.without_local() == public)
    });
    listed
        || entry
            .ranges
            .iter()
            .any(|r| range_affects(&r.events, &public))
}

/// Whether `advisory` affects `package` at `version`.
pub fn affects(advisory: &Advisory, package: &PackageName, version: &Version, raw: &str) -> bool {
    advisory
        .affected
        .iter()
        .filter(|a| &a.package == package)
        .any(|a| entry_affects(a, version, raw))
}

/// The fixed versions an advisory names for `package` that are above `current`, sorted.
pub fn fixes_above(advisory: &Advisory, package: &PackageName, current: &Version) -> Vec<Version> {
    let mut out: Vec<Version> = advisory
        .affected
        .iter()
        .filter(|a| &a.package == package)
        .flat_map(|a| &a.ranges)
        .flat_map(|r| &r.events)
        .filter_map(|e| match e {
            Event::Fixed(v) => Version::from_str(v.trim()).ok(),
            _ => None,
        })
        .filter(|v| v > current)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The smallest version above `current` that none of `advisories` affects, chosen among the
/// versions the advisories name as fixed; stable releases are preferred over pre-releases
/// unless `current` is itself a pre-release. `None`: no fixed release is known.
pub fn smallest_fix(
    advisories: &[&Advisory],
    package: &PackageName,
    current: &Version,
) -> Option<Version> {
    let mut candidates: Vec<Version> = advisories
        .iter()
        .flat_map(|a| fixes_above(a, package, current))
        .collect();
    candidates.sort();
    candidates.dedup();
    let clean = |candidate: &Version| {
        let raw = candidate.to_string();
        advisories
            .iter()
            .all(|a| !affects(a, package, candidate, &raw))
    };
    let wants_stable = !current.any_prerelease();
    candidates
        .iter()
        .filter(|c| !wants_stable || !c.any_prerelease())
        .find(|c| clean(c))
        .or_else(|| candidates.iter().find(|c| clean(c)))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advisory::Range;

    fn v(s: &str) -> Version {
        Version::from_str(s).unwrap()
    }

    fn adv(id: &str, ranges: Vec<Vec<Event>>, versions: &[&str]) -> Advisory {
        Advisory {
            id: id.to_string(),
            aliases: Vec::new(),
            summary: String::new(),
            severity: None,
            modified: String::new(),
            published: None,
            references: Vec::new(),
            cwes: Vec::new(),
            affected: vec![Affected {
                package: PackageName::new("pkg"),
                ranges: ranges.into_iter().map(|events| Range { events }).collect(),
                versions: versions.iter().map(ToString::to_string).collect(),
            }],
        }
    }

    fn hit(a: &Advisory, version: &str) -> bool {
        affects(a, &PackageName::new("pkg"), &v(version), version)
    }

    use Event::{Fixed, Introduced, LastAffected, Limit};

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn introduced_zero_and_fixed() {
        let a = adv("A", vec![vec![Introduced(s("0")), Fixed(s("2.0"))]], &[]);
        assert!(hit(&a, "0.1"));
        assert!(hit(&a, "1.9.9"));
        assert!(hit(&a, "2.0rc1"), "pre-releases of the fix are before it");
        assert!(hit(&a, "2.0.dev1"));
        assert!(!hit(&a, "2.0"));
        assert!(!hit(&a, "2.0.post1"));
        assert!(!hit(&a, "2.0.0"), "2.0 == 2.0.0 under PEP 440");
        assert!(
            !hit(&a, "1!0.5"),
            "a higher epoch is after every epoch-0 version"
        );
    }

    #[test]
    fn several_ranges_and_unsorted_events() {
        // Two branches, with the events of the second branch written before the first.
        let a = adv(
            "A",
            vec![vec![
                Introduced(s("4.0")),
                Fixed(s("4.1.9")),
                Introduced(s("3.2")),
                Fixed(s("3.2.19")),
            ]],
            &[],
        );
        assert!(!hit(&a, "3.1"));
        assert!(hit(&a, "3.2"));
        assert!(hit(&a, "3.2.18"));
        assert!(!hit(&a, "3.2.19"));
        assert!(!hit(&a, "3.9"));
        assert!(hit(&a, "4.1.8"));
        assert!(!hit(&a, "4.1.9"));
        // The same as separate ranges.
        let b = adv(
            "B",
            vec![
                vec![Fixed(s("3.2.19")), Introduced(s("3.2"))],
                vec![Introduced(s("4.0")), Fixed(s("4.1.9"))],
            ],
            &[],
        );
        for version in ["3.1", "3.2", "3.2.18", "3.2.19", "3.9", "4.1.8", "4.1.9"] {
            assert_eq!(hit(&a, version), hit(&b, version), "{version}");
        }
    }

    #[test]
    fn last_affected_is_inclusive() {
        let a = adv(
            "A",
            vec![vec![Introduced(s("1.0")), LastAffected(s("1.4"))]],
            &[],
        );
        assert!(!hit(&a, "0.9"));
        assert!(hit(&a, "1.0"));
        assert!(hit(&a, "1.4"));
        assert!(!hit(&a, "1.4.1"));
        assert!(!hit(&a, "1.4.post1"));
    }

    #[test]
    fn limits_and_same_version_events() {
        let a = adv("A", vec![vec![Introduced(s("1.0")), Limit(s("2.0"))]], &[]);
        assert!(hit(&a, "1.5"));
        assert!(!hit(&a, "2.0"));
        // `introduced` and `fixed` at one version: nothing is affected.
        let b = adv("B", vec![vec![Fixed(s("1.0")), Introduced(s("1.0"))]], &[]);
        assert!(!hit(&b, "1.0"));
        assert!(!hit(&b, "0.5"));
    }

    #[test]
    fn pre_releases_in_ranges() {
        let a = adv(
            "A",
            vec![vec![Introduced(s("2.0b1")), Fixed(s("2.0.1"))]],
            &[],
        );
        assert!(!hit(&a, "2.0a9"));
        assert!(hit(&a, "2.0b1"));
        assert!(hit(&a, "2.0rc2"));
        assert!(hit(&a, "2.0"));
        assert!(!hit(&a, "2.0.1"));
    }

    #[test]
    fn versions_list_and_local_versions() {
        // Listed versions count even outside the ranges (as in PYSEC-2023-61's pre-releases).
        let a = adv(
            "A",
            vec![vec![Introduced(s("3.2")), Fixed(s("3.2.19"))]],
            &["3.2rc1"],
        );
        assert!(hit(&a, "3.2rc1"));
        assert!(!hit(&a, "3.2b1"));
        assert!(
            hit(&a, "3.2.5+ubuntu1"),
            "local builds carry their release's bugs"
        );
        let b = adv("B", vec![], &["1.0", "1.1"]);
        assert!(hit(&b, "1.0.0"));
        assert!(hit(&b, "1.1+local"));
        assert!(!hit(&b, "1.2"));
    }

    #[test]
    fn invalid_event_versions_sort_first() {
        // osv.dev puts a non-PEP 440 version before every valid one.
        let a = adv(
            "A",
            vec![vec![Introduced(s("not-a-version")), Fixed(s("1.5"))]],
            &[],
        );
        assert!(hit(&a, "0.1"));
        assert!(!hit(&a, "1.5"));
        let b = adv("B", vec![vec![Introduced(s("0")), Fixed(s("bogus"))]], &[]);
        assert!(!hit(&b, "0.1"));
    }

    #[test]
    #[allow(
        clippy::many_single_char_names,
        reason = "advisories A–F of the scenario"
    )]
    fn smallest_fix_covers_every_advisory() {
        let name = PackageName::new("pkg");
        let a = adv(
            "A",
            vec![vec![
                Introduced(s("3.2")),
                Fixed(s("3.2.19")),
                Introduced(s("4.0")),
                Fixed(s("4.1.9")),
            ]],
            &[],
        );
        let b = adv("B", vec![vec![Introduced(s("0")), Fixed(s("3.2.20"))]], &[]);
        let c = adv(
            "C",
            vec![vec![Introduced(s("3.2.20")), Fixed(s("3.2.21"))]],
            &[],
        );
        let fix = smallest_fix(&[&a, &b], &name, &v("3.2.0"));
        assert_eq!(fix, Some(v("3.2.20")));
        // 3.2.20 brings its own problem (C), fixed in 3.2.21.
        let fix = smallest_fix(&[&a, &b, &c], &name, &v("3.2.0"));
        assert_eq!(fix, Some(v("3.2.21")));
        // No fixed event at all: no fix yet.
        let d = adv("D", vec![vec![Introduced(s("0"))]], &[]);
        assert_eq!(smallest_fix(&[&a, &d], &name, &v("3.2.0")), None);
        // Stable preferred to a pre-release fix.
        let e = adv("E", vec![vec![Introduced(s("0")), Fixed(s("2.0rc1"))]], &[]);
        let f = adv("F", vec![vec![Introduced(s("0")), Fixed(s("2.0"))]], &[]);
        assert_eq!(smallest_fix(&[&e, &f], &name, &v("1.0")), Some(v("2.0")));
        assert_eq!(smallest_fix(&[&e], &name, &v("1.0")), Some(v("2.0rc1")));
    }
}
