//! The HTML report without a browser: a snapshot of its markup (the inline stylesheet and script
//! replaced by placeholders; they are checked by hash and size), a strict scan of the markup of
//! the shared and the hostile fixture, and what no snapshot shows at a glance (the CSP matches
//! the inline blocks, no secret beyond its mask, hidden characters made visible).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

mod common;

use base64::Engine as _;
use common::{RAW_SECRET, empty_report, hostile, html_report, markup, render, report};
use cuirass_report::{ScanReport, write_html};
use sha2::{Digest as _, Sha256};

fn html(report: &ScanReport) -> String {
    render(|out| write_html(out, report))
}

/// The text between the first `open` and the next `close`.
fn between<'a>(page: &'a str, open: &str, close: &str) -> &'a str {
    let start = page.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let end = start + page[start..].find(close).unwrap();
    &page[start..end]
}

/// The page with the inline stylesheet, the script and their hashes as placeholders.
fn markup_only(page: &str) -> String {
    let css = between(page, "<style>", "</style>");
    let js = between(page, "<script>", "</script>");
    let csp = between(page, "Content-Security-Policy\" content=\"", "\"");
    page.replacen(css, "/* report.css */", 1)
        .replacen(js, "/* report.js */", 1)
        .replacen(
            csp,
            "default-src 'none'; style-src 'sha256-CSS'; script-src 'sha256-JS'; …",
            1,
        )
}

fn sha256_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// The start tags named `name`.
fn start_tags(page: &str, name: &str) -> Vec<markup::Tag> {
    markup::tags(page)
        .unwrap()
        .into_iter()
        .filter(|t| t.name == name && !t.closing)
        .collect()
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!("html", markup_only(&html(&html_report())));
}

#[test]
fn markup_is_well_formed_for_every_fixture() {
    for (name, report) in [
        ("html", html_report()),
        ("shared", report()),
        ("empty", empty_report()),
        ("hostile", hostile::report()),
    ] {
        let problems = markup::problems(&html(&report));
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
    // The scanner does catch an injection (so the pass above means something).
    let injected = html(&report()).replacen(
        "<p class=\"msg\">",
        "<p class=\"msg\"><img src=x onerror=alert(1)>",
        1,
    );
    let problems = markup::problems(&injected);
    assert!(problems.iter().any(|p| p.contains("<img>")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.contains("onerror")),
        "{problems:?}"
    );
    let second_script = html(&report()).replacen("</footer>", "</footer><script></script>", 1);
    assert!(!markup::problems(&second_script).is_empty());
    let raw_lt = html(&report()).replacen("<p class=\"msg\">", "<p class=\"msg\">a < b", 1);
    assert!(!markup::problems(&raw_lt).is_empty());
}

#[test]
fn hostile_payloads_arrive_as_text() {
    let page = html(&hostile::report());
    for payload in hostile::PAYLOADS {
        if payload.contains(['<', '>', '"', '\'']) {
            assert!(
                !page.contains(payload),
                "raw payload {payload:?} in the page"
            );
        }
    }
    // As text they are all there, escaped.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        page.contains("&lt;/script&gt;&lt;script&gt;document.body.dataset.pwned=1&lt;/script&gt;")
    );
    // Exactly our script and no element from the payloads.
    assert_eq!(page.matches("<script").count(), 1);
    assert!(start_tags(&page, "img").is_empty());
    // No tag anywhere carries an event handler, and no link leads to script.
    for tag in markup::tags(&page).unwrap() {
        for (name, value) in &tag.attrs {
            assert!(!name.starts_with("on"), "{tag:?}");
            if name == "href" {
                assert!(
                    !value.to_ascii_lowercase().contains("javascript"),
                    "{tag:?}"
                );
            }
        }
    }
    // Links only to plain web URLs: the advisory's `javascript:` URL is shown as its id, and
    // markdown links to script or with quotes in the URL are shown as their text.
    assert!(!page.contains("href=\"javascript"));
    assert!(page.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;<br><small>"));
    assert!(page.contains(
        "&lt;/script&gt; see docs or more) and <code>&lt;/code&gt;&lt;img src=x onerror=alert(1)&gt;</code>.</p>"
    ));
    // Line separators and bidi controls never reach the page raw.
    for c in ['\u{2028}', '\u{2029}', '\u{202E}', '\u{1b}'] {
        assert!(!page.contains(c), "raw {c:?}");
    }
    assert!(page.contains("&lt;U+2028&gt;") && page.contains("&lt;U+202E&gt;"));
    // A secret finding shows its mask only, never its hash.
    assert!(page.contains("&lt;scr****"));
    assert!(!page.contains("never shown"));
}

#[test]
fn csp_allows_exactly_the_inline_blocks() {
    let page = html(&html_report());
    let head = between(&page, "<head>", "</head>");
    let csp_at = head.find("Content-Security-Policy").unwrap();
    assert!(
        csp_at < head.find("<style>").unwrap() && !head[..csp_at].contains("<script"),
        "the CSP comes before anything it governs"
    );
    let csp = between(&page, "Content-Security-Policy\" content=\"", "\"").replace("&#39;", "'");
    let css = between(&page, "<style>", "</style>");
    let js = between(&page, "<script>", "</script>");
    assert_eq!(
        csp,
        format!(
            "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
            sha256_base64(css),
            sha256_base64(js)
        )
    );
    // Nothing the policy would block: no inline style attributes or event handlers, no URL to
    // fetch (links are navigation, which the policy does not govern).
    for tag in markup::tags(&page).unwrap() {
        assert!(!tag.has("style") && !tag.has("src"), "{tag:?}");
    }
}

#[test]
fn assets_are_small_and_self_contained() {
    let page = html(&html_report());
    let css = between(&page, "<style>", "</style>");
    let js = between(&page, "<script>", "</script>");
    assert!(
        css.len() + js.len() < 60_000,
        "{} + {}",
        css.len(),
        js.len()
    );
    for asset in [css, js] {
        for network in [
            "http://",
            "https://",
            "url(",
            "@import",
            "fetch(",
            "XMLHttpRequest",
        ] {
            assert!(!asset.contains(network), "{network}");
        }
        assert!(
            !asset.contains("innerHTML"),
            "the script never builds markup"
        );
        // Raw text ends at the first `</style` or `</script`; the assets must not contain one.
        for end in ["</style", "</script", "<!--"] {
            assert!(!asset.to_ascii_lowercase().contains(end), "{end}");
        }
    }
}

#[test]
fn findings_render_with_everything_they_carry() {
    let report = html_report();
    let page = html(&report);
    let articles = start_tags(&page, "article");
    assert_eq!(articles.len(), report.findings.len());
    for (article, finding) in articles.iter().zip(&report.findings) {
        assert_eq!(
            article.attr("data-severity"),
            Some(finding.severity.as_str())
        );
        assert_eq!(
            article.attr("data-audit"),
            Some(finding.rule.audit.as_str())
        );
        assert_eq!(article.attr("data-rule"), Some(finding.rule.name));
        assert_eq!(
            article.attr("data-file"),
            Some(finding.location.path.as_str())
        );
        assert!(
            !article.has("hidden"),
            "nothing is hidden without the script"
        );
    }
    assert!(page.contains("<output id=\"visible-count\">9</output> of 9 findings shown"));
    // The filter bar waits for the script.
    assert!(start_tags(&page, "form")[0].has("hidden"));

    // Code frame: the reported line highlighted and its columns marked.
    assert!(page.contains(
        "<span class=\"l hit\"><span class=\"n\">14</span>    <mark>cursor.execute(query)</mark></span>"
    ));
    // Data flow, source to sink, and related locations.
    let sql = between(&page, "id=\"finding-1\"", "</article>");
    assert!(sql.contains("data-rule=\"sql-string-query\""));
    let source = sql.find("<li class=\"source\">").unwrap();
    let step = sql.find("returned by <code>build_query</code>").unwrap();
    let sink = sql.find("<li class=\"sink\">").unwrap();
    assert!(source < step && step < sink);
    assert!(sql.contains("<code>app/queries.py:8:12</code>"));
    assert!(
        page.contains("<code>app/views.py:2:1</code> <code>subprocess</code> is imported here")
    );
    // The rule's documentation link and its fix text.
    assert!(sql.contains("href=\"https://cuirass.dev/rules/sql-string-query\""));
    assert!(sql.contains(
        "<p>Pass the values as query parameters. Never format them into the SQL text.</p>"
    ));
    let with_fix = report
        .findings
        .iter()
        .filter(|f| f.rule.fix().is_some())
        .count();
    assert_eq!(page.matches("<div class=\"fix\">").count(), with_fix);
    // CWE and OWASP.
    assert!(sql.contains("href=\"https://cwe.mitre.org/data/definitions/89.html\""));
    assert!(sql.contains("OWASP A03:2021 Injection"));
    // Hidden characters are visible.
    assert!(!page.contains('\u{202E}'));
    assert!(page.contains(
        "# <span class=\"esc\" title=\"hidden character\">&lt;U+202E&gt;</span> check ok"
    ));
    assert!(page.contains(
        "<code>shell=True</code><span class=\"esc\" title=\"hidden character\">\\x1b</span>[2J<span class=\"esc\" title=\"hidden character\">\\x0a</span>fake: line"
    ));
}

#[test]
fn dependency_table_lists_packages_advisories_and_fixes() {
    let page = html(&html_report());
    let table = between(&page, "<section id=\"dependencies\"", "</section>");
    assert_eq!(table.matches("<tr>").count(), 3, "header and two packages");
    assert!(table.contains("<code>pyyaml</code></td><td>5.3</td>"));
    assert!(table.contains(
        "<a href=\"https://osv.dev/vulnerability/PYSEC-2021-142\" target=\"_blank\" rel=\"noopener noreferrer\">PYSEC-2021-142</a>"
    ));
    assert!(table.contains("<td>5.4</td>"));
    assert!(table.contains("<code>legacy-crypto</code></td><td>0.9</td>"));
    assert!(table.contains("no fix yet"));
    // Each finding's card has its advisories, with aliases and CVSS.
    assert!(page.contains("CVE-2020-14343, GHSA-8q59-q68h-6hv4"));
    assert!(page.contains(
        "<small title=\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\">CVSS 9.8</small>"
    ));
    assert!(page.contains("upgrade to <code>5.4</code> or later"));
    // No dependency finding, no table.
    assert!(!html(&report()).contains("id=\"dependencies\""));
}

#[test]
fn summary_notices_and_run_facts() {
    let page = html(&report());
    // Summary tiles link to the filtered view.
    assert!(page.contains(
        "<a class=\"tile sev-critical\" href=\"#severity=critical\"><b>1</b><span>critical</span></a>"
    ));
    assert!(page.contains("<svg class=\"bars\""));
    assert!(page.contains(
        "aria-label=\"Findings by severity: critical 1, high 2, medium 2, low 1, info 1\""
    ));
    assert!(page.contains("href=\"#rule=insecure-hash-md5\""));
    // An audit that did not run is said so, loudly.
    assert!(page.contains("<b>Not audited:</b> the dependencies audit did not run"));
    // Notices: one row each.
    let notices = between(&page, "<section id=\"notices\"", "</section>");
    assert_eq!(notices.matches("<tr>").count(), 11);
    assert!(notices.contains("5 of 10 mean part of the input was not fully audited"));
    assert!(notices.contains("<code>demo/bad.py:3:1</code>"));
    // Run facts.
    let run = between(&page, "<section id=\"run\"", "</section>");
    for fact in [
        "cuirass 0.1.0",
        "2026-01-01T00:00:00Z",
        "1.23s",
        "<code>my app</code>",
        "<dd>42</dd>",
        "code, config, secrets, interpreter",
        "<b>dependencies</b>: no advisory database",
        "3 findings",
        "5 findings already known (not shown), 2 entries no longer found",
        "<summary>6 rules</summary>",
    ] {
        assert!(run.contains(fact), "{fact}:\n{run}");
    }
    // The file filter offers each file once, percent-decoded values in attributes.
    assert!(page.contains("<option value=\"my app/données.py\">my app/données.py (2)</option>"));
}

#[test]
fn empty_report_says_so() {
    let page = html(&empty_report());
    assert!(page.contains("<p class=\"empty\">No findings.</p>"));
    assert!(!page.contains("id=\"filters\""));
    assert!(!page.contains("id=\"notices\""));
    assert!(page.contains("<title>cuirass report: 0 findings</title>"));
    assert!(page.contains("<dt>baseline</dt><dd>not used</dd>"));
}

#[test]
fn no_secret_beyond_its_mask() {
    let report = html_report();
    let page = html(&report);
    let secret = report
        .findings
        .iter()
        .find(|f| f.rule.name == "aws-access-key")
        .unwrap();
    assert!(!page.contains(RAW_SECRET) && !page.contains(&RAW_SECRET[..8]));
    assert!(
        !page.contains("f0a2b6e1c3d4"),
        "the secret's hash is never shown"
    );
    assert!(!page.contains(secret.fingerprint.as_str()));
    assert!(
        !page.contains("key = hashlib"),
        "fingerprint keys are never shown"
    );
    assert!(page.contains("Value (masked): <code>AKIA****************</code>"));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(html(&html_report()), html(&html_report()));
    assert_eq!(html(&hostile::report()), html(&hostile::report()));
}
