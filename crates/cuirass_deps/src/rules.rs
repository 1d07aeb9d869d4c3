//! The dependency and interpreter rules: each declared once, with its documentation, as a
//! [`RuleMeta`] the catalogue, `explain`, SARIF and the docs read.

use cuirass_diagnostics::RuleMeta;

/// Declares a `RuleMeta` static; the `///` lines are its documentation.
macro_rules! deps_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $ident:ident = {
            name: $name:literal,
            audit: $audit:ident,
            kind: $kind:ident,
            severity: $severity:ident,
            confidence: $confidence:ident,
            likelihood: $likelihood:ident,
            impact: $impact:ident,
            cwe: [$($cwe:literal),* $(,)?],
            owasp: $owasp:ident,
            tags: [$($tag:literal),* $(,)?] $(,)?
        }
    ) => {
        $vis static $ident: RuleMeta = RuleMeta {
            name: $name,
            audit: ::cuirass_diagnostics::Audit::$audit,
            kind: ::cuirass_diagnostics::RuleKind::$kind,
            severity: ::cuirass_diagnostics::Severity::$severity,
            confidence: ::cuirass_diagnostics::Confidence::$confidence,
            likelihood: ::cuirass_diagnostics::Likelihood::$likelihood,
            impact: ::cuirass_diagnostics::Impact::$impact,
            cwe: &[$($cwe),*],
            owasp: Some(::cuirass_diagnostics::Owasp2021::$owasp),
            aliases: &[],
            tags: &[$($tag),*],
            doc: concat!($($doc, "\n"),*),
            default_enabled: true,
            file: file!(),
            since: env!("CARGO_PKG_VERSION"),
        };
    };
}

deps_rule! {
    /// ## What it does
    /// Checks every dependency whose exact version is known — an `==` pin, a lock-file entry
    /// or an installed distribution — against the OSV advisories for PyPI, and reports each
    /// vulnerable package once, with every advisory that affects its version (aliases such as
    /// CVE and GHSA ids shown) and the smallest version that fixes all of them.
    ///
    /// Requirements that only give a range (`django>=3.2`) are not matched: the installed
    /// version is not knowable from the file. Pin them, or scan the lock file or the
    /// environment (`--python`); `unpinned-requirement` reports such ranges in applications.
    ///
    /// The severity is the highest of the advisories': computed from a CVSS v3 vector,
    /// estimated from a CVSS v4 vector (rounding up), or the database's own label; malicious
    /// packages (`MAL-…`) are critical; an advisory with no rating counts as high.
    ///
    /// ## Why is this bad?
    /// A published advisory tells attackers exactly what to exploit and in which versions.
    /// Known-vulnerable components are among the most exploited weaknesses, and a fixed
    /// release usually exists. A malicious package is worse: installing it already ran the
    /// attacker's code.
    ///
    /// ## Example
    /// ```text
    /// # requirements.txt
    /// django==3.2.0
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// # requirements.txt
    /// django==3.2.25
    /// ```
    ///
    /// ## Fix
    /// Upgrade to the version the finding names (`cuirass check --fix-deps` rewrites `==` pins
    /// in `requirements*.txt`, `pyproject.toml` and `Pipfile`; for lock files, re-lock with
    /// `uv lock --upgrade-package NAME`, `poetry update NAME`, `pdm update NAME` or
    /// `pipenv upgrade NAME`). When no fix exists yet, remove or replace the package, or
    /// record a time-limited exception with a reason: `[tool.cuirass.deps] ignore = [{ id =
    /// "PYSEC-…", reason = "…", until = "2027-01-31" }]`. Remove a malicious package at once
    /// and treat the machines that installed it as compromised.
    ///
    /// ## References
    /// - [CWE-1395: Dependency on Vulnerable Third-Party Component](https://cwe.mitre.org/data/definitions/1395.html)
    /// - [OWASP Top 10 2021 A06: Vulnerable and Outdated Components](https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/)
    /// - [OSV: PyPI advisories](https://osv.dev/list?ecosystem=PyPI)
    /// - [Python Packaging Advisory Database](https://github.com/pypa/advisory-database)
    pub VULNERABLE_DEPENDENCY = {
        name: "vulnerable-dependency",
        audit: Dependencies,
        kind: Advisory,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [1395],
        owasp: A06VulnerableComponents,
        tags: ["dependencies", "osv", "supply-chain"],
    }
}

deps_rule! {
    /// ## What it does
    /// Checks an application's requirement files for requirements that do not pin one exact
    /// version: no version at all (`flask`), or a range (`requests>=2.19`, `django~=4.2`).
    ///
    /// Application files are pip requirement files — `requirements*.txt`, `constraints*.txt`,
    /// files in a `requirements/` folder, and pip-tools `*.in` inputs that have no compiled
    /// `.txt` next to them (with one, the `.txt` is the lock and the `.in` may use ranges). A
    /// range is fine when a constraints file (`-c`) read with it pins the package.
    /// `pyproject.toml`, `setup.cfg` and `Pipfile` declare what a package is *compatible*
    /// with — a library must use ranges, and an application pins through its lock file — so
    /// their ranges are never reported.
    ///
    /// ## Why is this bad?
    /// An unpinned requirement installs whatever is newest on the day of the install: builds
    /// stop being reproducible, a compromised or broken release is picked up without review,
    /// and the advisory audit cannot tell which version you run.
    ///
    /// ## Example
    /// ```text
    /// # requirements.txt
    /// flask
    /// requests>=2.19
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// # requirements.txt (compiled from requirements.in by pip-compile or `uv pip compile`)
    /// flask==3.0.3
    /// requests==2.32.3
    /// ```
    ///
    /// ## Fix
    /// Keep direct requirements in `requirements.in` and compile the pinned
    /// `requirements.txt` with `pip-compile --generate-hashes` or
    /// `uv pip compile --generate-hashes`; or pin each line by hand to the version you tested.
    ///
    /// ## References
    /// - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    /// - [pip: Repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
    /// - [OWASP Top 10 2021 A08: Software and Data Integrity Failures](https://owasp.org/Top10/A08_2021-Software_and_Data_Integrity_Failures/)
    pub UNPINNED_REQUIREMENT = {
        name: "unpinned-requirement",
        audit: Dependencies,
        kind: Hygiene,
        severity: Low,
        confidence: Medium,
        likelihood: Low,
        impact: Medium,
        cwe: [829],
        owasp: A08IntegrityFailures,
        tags: ["dependencies", "pinning", "supply-chain"],
    }
}

deps_rule! {
    /// ## What it does
    /// Checks requirement files that use hash-checking (`--hash` on some lines, or
    /// `--require-hashes`) for requirement lines that carry no `--hash`.
    ///
    /// ## Why is this bad?
    /// Hashes make pip refuse any file other than the one you reviewed, even if the index or a
    /// mirror serves a tampered one. In hash-checking mode pip rejects the whole install when a
    /// line lacks a hash, so such a file is either broken or being installed without
    /// `--require-hashes` — and then the unhashed lines are not protected at all.
    ///
    /// ## Example
    /// ```text
    /// django==4.2.7 \
    ///     --hash=sha256:8e0f1c2d…
    /// sqlparse==0.4.4
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// django==4.2.7 \
    ///     --hash=sha256:8e0f1c2d…
    /// sqlparse==0.4.4 \
    ///     --hash=sha256:5430a4fe…
    /// ```
    ///
    /// ## Fix
    /// Regenerate the file with `pip-compile --generate-hashes` or
    /// `uv pip compile --generate-hashes`, which hash every line (and every transitive
    /// dependency), instead of adding hashes by hand.
    ///
    /// ## References
    /// - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    /// - [pip: Hash-checking mode](https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode)
    pub MISSING_HASH = {
        name: "missing-hash",
        audit: Dependencies,
        kind: Hygiene,
        severity: Medium,
        confidence: High,
        likelihood: Low,
        impact: High,
        cwe: [494],
        owasp: A08IntegrityFailures,
        tags: ["dependencies", "hashes", "supply-chain"],
    }
}

deps_rule! {
    /// ## What it does
    /// Checks the requirement, manifest and lock files of one project for a package pinned to
    /// different exact versions — `django==4.2.7` in `requirements.txt` but `4.2.1` in
    /// `poetry.lock`, or a constraints file that contradicts a requirement. Pins guarded by
    /// different environment markers (`numpy==1.24.4; python_version < "3.9"`) and the several
    /// versions a single lock file may hold for different platforms are not conflicts. A
    /// project is the folder holding a `pyproject.toml`, `setup.cfg`, `setup.py` or `Pipfile`
    /// (the nearest one above each file), or the scanned root.
    ///
    /// ## Why is this bad?
    /// Which version ships depends on which file the build happens to use, so the version
    /// that was reviewed, tested or audited may not be the one deployed; one file is usually a
    /// stale export that still carries a vulnerable version.
    ///
    /// ## Example
    /// ```text
    /// # requirements.txt
    /// django==4.2.7
    /// # requirements-prod.txt
    /// django==4.2.1
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// # requirements-prod.txt
    /// -r requirements.txt
    /// gunicorn==22.0.0
    /// ```
    ///
    /// ## Fix
    /// Keep one source of truth: include shared pins with `-r`/`-c` instead of copying them,
    /// or regenerate exported files (`uv export`, `poetry export`) from the lock file.
    ///
    /// ## References
    /// - [CWE-1357: Reliance on Insufficiently Trustworthy Component](https://cwe.mitre.org/data/definitions/1357.html)
    /// - [pip: Constraints files](https://pip.pypa.io/en/stable/user_guide/#constraints-files)
    pub CONFLICTING_PINS = {
        name: "conflicting-pins",
        audit: Dependencies,
        kind: Hygiene,
        severity: Low,
        confidence: Medium,
        likelihood: Low,
        impact: Medium,
        cwe: [1357],
        owasp: A06VulnerableComponents,
        tags: ["dependencies", "pinning"],
    }
}

deps_rule! {
    /// ## What it does
    /// Reports requirements whose code cannot be checked against advisories because they do
    /// not come from a package index by name and version: editable installs (`-e`), direct URLs
    /// (`name @ https://…`), version-control checkouts (`git+https://…`), local paths, and
    /// lock entries without a PEP 440 version. They are listed so that nothing is skipped
    /// silently; it is information, not a defect.
    ///
    /// ## Why is this bad?
    /// Nothing vouches for such code: no advisory database tracks a commit or a private
    /// archive, a branch or an unpinned URL can change under you, and a local path is whatever
    /// is on the build machine. Their security is yours to review.
    ///
    /// ## Example
    /// ```text
    /// git+https://github.com/acme/sdk.git@main#egg=acme-sdk
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// acme-sdk==2.1.0
    /// ```
    ///
    /// ## Fix
    /// Publish the package to an index (a private one is fine) and require it by version, or
    /// pin the reference to an immutable commit and review its changes yourself.
    ///
    /// ## References
    /// - [CWE-1357: Reliance on Insufficiently Trustworthy Component](https://cwe.mitre.org/data/definitions/1357.html)
    /// - [pip: VCS support](https://pip.pypa.io/en/stable/topics/vcs-support/)
    pub UNAUDITABLE_REQUIREMENT = {
        name: "unauditable-requirement",
        audit: Dependencies,
        kind: Hygiene,
        severity: Info,
        confidence: High,
        likelihood: Low,
        impact: Low,
        cwe: [1357],
        owasp: A06VulnerableComponents,
        tags: ["dependencies", "supply-chain"],
    }
}

deps_rule! {
    /// ## What it does
    /// Checks the Python versions a project runs on or declares — `.python-version`,
    /// `runtime.txt`, Dockerfile `FROM python:…` images, a virtualenv's `pyvenv.cfg`,
    /// Pipfile's `python_version`, `requires-python`/`python_requires`/Poetry's `python`, tox
    /// environments and GitHub Actions `python-version` matrices — against CPython's release
    /// calendar. A version past its end of life is reported; one that reaches it within 12
    /// months is reported at low severity.
    ///
    /// The severity depends on what the file says: an interpreter the project *runs* on
    /// (`.python-version`, `runtime.txt`, a Dockerfile, a virtualenv, Pipfile) is high when end
    /// of life; a version the project only *allows* or *tests* (the lowest one
    /// `requires-python` admits, tox and CI matrices) is medium, since a newer interpreter may
    /// be what actually runs.
    ///
    /// ## Why is this bad?
    /// After its end of life a CPython version receives no security fixes: vulnerabilities in
    /// the interpreter and its standard library (`ssl`, `http`, `tarfile`, `xml`) stay open,
    /// and packages stop shipping fixes and wheels for it.
    ///
    /// ## Example
    /// ```text
    /// # Dockerfile
    /// FROM python:3.8-slim
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// # Dockerfile
    /// FROM python:3.13-slim
    /// ```
    ///
    /// ## Fix
    /// Move to a supported CPython (the dates are at <https://devguide.python.org/versions/>),
    /// raise `requires-python`, and drop end-of-life versions from CI matrices.
    ///
    /// ## References
    /// - [CWE-1104: Use of Unmaintained Third Party Components](https://cwe.mitre.org/data/definitions/1104.html)
    /// - [Python Developer's Guide: Status of Python versions](https://devguide.python.org/versions/)
    /// - [PEP 602: Annual Release Cycle for Python](https://peps.python.org/pep-0602/)
    pub EOL_PYTHON = {
        name: "eol-python",
        audit: Interpreter,
        kind: Hygiene,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [1104],
        owasp: A06VulnerableComponents,
        tags: ["interpreter", "end-of-life"],
    }
}

/// Every rule of the dependency and interpreter audits, sorted by name.
pub fn rules() -> &'static [&'static RuleMeta] {
    static RULES: [&RuleMeta; 6] = [
        &CONFLICTING_PINS,
        &EOL_PYTHON,
        &MISSING_HASH,
        &UNAUDITABLE_REQUIREMENT,
        &UNPINNED_REQUIREMENT,
        &VULNERABLE_DEPENDENCY,
    ];
    &RULES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_sorted_unique_and_documented() {
        let rules = rules();
        assert!(rules.windows(2).all(|w| w[0].name < w[1].name));
        for rule in rules {
            let doc = cuirass_diagnostics::dedent_doc(rule.doc);
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## Fix",
                "## References",
            ] {
                assert!(doc.contains(section), "{} lacks {section}", rule.name);
            }
            assert!(
                doc.matches("```").count() >= 4,
                "{} lacks examples",
                rule.name
            );
            assert!(!rule.cwe.is_empty());
            for cwe in rule.cwe {
                assert!(cuirass_diagnostics::cwe_title(*cwe).is_some(), "CWE-{cwe}");
                assert!(
                    doc.contains(&format!("CWE-{cwe}")),
                    "{}: CWE-{cwe}",
                    rule.name
                );
            }
            assert!(rule.owasp.is_some());
            assert!(!rule.summary().is_empty());
        }
        assert_eq!(VULNERABLE_DEPENDENCY.cwe, [1395]);
        assert_eq!(
            VULNERABLE_DEPENDENCY.owasp,
            Some(cuirass_diagnostics::Owasp2021::A06VulnerableComponents)
        );
    }
}
