//! Cloud providers: AWS, Google Cloud, Azure, DigitalOcean, Heroku.

use cuirass_diagnostics::{RuleMeta, Severity};
use regex::Regex;

use super::checks::{random_base64, random_token};
use super::rx::assign;
use crate::engine::{Detector, Hit, PRIORITY_PROVIDER, Placeholders, Scope, compile};
use crate::entropy::shannon_entropy;
use crate::mask::mask;
use crate::text::FileCtx;
use crate::{ScanOptions, engine};

secret_rule! {
    /// ## What it does
    /// Finds AWS access keys: the access key id (`AKIA` for long-term user keys, `ASIA` for
    /// temporary STS keys, also `ABIA`, `ACCA`, `A3T…`, followed by 16 base32 characters) and
    /// the 40-character secret access key, when it is assigned to a name such as
    /// `aws_secret_access_key` or written within three lines of an access key id. A pair is
    /// reported once, at the secret, with the id as a related location; an id without its
    /// secret is reported at medium severity.
    ///
    /// ## Why is this bad?
    /// The pair signs requests as the IAM user or role it belongs to: whoever reads the file
    /// can use every permission the key has, typically to read buckets, start instances or mine
    /// cryptocurrency on your bill. Keys in public repositories are harvested within minutes.
    ///
    /// ## Example
    /// ```python
    /// import boto3
    ///
    /// s3 = boto3.client(
    ///     "s3",
    ///     aws_access_key_id="AKIA<16 characters>",
    ///     aws_secret_access_key="<40 characters>",
    /// )
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import boto3
    ///
    /// # Credentials come from the environment, ~/.aws, or the instance/task role.
    /// s3 = boto3.client("s3")
    /// ```
    ///
    /// ## Fix
    /// Deactivate and delete the key in IAM (or `aws iam delete-access-key`), check CloudTrail
    /// for its use, and let boto3 find credentials itself: environment variables, a profile, or
    /// better an IAM role. The documentation's example keys (`AKIAIOSFODNN7EXAMPLE`) are
    /// reported at info only. Removing a key from the code leaves it in the git history
    /// (`cuirass check --git-history`).
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [AWS: Managing access keys for IAM users](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html)
    /// - [AWS: Unique identifier prefixes](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes)
    pub(crate) AWS = {
        name: "aws-access-key",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("AWSKeyDetector")],
        tags: ["aws", "cloud"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Google Cloud service-account key files: JSON with `"type": "service_account"` and
    /// a `"private_key"` holding a PEM private key. One finding per key, at the key.
    ///
    /// ## Why is this bad?
    /// The key signs tokens for the service account: whoever holds the file has every role
    /// granted to the account, in every project where it is granted, until the key is deleted.
    /// Downloaded keys never expire.
    ///
    /// ## Example
    /// ```json
    /// {"type": "service_account", "client_email": "ci@proj.iam.gserviceaccount.com",
    ///  "private_key": "-----BEGIN PRIVATE KEY-----\n<base64>\n-----END PRIVATE KEY-----\n"}
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import google.auth
    ///
    /// # Workload identity, the metadata server or GOOGLE_APPLICATION_CREDENTIALS at run time.
    /// credentials, project = google.auth.default()
    /// ```
    ///
    /// ## Fix
    /// Delete the key (`gcloud iam service-accounts keys delete`), review the audit logs, and
    /// prefer keyless authentication: workload identity federation, attached service accounts,
    /// or a key file kept outside the repository and named by `GOOGLE_APPLICATION_CREDENTIALS`.
    ///
    /// ## References
    /// - [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Google Cloud: Best practices for managing service account keys](https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys)
    pub(crate) GCP_SERVICE_ACCOUNT = {
        name: "gcp-service-account-key",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [321, 798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["gcp", "cloud"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Google API keys: `AIza` followed by 35 characters of `[0-9A-Za-z_-]`.
    ///
    /// ## Why is this bad?
    /// An unrestricted key lets anyone call the APIs enabled on the project at your expense
    /// (Maps, Gemini, Translate…), and some APIs return project data. Keys meant for browsers
    /// (Firebase, Maps JavaScript) are public by design, which is why the severity is medium:
    /// check that the key is restricted to its referrers and APIs.
    ///
    /// ## Example
    /// ```python
    /// GOOGLE_API_KEY = "AIza<35 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// GOOGLE_API_KEY = os.environ["GOOGLE_API_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Restrict or regenerate the key in the Google Cloud console (APIs & Services →
    /// Credentials), and load server-side keys from the environment or Secret Manager.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Google Cloud: Manage API keys](https://cloud.google.com/docs/authentication/api-keys)
    pub(crate) GOOGLE_API_KEY = {
        name: "google-api-key",
        kind: Detector,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["gcp", "google", "cloud"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Google OAuth client secrets: `GOCSPX-` followed by 28 characters.
    ///
    /// ## Why is this bad?
    /// With the client secret anyone can impersonate your application in the OAuth flow:
    /// phish users with your consent screen and exchange their codes for tokens.
    ///
    /// ## Example
    /// ```python
    /// GOOGLE_CLIENT_SECRET = "GOCSPX-<28 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// GOOGLE_CLIENT_SECRET = os.environ["GOOGLE_CLIENT_SECRET"]
    /// ```
    ///
    /// ## Fix
    /// Reset the secret of the OAuth client in the Google Cloud console (APIs & Services →
    /// Credentials), and load the new one from the environment or Secret Manager.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Google: OAuth 2.0 client secrets](https://support.google.com/cloud/answer/15549257)
    pub(crate) GOOGLE_OAUTH = {
        name: "google-oauth-client-secret",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["gcp", "google", "oauth"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Azure storage account keys: 88 base64 characters (64 bytes) after `AccountKey=` in
    /// a connection string, or assigned to a name such as `azure_storage_key`.
    ///
    /// ## Why is this bad?
    /// An account key is full control of the storage account — every blob, queue, table and
    /// file share, read and write — and it can mint SAS tokens for others.
    ///
    /// ## Example
    /// ```python
    /// CONN = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<88 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from azure.identity import DefaultAzureCredential
    /// from azure.storage.blob import BlobServiceClient
    ///
    /// client = BlobServiceClient("https://acme.blob.core.windows.net", DefaultAzureCredential())
    /// ```
    ///
    /// ## Fix
    /// Rotate the key (Storage account → Access keys → Rotate), and use Microsoft Entra ID
    /// (`DefaultAzureCredential`, managed identities) instead of shared keys; if a connection
    /// string is unavoidable, read it from the environment or Key Vault.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Azure: Manage storage account access keys](https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage)
    pub(crate) AZURE_STORAGE = {
        name: "azure-storage-account-key",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("AzureStorageKeyDetector")],
        tags: ["azure", "cloud"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Azure Service Bus, Event Hubs and IoT Hub connection strings with a
    /// `SharedAccessKey=` (44 base64 characters), and shared access signatures (`sv=…&sig=…`).
    ///
    /// ## Why is this bad?
    /// A shared access key grants the rights of its policy (send, listen, manage) on the
    /// namespace; a SAS token grants its permissions until it expires, often years away.
    ///
    /// ## Example
    /// ```python
    /// BUS = "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=<44 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// BUS = os.environ["SERVICEBUS_CONNECTION_STRING"]
    /// ```
    ///
    /// ## Fix
    /// Regenerate the policy's keys (or revoke the SAS by rotating the key that signed it), and
    /// prefer Microsoft Entra ID with managed identities; keep any remaining connection strings
    /// in the environment or Key Vault.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Azure: Service Bus authentication with shared access signatures](https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas)
    pub(crate) AZURE_CONNECTION = {
        name: "azure-connection-string",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["azure", "cloud"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Microsoft Entra ID (Azure AD) application client secrets in their current format:
    /// three characters, a digit, `Q~`, then 31–34 characters.
    ///
    /// ## Why is this bad?
    /// The secret authenticates as the application: whoever has it gets every API permission
    /// granted to the app registration, across the tenant.
    ///
    /// ## Example
    /// ```python
    /// AZURE_CLIENT_SECRET = "abc8Q~<34 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from azure.identity import DefaultAzureCredential
    ///
    /// credential = DefaultAzureCredential()  # reads AZURE_CLIENT_SECRET from the environment
    /// ```
    ///
    /// ## Fix
    /// Delete the secret from the app registration (Certificates & secrets), create a new one
    /// or switch to a certificate or managed identity, and read it from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Microsoft: Add and manage application credentials](https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials)
    pub(crate) AZURE_AD = {
        name: "azure-ad-client-secret",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["azure", "entra", "cloud"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds DigitalOcean tokens: personal access tokens (`dop_v1_`), OAuth tokens (`doo_v1_`)
    /// and refresh tokens (`dor_v1_`), each followed by 64 hex digits.
    ///
    /// ## Why is this bad?
    /// A read-write token controls the whole team: droplets, databases, DNS, Spaces keys.
    ///
    /// ## Example
    /// ```python
    /// DO_TOKEN = "dop_v1_<64 hex digits>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// DO_TOKEN = os.environ["DIGITALOCEAN_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Delete the token (API → Tokens), create a new one with the narrowest scopes and expiry,
    /// and load it from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [DigitalOcean: How to create a personal access token](https://docs.digitalocean.com/reference/api/create-personal-access-token/)
    pub(crate) DIGITALOCEAN = {
        name: "digitalocean-token",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["digitalocean", "cloud"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Heroku API keys: a UUID assigned to a name containing `heroku`
    /// (`HEROKU_API_KEY = "…"`), and the newer `HRKU-AA` tokens (58 more characters).
    ///
    /// ## Why is this bad?
    /// A Heroku API key acts as the user: it can read every app's config vars (and so their
    /// other secrets), deploy code and delete apps.
    ///
    /// ## Example
    /// ```python
    /// HEROKU_API_KEY = "01234567-89ab-cdef-0123-456789abcdef"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// HEROKU_API_KEY = os.environ["HEROKU_API_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Regenerate the key (Account settings → API key, or `heroku authorizations:revoke`), and
    /// load it from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Heroku: Authentication](https://devcenter.heroku.com/articles/authentication)
    pub(crate) HEROKU = {
        name: "heroku-api-key",
        kind: Detector,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["heroku", "cloud"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[
    &AWS,
    &GCP_SERVICE_ACCOUNT,
    &GOOGLE_API_KEY,
    &GOOGLE_OAUTH,
    &AZURE_STORAGE,
    &AZURE_CONNECTION,
    &AZURE_AD,
    &DIGITALOCEAN,
    &HEROKU,
];

pub(crate) static AWS_KEY_ID: Detector = Detector {
    id: "aws-access-key-id",
    rule: &AWS,
    label: "AWS access key id",
    prefilter: &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
    pattern: r"(?-u:\b)(?P<s>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?-u:\b)",
    scope: Scope::Line,
    check: Some(|c| {
        Some(
            c.detector
                .grade()
                .with_severity(Severity::Medium)
                .with_note("its secret access key was not found nearby; it may be elsewhere"),
        )
    }),
    placeholders: Placeholders::Token,
    priority: PRIORITY_PROVIDER,
    heuristic: false,
};

pub(crate) static AWS_SECRET: Detector = Detector {
    id: "aws-secret-access-key",
    rule: &AWS,
    label: "AWS secret access key",
    prefilter: &[
        "secret_access_key",
        "secretaccesskey",
        "secret-access-key",
        "aws_secret",
        "aws-secret",
        "awssecret",
    ],
    pattern: concat!(
        r"(?i:aws[_\-.]?secret(?:[_\-.]?access)?(?:[_\-.]?key)?|secret[_\-.]?access[_\-.]?key)",
        assign!(),
        r"(?P<s>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"
    ),
    scope: Scope::Line,
    check: Some(random_base64),
    placeholders: Placeholders::Token,
    priority: PRIORITY_PROVIDER,
    heuristic: false,
};

pub(crate) static DETECTORS: &[&Detector] = &[
    &AWS_KEY_ID,
    &AWS_SECRET,
    &Detector {
        id: "gcp-service-account-key",
        rule: &GCP_SERVICE_ACCOUNT,
        label: "Google Cloud service-account private key",
        prefilter: &["service_account"],
        pattern: "",
        scope: Scope::Custom(gcp_service_account),
        check: None,
        placeholders: Placeholders::Off,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "google-api-key",
        rule: &GOOGLE_API_KEY,
        label: "Google API key",
        prefilter: &["AIza"],
        pattern: r"(?-u:\b)(?P<s>AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "google-oauth-client-secret",
        rule: &GOOGLE_OAUTH,
        label: "Google OAuth client secret",
        prefilter: &["GOCSPX-"],
        pattern: r"(?-u:\b)(?P<s>GOCSPX-[0-9A-Za-z_\-]{28})(?:[^0-9A-Za-z_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "azure-storage-account-key",
        rule: &AZURE_STORAGE,
        label: "Azure storage account key",
        prefilter: &[
            "AccountKey",
            "storage_key",
            "storagekey",
            "storage-key",
            "storage_account_key",
            "storage-account-key",
        ],
        pattern: concat!(
            r"(?:(?i:AccountKey)\s*=\s*|(?i:(?:azure[_\-.]?)?storage[_\-.]?(?:account[_\-.]?)?key)",
            assign!(),
            r")(?P<s>[A-Za-z0-9+/]{86}==)"
        ),
        scope: Scope::Line,
        check: Some(random_base64),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "azure-shared-access-key",
        rule: &AZURE_CONNECTION,
        label: "Azure shared access key",
        prefilter: &["SharedAccessKey="],
        pattern: r"(?i:SharedAccessKey)\s*=\s*(?P<s>[A-Za-z0-9+/]{43}=)",
        scope: Scope::Line,
        check: Some(random_base64),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "azure-sas-token",
        rule: &AZURE_CONNECTION,
        label: "Azure shared access signature",
        prefilter: &["sig="],
        pattern: r"[?&;]sig=(?P<s>[A-Za-z0-9%+/]{43,100}(?:%3[Dd]|=){0,2})",
        scope: Scope::Line,
        check: Some(|c| {
            let line = c.line();
            (line.contains("sv=") && line.contains("se=") && shannon_entropy(c.secret) >= 3.5)
                .then(|| c.detector.grade())
        }),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "azure-ad-client-secret",
        rule: &AZURE_AD,
        label: "Microsoft Entra ID client secret",
        prefilter: &["Q~"],
        pattern: r"(?:^|[^A-Za-z0-9_~.\-])(?P<s>[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?:[^A-Za-z0-9_~.\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "digitalocean-token",
        rule: &DIGITALOCEAN,
        label: "DigitalOcean token",
        prefilter: &["dop_v1_", "doo_v1_", "dor_v1_"],
        pattern: r"(?-u:\b)(?P<s>do[por]_v1_[a-f0-9]{64})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "heroku-api-key",
        rule: &HEROKU,
        label: "Heroku API key",
        prefilter: &["heroku"],
        pattern: concat!(
            r"(?i:heroku)[A-Za-z0-9_.\-]{0,30}",
            assign!(),
            r"(?P<s>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?-u:\b)"
        ),
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "heroku-api-key-v2",
        rule: &HEROKU,
        label: "Heroku API key",
        prefilter: &["HRKU-"],
        pattern: r"(?-u:\b)(?P<s>HRKU-AA[0-9A-Za-z_\-]{58})(?:[^0-9A-Za-z_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
];

/// `"type": "service_account"` anywhere in the file, then each `"private_key": "…"` holding a
/// PEM key with a body.
fn gcp_service_account(
    ctx: &FileCtx<'_>,
    detector: &'static Detector,
    _lines: &[usize],
    options: &ScanOptions,
) -> Vec<Hit> {
    static REGEXES: std::sync::OnceLock<Option<(Regex, Regex, Regex)>> = std::sync::OnceLock::new();
    let Some((kind, key, email)) = REGEXES
        .get_or_init(|| {
            Some((
                compile(r#"["']type["']\s*:\s*["']service_account["']"#)?,
                compile(r#"["']private_key["']\s*:\s*["'](?P<s>[^"']*)["']"#)?,
                compile(r#"["']client_email["']\s*:\s*["'](?P<e>[^"'\s]{3,200})["']"#)?,
            ))
        })
        .as_ref()
    else {
        return Vec::new();
    };
    if !kind.is_match(ctx.text) {
        return Vec::new();
    }
    let account = email
        .captures(ctx.text)
        .and_then(|c| c.name("e"))
        .map(|m| m.as_str().to_string());
    let mut hits = Vec::new();
    for caps in key.captures_iter(ctx.text) {
        let Some(value) = caps.name("s") else {
            continue;
        };
        let body = crate::families::keys::pem_body(value.as_str());
        if !value.as_str().contains("PRIVATE KEY") || !crate::families::keys::is_key_body(&body) {
            continue;
        }
        let mut grade = detector.grade();
        if let Some(account) = &account {
            grade = grade.with_note(format!("service account `{account}`"));
        }
        let Some(grade) = engine::vet(ctx, detector, value.start(), value.as_str(), grade, options)
        else {
            continue;
        };
        let mut hit = Hit::simple(ctx, detector, value.start(), value.end(), grade);
        hit.value = body;
        hits.push(hit);
    }
    hits
}

/// Pairs each AWS access key id with a secret access key within a few lines: the keyworded
/// secret found by its detector, or else an unlabelled 40-character high-entropy string. A pair
/// is one finding at the secret; a lone id stays at medium severity.
pub(crate) fn pair_aws_keys(ctx: &FileCtx<'_>, hits: &mut Vec<Hit>) {
    const WINDOW: usize = 3;
    static LOOSE: std::sync::OnceLock<Option<Regex>> = std::sync::OnceLock::new();
    let loose = LOOSE
        .get_or_init(|| {
            compile(r"(?:^|[^A-Za-z0-9/+=])(?P<s>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)")
        })
        .as_ref();
    let ids: Vec<usize> = hits
        .iter()
        .enumerate()
        .filter(|(_, h)| h.detector.id == AWS_KEY_ID.id)
        .map(|(i, _)| i)
        .collect();
    let mut remove = Vec::new();
    for id_index in ids {
        let Some(id) = hits.get(id_index).cloned() else {
            continue;
        };
        let id_line = ctx.line_index(id.start);
        let near = |offset: usize| ctx.line_index(offset).abs_diff(id_line) <= WINDOW;
        let paired = hits
            .iter()
            .position(|h| h.detector.id == AWS_SECRET.id && near(h.start) && h.related.is_empty());
        let secret_index = match paired {
            Some(index) => Some(index),
            None => loose.and_then(|regex| {
                let first = id_line.saturating_sub(WINDOW);
                let last = (id_line + WINDOW).min(ctx.line_count().saturating_sub(1));
                (first..=last).find_map(|line| {
                    let (start, end) = ctx.line_range(line);
                    let text = ctx.text.get(start..end)?;
                    regex.captures_iter(text).find_map(|caps| {
                        let m = caps.name("s")?;
                        let value = m.as_str();
                        let dummy = crate::placeholder::documented_dummy(value).is_some();
                        let random = value.bytes().any(|b| b.is_ascii_uppercase())
                            && value.bytes().any(|b| b.is_ascii_lowercase())
                            && value.bytes().any(|b| b.is_ascii_digit())
                            && shannon_entropy(value) >= 4.0
                            && (dummy || !crate::placeholder::token_is_placeholder(value));
                        random.then(|| {
                            let mut grade = AWS_SECRET.grade();
                            if dummy {
                                grade = grade.with_severity(Severity::Info);
                            }
                            hits.push(Hit::simple(
                                ctx,
                                &AWS_SECRET,
                                start + m.start(),
                                start + m.end(),
                                grade,
                            ));
                            hits.len() - 1
                        })
                    })
                })
            }),
        };
        let Some(secret) = secret_index.and_then(|i| hits.get_mut(i)) else {
            continue;
        };
        let id_position = ctx.position(id.start);
        // The id is not a secret, but it is masked in frames all the same.
        secret.masks.push((id.start, id.end));
        secret.related.push((
            id.start,
            id.end,
            format!("access key id `{}`", mask(&id.value)),
        ));
        let pair_note = format!(
            "paired with access key id `{}` on line {}",
            mask(&id.value),
            id_position.line
        );
        secret.grade.note = Some(match secret.grade.note.take() {
            Some(note) => format!("{pair_note}; {note}"),
            None => pair_note,
        });
        if id.grade.severity == Severity::Info {
            secret.grade.severity = Severity::Info;
        }
        remove.push(id_index);
    }
    remove.sort_unstable();
    for index in remove.into_iter().rev() {
        hits.remove(index);
    }
}
