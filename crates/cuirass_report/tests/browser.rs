//! The HTML report in a real browser. Headless Chromium opens the shared fixture's report with
//! filters in the URL fragment; the DOM it dumps after the script ran must hold every finding,
//! with exactly the filtered ones visible and the live count agreeing. Screenshots (wide and
//! narrow) are saved under `CARGO_TARGET_TMPDIR/html-report/` for people to look at. The hostile
//! fixture's report must come out of the browser with every payload still text.
//!
//! `CUIRASS_HTML_REPORT=path/to/report.html` adds a report written by the CLI (CI sets it to the
//! report of `demo/`): it gets the same checks and a screenshot named after the file.
//!
//! Chromium comes from `CUIRASS_CHROMIUM` or `PATH` (`chromium`, `chromium-browser`,
//! `google-chrome`, `google-chrome-stable`). Without one the tests skip with a message, except
//! under `CI=true`, where they fail: CI installs Debian's `chromium`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{hostile, html_report, markup, render};
use cuirass_report::{ScanReport, write_html};

const CANDIDATES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long one browser run may take before the test gives up on it.
const TIMEOUT: Duration = Duration::from_mins(2);

struct Browser {
    binary: PathBuf,
    profile: tempfile::TempDir,
}

/// The browser, or `None` (with a message) when there is none and this is not CI.
fn browser() -> Option<Browser> {
    let binary = std::env::var_os("CUIRASS_CHROMIUM")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| CANDIDATES.iter().find_map(|name| on_path(name)));
    let Some(binary) = binary else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "no Chromium found (looked at CUIRASS_CHROMIUM and for {} on PATH); CI must run the \
             browser test: install Debian's `chromium` (apt-get install -y chromium)",
            CANDIDATES.join(", ")
        );
        eprintln!("skipping: no chromium (install Debian's chromium, or set CUIRASS_CHROMIUM)");
        return None;
    };
    Some(Browser {
        binary,
        profile: tempfile::tempdir().unwrap(),
    })
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

impl Browser {
    /// Runs the browser headless on `url` with `extra` flags; returns what it printed.
    fn run(&self, extra: &[String], url: &str) -> String {
        let mut command = Command::new(&self.binary);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--virtual-time-budget=2000",
            ])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(extra)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{}`: {e}", self.binary.display()));
        // Read both pipes on threads: a DOM larger than a pipe buffer would block the browser.
        let mut stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let out = std::thread::spawn(move || {
            let mut text = String::new();
            stdout.read_to_string(&mut text).map(|_| text)
        });
        let err = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`{}` did not finish within {TIMEOUT:?} on {url}",
                    self.binary.display()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stdout = out.join().unwrap().unwrap();
        let stderr = err.join().unwrap();
        assert!(
            status.success(),
            "`{}` failed ({status}) on {url}:\n{stderr}",
            self.binary.display()
        );
        stdout
    }

    fn dump_dom(&self, url: &str) -> String {
        let dom = self.run(&["--dump-dom".to_string()], url);
        assert!(dom.contains("</html>"), "no DOM dumped for {url}:\n{dom}");
        dom
    }

    fn screenshot(&self, url: &str, png: &Path, width: u32, height: u32) {
        let _ = std::fs::remove_file(png);
        self.run(
            &[
                format!("--screenshot={}", png.display()),
                format!("--window-size={width},{height}"),
            ],
            url,
        );
        let bytes = std::fs::read(png)
            .unwrap_or_else(|e| panic!("no screenshot at `{}`: {e}", png.display()));
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
        let dimension = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
        assert_eq!((dimension(16), dimension(20)), (width, height));
        // A blank page compresses to a few kilobytes; a rendered report does not.
        assert!(
            bytes.len() > 20_000,
            "{} is only {} bytes",
            png.display(),
            bytes.len()
        );
        eprintln!("screenshot: {}", png.display());
    }
}

/// Where the reports and screenshots go (kept after the test, for people and CI artifacts).
fn output_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_report(report: &ScanReport, name: &str) -> PathBuf {
    let path = output_dir().join(name);
    std::fs::write(&path, render(|out| write_html(out, report))).unwrap();
    path
}

fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_str().unwrap().bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'.' | b'_' | b'~') {
            url.push(char::from(byte));
        } else {
            let _ = write!(url, "%{byte:02X}");
        }
    }
    url
}

/// The finding cards of a dumped DOM, in document order.
fn articles(dom: &str) -> Vec<markup::Tag> {
    markup::tags(dom)
        .unwrap()
        .into_iter()
        .filter(|t| t.name == "article" && !t.closing)
        .collect()
}

fn visible(dom: &str) -> Vec<markup::Tag> {
    articles(dom)
        .into_iter()
        .filter(|t| !t.has("hidden"))
        .collect()
}

fn visible_count(dom: &str) -> usize {
    let start = dom
        .find("<output id=\"visible-count\">")
        .expect("a count element")
        + "<output id=\"visible-count\">".len();
    let end = start + dom[start..].find('<').unwrap();
    dom[start..end].parse().unwrap()
}

fn assert_ready(dom: &str) {
    let body = markup::tags(dom)
        .unwrap()
        .into_iter()
        .find(|t| t.name == "body" && !t.closing)
        .unwrap();
    assert_eq!(
        body.attr("data-ready"),
        Some("1"),
        "the report script did not run to the end"
    );
}

#[test]
fn report_renders_and_filters_in_chromium() {
    let Some(browser) = browser() else {
        return;
    };
    let report = html_report();
    let page = write_report(&report, "report.html");
    let url = file_url(&page);
    let total = report.findings.len();

    // No filter: everything shows, the filter bar is revealed.
    let dom = browser.dump_dom(&url);
    assert_ready(&dom);
    assert_eq!(articles(&dom).len(), total);
    assert_eq!(visible(&dom).len(), total);
    assert_eq!(visible_count(&dom), total);
    let form = markup::tags(&dom)
        .unwrap()
        .into_iter()
        .find(|t| t.name == "form" && !t.closing)
        .unwrap();
    assert!(!form.has("hidden"), "the script shows the filter bar");
    let problems = markup::problems(&dom);
    assert!(problems.is_empty(), "{problems:#?}");

    // Severity from the fragment: only high findings stay visible.
    let high = report
        .findings
        .iter()
        .filter(|f| f.severity.as_str() == "high")
        .count();
    assert!(high > 0 && high < total);
    let dom = browser.dump_dom(&format!("{url}#severity=high"));
    assert_ready(&dom);
    let all = articles(&dom);
    assert_eq!(all.len(), total, "filtering hides, it never removes");
    for article in &all {
        let is_high = article.attr("data-severity") == Some("high");
        assert_eq!(
            !article.has("hidden"),
            is_high,
            "{:?}",
            article.attr("data-rule")
        );
    }
    assert_eq!(visible(&dom).len(), high);
    assert_eq!(visible_count(&dom), high);
    assert!(dom.contains(&format!("{high}</output> of {total} findings shown")));

    // Audit, search and order together.
    let dom = browser.dump_dom(&format!("{url}#audit=code&q=MD5&sort=severity"));
    let shown = visible(&dom);
    assert_eq!(shown.len(), 2, "the two md5 findings");
    assert!(
        shown
            .iter()
            .all(|t| t.attr("data-rule") == Some("insecure-hash-md5"))
    );
    let rank = |t: &markup::Tag| {
        ["critical", "high", "medium", "low", "info"]
            .iter()
            .position(|s| Some(*s) == t.attr("data-severity"))
            .unwrap()
    };
    let order: Vec<usize> = articles(&dom).iter().map(rank).collect();
    assert!(
        order.windows(2).all(|w| w[0] <= w[1]),
        "sorted by severity: {order:?}"
    );

    // A file with a space and non-ASCII letters, percent-encoded in the fragment.
    let dom = browser.dump_dom(&format!("{url}#file=my%20app%2Fdonn%C3%A9es.py"));
    assert_eq!(visible_count(&dom), 2);
    assert!(
        visible(&dom)
            .iter()
            .all(|t| t.attr("data-file") == Some("my app/données.py"))
    );

    // Nothing matches: the count says 0 and the message shows.
    let dom = browser.dump_dom(&format!("{url}#q=no-such-text-anywhere"));
    assert_eq!(visible_count(&dom), 0);
    let no_match = markup::tags(&dom)
        .unwrap()
        .into_iter()
        .find(|t| t.attr("id") == Some("no-match"))
        .unwrap();
    assert!(!no_match.has("hidden"));

    let dir = output_dir();
    browser.screenshot(&url, &dir.join("report.png"), 1280, 2000);
    browser.screenshot(
        &format!("{url}#severity=critical,high"),
        &dir.join("report-narrow.png"),
        420,
        1800,
    );
}

#[test]
fn hostile_report_stays_inert_in_chromium() {
    let Some(browser) = browser() else {
        return;
    };
    let report = hostile::report();
    let page = write_report(&report, "hostile.html");
    let dom = browser.dump_dom(&file_url(&page));
    assert_ready(&dom);
    // A payload that ran would have marked the body or renamed the page.
    assert!(!dom.contains("data-pwned"), "a payload ran");
    assert!(dom.contains("<title>cuirass report: 3 findings</title>"));
    // The DOM holds our elements only: one script, no <img>/<svg onload>, no handlers.
    let problems = markup::problems(&dom);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(articles(&dom).len(), report.findings.len());
    // The payloads are there, as text.
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        dom.contains("&lt;/script&gt;&lt;script&gt;document.body.dataset.pwned=1&lt;/script&gt;")
    );
    browser.screenshot(
        &file_url(&page),
        &output_dir().join("hostile.png"),
        1280,
        1600,
    );
}

/// A report written elsewhere (by the CLI, in CI), named by `CUIRASS_HTML_REPORT`.
#[test]
fn report_from_the_environment_renders_in_chromium() {
    let Some(path) = std::env::var_os("CUIRASS_HTML_REPORT").filter(|v| !v.is_empty()) else {
        return;
    };
    let Some(browser) = browser() else {
        return;
    };
    let path = std::fs::canonicalize(PathBuf::from(&path))
        .unwrap_or_else(|e| panic!("CUIRASS_HTML_REPORT={}: {e}", path.display()));
    let page = std::fs::read_to_string(&path).unwrap();
    let problems = markup::problems(&page);
    assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
    let total = articles(&page).len();
    assert_eq!(
        visible_count(&page),
        total,
        "the count before the script runs"
    );

    let url = file_url(&path);
    let dom = browser.dump_dom(&url);
    assert_ready(&dom);
    assert_eq!(articles(&dom).len(), total);
    assert_eq!(visible_count(&dom), total);
    let problems = markup::problems(&dom);
    assert!(problems.is_empty(), "{problems:#?}");

    let dom = browser.dump_dom(&format!("{url}#severity=high"));
    let high = articles(&dom)
        .iter()
        .filter(|t| t.attr("data-severity") == Some("high"))
        .count();
    for article in articles(&dom) {
        assert_eq!(
            !article.has("hidden"),
            article.attr("data-severity") == Some("high")
        );
    }
    assert_eq!(visible_count(&dom), high);

    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    browser.screenshot(&url, &output_dir().join(format!("{stem}.png")), 1280, 2000);
}
