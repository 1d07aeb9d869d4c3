//! CPython's release calendar and what it says about a declared Python version.
//!
//! Source of the table: the release-schedule PEPs (373 for 2.7; 392, 398, 429, 478, 494, 537,
//! 569, 596, 619, 664, 693, 719, 745 and 790 for 3.2–3.15) and the Python Developer's Guide,
//! "Status of Python versions" (<https://devguide.python.org/versions/>). Since PEP 602 each
//! version gets five years from its October release; where a PEP gives only the month of the
//! end of life, the table uses that month's last day. 3.9 reached its end of life in
//! October 2025, 3.10 in October 2026. Versions newer than the table are assumed supported.

use pep440_rs::{Version, VersionSpecifiers};

use crate::date::Date;

/// One CPython feature release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpythonRelease {
    pub major: u64,
    pub minor: u64,
    /// The `x.y.0` release.
    pub released: Date,
    /// The last day of (security) support.
    pub end_of_life: Date,
    /// The PEP with its schedule.
    pub pep: u16,
}

const fn date(year: i32, month: u8, day: u8) -> Date {
    match Date::new(year, month, day) {
        Some(d) => d,
        None => panic!("invalid date in the CPython release table"),
    }
}

const fn release(
    major: u64,
    minor: u64,
    released: Date,
    end_of_life: Date,
    pep: u16,
) -> CpythonRelease {
    CpythonRelease {
        major,
        minor,
        released,
        end_of_life,
        pep,
    }
}

/// CPython feature releases, oldest first.
pub const CPYTHON_RELEASES: &[CpythonRelease] = &[
    release(2, 7, date(2010, 7, 3), date(2020, 1, 1), 373),
    release(3, 0, date(2008, 12, 3), date(2009, 6, 27), 361),
    release(3, 1, date(2009, 6, 27), date(2012, 4, 9), 375),
    release(3, 2, date(2011, 2, 20), date(2016, 2, 20), 392),
    release(3, 3, date(2012, 9, 29), date(2017, 9, 29), 398),
    release(3, 4, date(2014, 3, 16), date(2019, 3, 18), 429),
    release(3, 5, date(2015, 9, 13), date(2020, 9, 30), 478),
    release(3, 6, date(2016, 12, 23), date(2021, 12, 23), 494),
    release(3, 7, date(2018, 6, 27), date(2023, 6, 27), 537),
    release(3, 8, date(2019, 10, 14), date(2024, 10, 7), 569),
    release(3, 9, date(2020, 10, 5), date(2025, 10, 31), 596),
    release(3, 10, date(2021, 10, 4), date(2026, 10, 31), 619),
    release(3, 11, date(2022, 10, 24), date(2027, 10, 31), 664),
    release(3, 12, date(2023, 10, 2), date(2028, 10, 31), 693),
    release(3, 13, date(2024, 10, 7), date(2029, 10, 31), 719),
    release(3, 14, date(2025, 10, 7), date(2030, 10, 31), 745),
    release(3, 15, date(2026, 10, 1), date(2031, 10, 31), 790),
];

/// Looks a version up; Python 2 releases before 2.7 count as 2.7 (all long dead).
pub fn release_of(major: u64, minor: u64) -> Option<&'static CpythonRelease> {
    CPYTHON_RELEASES
        .iter()
        .find(|r| r.major == major && r.minor == minor)
        .or_else(|| (major == 2).then(|| CPYTHON_RELEASES.first()).flatten())
}

/// Where a version stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Supported,
    /// End of life within the next 12 months.
    EndingSoon {
        end_of_life: Date,
    },
    EndOfLife {
        end_of_life: Date,
    },
    /// Not in the table (newer than it knows, or not a CPython version).
    Unknown,
}

pub fn support(major: u64, minor: u64, today: Date) -> Support {
    let Some(release) = release_of(major, minor) else {
        return Support::Unknown;
    };
    if release.end_of_life <= today {
        Support::EndOfLife {
            end_of_life: release.end_of_life,
        }
    } else if release.end_of_life <= today.add_months(12) {
        Support::EndingSoon {
            end_of_life: release.end_of_life,
        }
    } else {
        Support::Supported
    }
}

/// The oldest release still supported a year from `today`: what to move to.
pub fn recommended(today: Date) -> Option<&'static CpythonRelease> {
    CPYTHON_RELEASES
        .iter()
        .filter(|r| r.major == 3 && r.released <= today)
        .find(|r| r.end_of_life > today.add_months(12))
}

/// The oldest CPython release a `requires-python`-style specifier admits (any patch level);
/// `||` separates alternatives (Poetry). `None` if it admits none in the table or is invalid.
pub fn lowest_allowed(specifiers: &str) -> Option<&'static CpythonRelease> {
    let alternatives: Vec<VersionSpecifiers> = specifiers
        .split("||")
        .map(|alt| alt.trim().parse::<VersionSpecifiers>())
        .collect::<Result<_, _>>()
        .ok()?;
    CPYTHON_RELEASES
        .iter()
        .filter(|r| {
            alternatives.iter().any(|specs| {
                [0u64, 99]
                    .iter()
                    .any(|patch| specs.contains(&Version::new([r.major, r.minor, *patch])))
            })
        })
        .min_by_key(|r| (r.major, r.minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::parse("2026-11-23").unwrap()
    }

    #[test]
    fn table_is_ordered_and_sane() {
        assert!(
            CPYTHON_RELEASES
                .windows(2)
                .all(|w| (w[0].major, w[0].minor) < (w[1].major, w[1].minor))
        );
        assert!(CPYTHON_RELEASES.iter().all(|r| r.released < r.end_of_life));
    }

    #[test]
    fn support_on_2026_11_23() {
        let eol = |m| support(3, m, today());
        assert!(matches!(eol(8), Support::EndOfLife { .. }));
        assert!(matches!(eol(9), Support::EndOfLife { .. }));
        assert!(
            matches!(eol(10), Support::EndOfLife { .. }),
            "3.10 ended in October 2026"
        );
        assert!(
            matches!(eol(11), Support::EndingSoon { .. }),
            "3.11 ends 2027-10"
        );
        assert_eq!(eol(12), Support::Supported);
        assert_eq!(eol(16), Support::Unknown);
        assert!(matches!(support(2, 6, today()), Support::EndOfLife { .. }));
        // The day before 3.10's end of life it was only ending soon.
        assert!(matches!(
            support(3, 10, Date::parse("2026-10-30").unwrap()),
            Support::EndingSoon { .. }
        ));
        assert_eq!(recommended(today()).map(|r| r.minor), Some(12));
    }

    #[test]
    fn lowest_allowed_versions() {
        let low = |s| lowest_allowed(s).map(|r| (r.major, r.minor));
        assert_eq!(low(">=3.9"), Some((3, 9)));
        assert_eq!(low(">=3.8.1,<4"), Some((3, 8)));
        assert_eq!(low("~=3.10"), Some((3, 10)));
        assert_eq!(low(">=3.12"), Some((3, 12)));
        assert_eq!(low(">=3.16"), None);
        assert_eq!(low("<3.9"), Some((2, 7)));
        assert_eq!(low(">=2.7,!=3.0.*,!=3.1.*"), Some((2, 7)));
        assert_eq!(low(">=3.10 || >=3.8,<3.9"), Some((3, 8)));
        assert_eq!(low("not a spec"), None);
    }
}
