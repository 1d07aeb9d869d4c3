//! Messaging and email: Twilio, SendGrid, Mailgun, Mailchimp.

use cuirass_diagnostics::{RuleMeta, Severity};

use super::checks::random_token;
use super::rx::assign;
use crate::engine::{Detector, PRIORITY_PROVIDER, Placeholders, Scope};

secret_rule! {
    /// ## What it does
    /// Finds Twilio credentials in files that mention Twilio: the account auth token (32 hex
    /// digits assigned to `auth_token`/`TWILIO_AUTH_TOKEN`, or passed after the `AC…` account
    /// SID to `Client(...)`), API key secrets (`api_secret`), and API key SIDs (`SK` + 32 hex
    /// digits, medium: an identifier whose secret is usually close by).
    ///
    /// ## Why is this bad?
    /// The auth token is the master credential of the account: send SMS and calls on your bill
    /// (toll fraud), read message logs, change phone numbers' webhooks.
    ///
    /// ## Example
    /// ```python
    /// from twilio.rest import Client
    ///
    /// client = Client("AC<32 hex>", "<32 hex auth token>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// from twilio.rest import Client
    ///
    /// client = Client(os.environ["TWILIO_API_KEY"], os.environ["TWILIO_API_SECRET"],
    ///                 os.environ["TWILIO_ACCOUNT_SID"])
    /// ```
    ///
    /// ## Fix
    /// Rotate the auth token (Console → Account → API keys & tokens → request a secondary token
    /// and promote it), delete leaked API keys, prefer API keys over the auth token, and load
    /// them from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Twilio: Auth tokens and how to change them](https://help.twilio.com/articles/223136027)
    pub(crate) TWILIO = {
        name: "twilio-credential",
        kind: Detector,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("TwilioKeyDetector")],
        tags: ["twilio", "sms"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds SendGrid API keys: `SG.` + 22 characters + `.` + 43 characters.
    ///
    /// ## Why is this bad?
    /// The key sends mail from your verified domains — phishing that passes SPF and DKIM — and,
    /// with full access, reads contacts and changes settings.
    ///
    /// ## Example
    /// ```python
    /// SENDGRID_API_KEY = "SG.<22 characters>.<43 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// SENDGRID_API_KEY = os.environ["SENDGRID_API_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Delete the key (Settings → API Keys), create one with only `Mail Send`, and load it from
    /// the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [SendGrid: API keys](https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys)
    pub(crate) SENDGRID = {
        name: "sendgrid-api-key",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("SendGridDetector")],
        tags: ["sendgrid", "email"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Mailgun API keys: the legacy `key-` + 32 hex digits, and (in files that mention
    /// Mailgun) the current `<32 hex>-<8 hex>-<8 hex>` private keys.
    ///
    /// ## Why is this bad?
    /// The key sends mail from your domains and reads logs and stored messages.
    ///
    /// ## Example
    /// ```python
    /// MAILGUN_API_KEY = "key-<32 hex digits>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// MAILGUN_API_KEY = os.environ["MAILGUN_API_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Reset the key (API Security page), prefer domain sending keys, and load it from the
    /// environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Mailgun: API keys](https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#primary-account-api-key)
    pub(crate) MAILGUN = {
        name: "mailgun-api-key",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["mailgun", "email"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Mailchimp (Marketing API) keys: 32 hex digits, `-us`, and the data-centre number.
    ///
    /// ## Why is this bad?
    /// The key reads and exports every audience (names and e-mail addresses) and sends
    /// campaigns from your account.
    ///
    /// ## Example
    /// ```python
    /// MAILCHIMP_API_KEY = "<32 hex digits>-us21"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// MAILCHIMP_API_KEY = os.environ["MAILCHIMP_API_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Disable the key (Account → Extras → API keys), create a new one, and load it from the
    /// environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Mailchimp: About API keys](https://mailchimp.com/help/about-api-keys/)
    pub(crate) MAILCHIMP = {
        name: "mailchimp-api-key",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("MailchimpDetector")],
        tags: ["mailchimp", "email"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[&TWILIO, &SENDGRID, &MAILGUN, &MAILCHIMP];

pub(crate) static DETECTORS: &[&Detector] = &[
    &Detector {
        id: "twilio-auth-token",
        rule: &TWILIO,
        label: "Twilio auth token",
        prefilter: &["twilio"],
        pattern: concat!(
            r"(?:(?i:twilio[_\-.]?(?:auth[_\-.]?)?token|auth[_\-.]?token)",
            assign!(),
            r#"(?P<s1>[0-9a-f]{32})(?-u:\b)|Client\(\s*["']AC[0-9a-f]{32}["']\s*,\s*["'](?P<s2>[0-9a-f]{32})["'])"#
        ),
        scope: Scope::File,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "twilio-api-secret",
        rule: &TWILIO,
        label: "Twilio API key secret",
        prefilter: &["twilio"],
        pattern: concat!(
            r"(?i:(?:twilio[_\-.]?)?api[_\-.]?(?:key[_\-.]?)?secret)",
            assign!(),
            r"(?P<s>[A-Za-z0-9]{32})(?-u:\b)"
        ),
        scope: Scope::File,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "twilio-api-key-sid",
        rule: &TWILIO,
        label: "Twilio API key SID",
        prefilter: &["twilio"],
        pattern: r"(?-u:\b)(?P<s>SK[0-9a-f]{32})(?-u:\b)",
        scope: Scope::File,
        check: Some(|c| {
            random_token(c).map(|g| {
                g.with_severity(Severity::Medium)
                    .with_note("the identifier of an API key; its secret is usually close by")
            })
        }),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "sendgrid-api-key",
        rule: &SENDGRID,
        label: "SendGrid API key",
        prefilter: &["SG."],
        pattern: r"(?-u:\b)(?P<s>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?:[^A-Za-z0-9_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "mailgun-api-key",
        rule: &MAILGUN,
        label: "Mailgun API key",
        prefilter: &["key-"],
        pattern: r"(?-u:\b)(?P<s>key-[0-9a-f]{32})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "mailgun-private-key",
        rule: &MAILGUN,
        label: "Mailgun private API key",
        prefilter: &["mailgun"],
        pattern: r"(?-u:\b)(?P<s>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})(?-u:\b)",
        scope: Scope::File,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "mailchimp-api-key",
        rule: &MAILCHIMP,
        label: "Mailchimp API key",
        prefilter: &["-us"],
        pattern: r"(?-u:\b)(?P<s>[0-9a-f]{32}-us[0-9]{1,2})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
];
