// cuirass-fixture: fake secrets
//! The generated corpus: for every detector, fake values in the documented format (valid
//! checksums and structure where the format has them), each placed in a realistic line of a
//! file of some kind. Produced from a seeded PRNG at test time — nothing here is a real key.

#![allow(dead_code, unreachable_pub)]

use cuirass_secrets::{TextKind, base64url_encode};

/// xorshift64* — small, seeded, good enough to spread characters.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn string(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len).map(|_| chars[self.below(chars.len())]).collect()
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| (self.next_u64() >> 24) as u8).collect()
    }
}

pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
pub const DIGITS: &str = "0123456789";
pub const HEX: &str = "0123456789abcdef";
pub const HEX_UPPER: &str = "0123456789ABCDEF";
pub const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub const BASE32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const UPPER_ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
pub const BECH32: &str = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
/// Password characters that need no escaping in any of our carriers.
pub const PASSWORD: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-.^_~";
pub const DJANGO: &str = "abcdefghijklmnopqrstuvwxyz0123456789!@#^&*-_=+";

/// One generated positive: a file text and the value the detector must report.
pub struct Sample {
    pub detector: &'static str,
    pub kind: TextKind,
    pub path: &'static str,
    pub text: String,
    pub secret: String,
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                0xEDB8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn base62(mut n: u64, width: usize) -> String {
    const DIGITS62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS62[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// A GitHub/npm-style token: prefix, 30 random base62 characters, 6-character CRC-32.
pub fn checksummed(rng: &mut Rng, prefix: &str) -> String {
    let random = rng.string(ALNUM, 30);
    format!(
        "{prefix}{random}{}",
        base62(u64::from(crc32(random.as_bytes())), 6)
    )
}

/// The same with a wrong checksum.
pub fn bad_checksum(rng: &mut Rng, prefix: &str) -> String {
    let mut token = checksummed(rng, prefix);
    let last = token.pop().unwrap();
    token.push(if last == 'a' { 'b' } else { 'a' });
    token
}

fn mixed(rng: &mut Rng, alphabet: &str, len: usize) -> String {
    loop {
        let s = rng.string(alphabet, len);
        if s.bytes().any(|b| b.is_ascii_uppercase())
            && s.bytes().any(|b| b.is_ascii_lowercase())
            && s.bytes().any(|b| b.is_ascii_digit())
        {
            return s;
        }
    }
}

fn pem_lines(body: &str) -> String {
    body.as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn b64_std(data: &[u8]) -> String {
    base64url_encode(data).replace('-', "+").replace('_', "/")
}

/// A PyPI-style macaroon token for `location`.
pub fn pypi_token(rng: &mut Rng, location: &str) -> String {
    let mut bytes = vec![2u8, 1, location.len() as u8];
    bytes.extend_from_slice(location.as_bytes());
    let identifier = format!("{{\"nonce\": \"{}\", \"version\": 1}}", rng.string(HEX, 32));
    bytes.extend_from_slice(&[2, identifier.len() as u8]);
    bytes.extend_from_slice(identifier.as_bytes());
    bytes.push(0);
    let caveat = format!(
        "{{\"version\": 1, \"permissions\": {{\"projects\": [\"{}\"]}}}}",
        rng.string(LOWER, 8)
    );
    bytes.extend_from_slice(&[2, caveat.len() as u8]);
    bytes.extend_from_slice(caveat.as_bytes());
    bytes.push(0);
    bytes.push(0);
    bytes.extend_from_slice(&[6, 32]);
    bytes.extend(rng.bytes(32));
    format!("pypi-{}", base64url_encode(&bytes))
}

/// A PEM block of `label` with a random body of `lines` full lines; returns (block, body).
pub fn pem(rng: &mut Rng, label: &str, lines: usize, openssh: bool) -> (String, String) {
    let body = if openssh {
        let mut raw = b"openssh-key-v1\0\0\0\0\x04none\0\0\0\x04none".to_vec();
        raw.extend(rng.bytes(lines * 48));
        b64_std(&raw)
    } else {
        mixed(rng, B64, lines * 64)
    };
    let block = format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----",
        pem_lines(&body)
    );
    (block, body)
}

/// A signed-looking JWT.
pub fn jwt(rng: &mut Rng) -> String {
    let header = base64url_encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = base64url_encode(
        format!(
            r#"{{"sub":"{}","role":"service","iat":{}}}"#,
            rng.string(LOWER, 10),
            1_700_000_000 + rng.below(10_000_000)
        )
        .as_bytes(),
    );
    let signature = base64url_encode(&rng.bytes(32));
    format!("{header}.{payload}.{signature}")
}

/// A Discord bot token: base64 of an 18-digit user id, 6 characters, 38 characters.
pub fn discord_token(rng: &mut Rng) -> String {
    let id = format!("{}{}", 1 + rng.below(9), rng.string(DIGITS, 17));
    format!(
        "{}.{}.{}",
        base64url_encode(id.as_bytes()),
        rng.string(B64URL, 6),
        rng.string(B64URL, 38)
    )
}

fn uuid(rng: &mut Rng) -> String {
    format!(
        "{}-{}-4{}-a{}-{}",
        rng.string(HEX, 8),
        rng.string(HEX, 4),
        rng.string(HEX, 3),
        rng.string(HEX, 3),
        rng.string(HEX, 12)
    )
}

/// Puts a bare token into one of several carriers, chosen by `variant`.
fn carry(variant: usize, name: &str, secret: &str) -> (TextKind, &'static str, String) {
    match variant % 6 {
        0 => (
            TextKind::Python,
            "app/config.py",
            format!("import os\n\n{name} = \"{secret}\"\n"),
        ),
        1 => (
            TextKind::Yaml,
            "deploy/values.yaml",
            format!("service:\n  {}: {secret}\n", name.to_ascii_lowercase()),
        ),
        2 => (TextKind::Env, ".env", format!("# local\n{name}={secret}\n")),
        3 => (
            TextKind::Json,
            "config/settings.json",
            format!(
                "{{\n  \"{}\": \"{secret}\"\n}}\n",
                name.to_ascii_lowercase()
            ),
        ),
        4 => (
            TextKind::Other,
            "docs/setup.md",
            format!("Run `export {name}={secret}` first.\n"),
        ),
        _ => (
            TextKind::Python,
            "client.py",
            format!("client = Client(token='{secret}')\n"),
        ),
    }
}

type Gen = fn(&mut Rng, usize) -> (TextKind, &'static str, String, String);

fn token(variant: usize, name: &str, secret: String) -> (TextKind, &'static str, String, String) {
    let (kind, path, text) = carry(variant, name, &secret);
    (kind, path, text, secret)
}

/// Every detector's generator, by detector id.
pub fn generators() -> Vec<(&'static str, Gen)> {
    vec![
        ("aws-access-key-id", |r, v| {
            token(
                v,
                "AWS_ACCESS_KEY_ID",
                format!("{}{}", ["AKIA", "ASIA"][v % 2], r.string(BASE32, 16)),
            )
        }),
        ("aws-secret-access-key", |r, v| {
            let secret = mixed(r, B64, 40);
            match v % 3 {
                0 => (
                    TextKind::Python,
                    "aws.py",
                    format!("aws_secret_access_key = \"{secret}\"\n"),
                    secret,
                ),
                1 => (
                    TextKind::Ini,
                    "credentials",
                    format!(
                        "[default]\naws_access_key_id = AKIA{}\naws_secret_access_key = {secret}\n",
                        r.string(BASE32, 16)
                    ),
                    secret,
                ),
                _ => (
                    TextKind::Python,
                    "s3.py",
                    format!(
                        "s3 = boto3.client(\n    \"s3\",\n    aws_access_key_id=\"AKIA{}\",\n    \"{secret}\",\n)\n",
                        r.string(BASE32, 16)
                    ),
                    secret,
                ),
            }
        }),
        ("gcp-service-account-key", |r, _| {
            let (block, body) = pem(r, "PRIVATE KEY", 20, false);
            let escaped = block.replace('\n', "\\n");
            let text = format!(
                "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"proj-{}\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"{escaped}\\n\",\n  \"client_email\": \"ci@proj.iam.gserviceaccount.com\"\n}}\n",
                r.string(LOWER, 6),
                r.string(HEX, 40)
            );
            (TextKind::Json, "keys/sa.json", text, body)
        }),
        ("google-api-key", |r, v| {
            token(v, "GOOGLE_API_KEY", format!("AIza{}", r.string(B64URL, 35)))
        }),
        ("google-oauth-client-secret", |r, v| {
            token(
                v,
                "GOOGLE_CLIENT_SECRET",
                format!("GOCSPX-{}", r.string(B64URL, 28)),
            )
        }),
        ("azure-storage-account-key", |r, _| {
            let key = format!("{}==", mixed(r, B64, 86));
            (
                TextKind::Python,
                "storage.py",
                format!(
                    "CONN = \"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={key};EndpointSuffix=core.windows.net\"\n"
                ),
                key,
            )
        }),
        ("azure-shared-access-key", |r, _| {
            let key = format!("{}=", mixed(r, B64, 43));
            (
                TextKind::Env,
                ".env",
                format!(
                    "BUS=Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={key}\n"
                ),
                key,
            )
        }),
        ("azure-sas-token", |r, _| {
            let sig = format!("{}%3D", mixed(r, ALNUM, 43));
            (
                TextKind::Python,
                "blob.py",
                format!(
                    "URL = \"https://acme.blob.core.windows.net/c/f.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&spr=https&sig={sig}\"\n"
                ),
                sig,
            )
        }),
        ("azure-ad-client-secret", |r, v| {
            token(
                v,
                "AZURE_CLIENT_SECRET",
                format!(
                    "{}{}Q~{}",
                    r.string(ALNUM, 3),
                    r.below(10),
                    mixed(
                        r,
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.",
                        34
                    )
                ),
            )
        }),
        ("digitalocean-token", |r, v| {
            token(
                v,
                "DIGITALOCEAN_TOKEN",
                format!("dop_v1_{}", r.string(HEX, 64)),
            )
        }),
        ("heroku-api-key", |r, v| {
            let key = uuid(r);
            match v % 2 {
                0 => (
                    TextKind::Python,
                    "deploy.py",
                    format!("HEROKU_API_KEY = \"{key}\"\n"),
                    key,
                ),
                _ => (
                    TextKind::Env,
                    ".env",
                    format!("HEROKU_API_KEY={key}\n"),
                    key,
                ),
            }
        }),
        ("heroku-api-key-v2", |r, v| {
            token(
                v,
                "HEROKU_API_KEY",
                format!("HRKU-AA{}", r.string(B64URL, 58)),
            )
        }),
        ("github-pat-classic", |r, v| {
            token(v, "GITHUB_TOKEN", checksummed(r, "ghp_"))
        }),
        ("github-oauth-token", |r, v| {
            token(v, "GH_OAUTH", checksummed(r, "gho_"))
        }),
        ("github-user-to-server-token", |r, v| {
            token(v, "GH_USER_TOKEN", checksummed(r, "ghu_"))
        }),
        ("github-server-to-server-token", |r, v| {
            token(v, "GH_INSTALLATION", checksummed(r, "ghs_"))
        }),
        ("github-refresh-token", |r, v| {
            token(v, "GH_REFRESH", checksummed(r, "ghr_"))
        }),
        ("github-fine-grained-pat", |r, v| {
            token(
                v,
                "GITHUB_TOKEN",
                format!("github_pat_{}_{}", r.string(ALNUM, 22), r.string(ALNUM, 59)),
            )
        }),
        ("gitlab-pat", |r, v| {
            token(v, "GITLAB_TOKEN", format!("glpat-{}", r.string(ALNUM, 20)))
        }),
        ("gitlab-deploy-token", |r, v| {
            token(v, "GITLAB_DEPLOY", format!("gldt-{}", r.string(ALNUM, 20)))
        }),
        ("gitlab-runner-token", |r, v| {
            token(v, "RUNNER_TOKEN", format!("glrt-{}", r.string(ALNUM, 20)))
        }),
        ("gitlab-pipeline-trigger-token", |r, v| {
            token(v, "TRIGGER", format!("glptt-{}", r.string(HEX, 40)))
        }),
        ("bitbucket-app-password", |r, v| {
            token(
                v,
                "BITBUCKET_APP_PASSWORD",
                format!("ATBB{}{}", r.string(ALNUM, 32), r.string(HEX_UPPER, 8)),
            )
        }),
        ("atlassian-api-token", |r, v| {
            token(
                v,
                "JIRA_API_TOKEN",
                format!("ATATT3{}", r.string(B64URL, 186)),
            )
        }),
        ("slack-bot-token", |r, v| {
            token(
                v,
                "SLACK_BOT_TOKEN",
                format!(
                    "xoxb-{}{}-{}{}-{}",
                    1 + r.below(9),
                    r.string(DIGITS, 10),
                    1 + r.below(9),
                    r.string(DIGITS, 11),
                    r.string(ALNUM, 24)
                ),
            )
        }),
        ("slack-user-token", |r, v| {
            token(
                v,
                "SLACK_USER_TOKEN",
                format!(
                    "xoxp-{}-{}-{}-{}",
                    r.string(DIGITS, 11),
                    r.string(DIGITS, 12),
                    r.string(DIGITS, 13),
                    r.string(HEX, 32)
                ),
            )
        }),
        ("slack-app-token", |r, v| {
            token(
                v,
                "SLACK_APP_TOKEN",
                format!(
                    "xapp-1-A{}-{}-{}",
                    r.string(UPPER_ALNUM, 10),
                    r.string(DIGITS, 13),
                    r.string(HEX, 64)
                ),
            )
        }),
        ("slack-webhook", |r, v| {
            token(
                v,
                "SLACK_WEBHOOK_URL",
                format!(
                    "https://hooks.slack.com/services/T{}/B{}/{}",
                    r.string(UPPER_ALNUM, 10),
                    r.string(UPPER_ALNUM, 10),
                    r.string(ALNUM, 24)
                ),
            )
        }),
        ("discord-bot-token", |r, _| {
            let t = discord_token(r);
            (
                TextKind::Python,
                "bot.py",
                format!("import discord\n\nclient = discord.Client()\nclient.run(\"{t}\")\n"),
                t,
            )
        }),
        ("discord-webhook", |r, v| {
            token(
                v,
                "DISCORD_WEBHOOK",
                format!(
                    "https://discord.com/api/webhooks/{}{}/{}",
                    1 + r.below(9),
                    r.string(DIGITS, 18),
                    r.string(B64URL, 68)
                ),
            )
        }),
        ("telegram-bot-token", |r, v| {
            token(
                v,
                "TELEGRAM_BOT_TOKEN",
                format!(
                    "{}{}:AA{}",
                    1 + r.below(9),
                    r.string(DIGITS, 9),
                    r.string(B64URL, 33)
                ),
            )
        }),
        ("stripe-live-secret-key", |r, v| {
            let n = 24 + r.below(76);
            token(
                v,
                "STRIPE_SECRET_KEY",
                format!("sk_live_{}", r.string(ALNUM, n)),
            )
        }),
        ("stripe-restricted-key", |r, v| {
            let n = 24 + r.below(76);
            token(v, "STRIPE_KEY", format!("rk_live_{}", r.string(ALNUM, n)))
        }),
        ("stripe-test-key", |r, v| {
            token(
                v,
                "STRIPE_TEST_KEY",
                format!("sk_test_{}", r.string(ALNUM, 24)),
            )
        }),
        ("stripe-webhook-secret", |r, v| {
            token(
                v,
                "STRIPE_WEBHOOK_SECRET",
                format!("whsec_{}", r.string(ALNUM, 32)),
            )
        }),
        ("square-access-token", |r, v| {
            token(
                v,
                "SQUARE_ACCESS_TOKEN",
                if v % 2 == 0 {
                    format!("EAAA{}", r.string(B64URL, 60))
                } else {
                    format!("sq0atp-{}", r.string(B64URL, 22))
                },
            )
        }),
        ("square-oauth-secret", |r, v| {
            token(
                v,
                "SQUARE_APP_SECRET",
                format!("sq0csp-{}", r.string(B64URL, 43)),
            )
        }),
        ("braintree-access-token", |r, v| {
            token(
                v,
                "BRAINTREE_TOKEN",
                format!(
                    "access_token$production${}${}",
                    r.string("abcdefghijklmnopqrstuvwxyz0123456789", 16),
                    r.string(HEX, 32)
                ),
            )
        }),
        ("paypal-client-secret", |r, v| {
            let s = format!("E{}", r.string(B64URL, 79));
            match v % 2 {
                0 => (
                    TextKind::Python,
                    "pay.py",
                    format!("PAYPAL_CLIENT_SECRET = \"{s}\"\n"),
                    s,
                ),
                _ => (TextKind::Env, ".env", format!("PAYPAL_SECRET={s}\n"), s),
            }
        }),
        ("shopify-access-token", |r, v| {
            token(
                v,
                "SHOPIFY_TOKEN",
                format!(
                    "{}{}",
                    ["shpat_", "shpss_", "shpca_", "shppa_"][v % 4],
                    r.string(HEX, 32)
                ),
            )
        }),
        ("twilio-auth-token", |r, v| {
            let t = r.string(HEX, 32);
            match v % 2 {
                0 => (
                    TextKind::Python,
                    "sms.py",
                    format!("from twilio.rest import Client\n\nTWILIO_AUTH_TOKEN = \"{t}\"\n"),
                    t,
                ),
                _ => (
                    TextKind::Python,
                    "sms.py",
                    format!(
                        "from twilio.rest import Client\n\nclient = Client(\"AC{}\", \"{t}\")\n",
                        r.string(HEX, 32)
                    ),
                    t,
                ),
            }
        }),
        ("twilio-api-secret", |r, _| {
            let t = mixed(r, ALNUM, 32);
            (
                TextKind::Python,
                "sms.py",
                format!("import twilio\nTWILIO_API_SECRET = \"{t}\"\n"),
                t,
            )
        }),
        ("twilio-api-key-sid", |r, _| {
            let t = format!("SK{}", r.string(HEX, 32));
            (
                TextKind::Python,
                "sms.py",
                format!("import twilio\nTWILIO_API_KEY = \"{t}\"\n"),
                t,
            )
        }),
        ("sendgrid-api-key", |r, v| {
            token(
                v,
                "SENDGRID_API_KEY",
                format!("SG.{}.{}", r.string(B64URL, 22), r.string(B64URL, 43)),
            )
        }),
        ("mailgun-api-key", |r, v| {
            token(v, "MAILGUN_API_KEY", format!("key-{}", r.string(HEX, 32)))
        }),
        ("mailgun-private-key", |r, _| {
            let t = format!(
                "{}-{}-{}",
                r.string(HEX, 32),
                r.string(HEX, 8),
                r.string(HEX, 8)
            );
            (
                TextKind::Python,
                "mail.py",
                format!("# Mailgun client\nMAILGUN_KEY = \"{t}\"\n"),
                t,
            )
        }),
        ("mailchimp-api-key", |r, v| {
            token(
                v,
                "MAILCHIMP_API_KEY",
                format!("{}-us{}", r.string(HEX, 32), 1 + r.below(20)),
            )
        }),
        ("pypi-upload-token", |r, v| {
            let t = pypi_token(r, "pypi.org");
            match v % 2 {
                0 => (
                    TextKind::Ini,
                    ".pypirc",
                    format!("[pypi]\nusername = __token__\npassword = {t}\n"),
                    t,
                ),
                _ => (TextKind::Env, ".env", format!("TWINE_PASSWORD={t}\n"), t),
            }
        }),
        ("npm-access-token", |r, v| {
            let t = checksummed(r, "npm_");
            match v % 2 {
                0 => (
                    TextKind::Other,
                    ".npmrc",
                    format!("//registry.npmjs.org/:_authToken={t}\n"),
                    t,
                ),
                _ => token(v, "NPM_TOKEN", t),
            }
        }),
        ("datadog-api-key", |r, v| {
            let t = r.string(HEX, if v % 3 == 2 { 40 } else { 32 });
            match v % 3 {
                0 => (
                    TextKind::Python,
                    "monitor.py",
                    format!("DD_API_KEY = \"{t}\"\n"),
                    t,
                ),
                1 => (
                    TextKind::Python,
                    "monitor.py",
                    format!("datadog.initialize(api_key=\"{t}\")\n"),
                    t,
                ),
                _ => (
                    TextKind::Yaml,
                    "datadog.yaml",
                    format!("datadog_app_key: {t}\n"),
                    t,
                ),
            }
        }),
        ("new-relic-user-key", |r, v| {
            token(
                v,
                "NEW_RELIC_API_KEY",
                format!("NRAK-{}", r.string(UPPER_ALNUM, 27)),
            )
        }),
        ("new-relic-insert-key", |r, v| {
            token(
                v,
                "NEW_RELIC_INSERT_KEY",
                format!("NRII-{}", r.string(B64URL, 32)),
            )
        }),
        ("new-relic-license-key", |r, v| {
            token(
                v,
                "NEW_RELIC_LICENSE_KEY",
                format!("{}NRAL", r.string(HEX, 36)),
            )
        }),
        ("sentry-dsn", |r, v| {
            token(
                v,
                "SENTRY_DSN",
                format!(
                    "https://{}@o{}.ingest.sentry.io/{}",
                    r.string(HEX, 32),
                    100_000 + r.below(900_000),
                    1_000_000 + r.below(9_000_000)
                ),
            )
        }),
        ("sentry-org-token", |r, v| {
            token(
                v,
                "SENTRY_AUTH_TOKEN",
                format!("sntrys_eyJ{}_{}", r.string(ALNUM, 100), r.string(ALNUM, 43)),
            )
        }),
        ("sentry-user-token", |r, v| {
            token(
                v,
                "SENTRY_AUTH_TOKEN",
                format!("sntryu_{}", r.string(HEX, 64)),
            )
        }),
        ("grafana-service-account-token", |r, v| {
            token(
                v,
                "GRAFANA_TOKEN",
                format!("glsa_{}_{}", r.string(ALNUM, 32), r.string(HEX, 8)),
            )
        }),
        ("grafana-cloud-token", |r, v| {
            token(
                v,
                "GRAFANA_CLOUD_TOKEN",
                format!("glc_{}", r.string(ALNUM, 120)),
            )
        }),
        ("openai-api-key", |r, v| {
            token(
                v,
                "OPENAI_API_KEY",
                format!(
                    "sk-proj-{}T3BlbkFJ{}",
                    r.string(ALNUM, 74),
                    r.string(ALNUM, 74)
                ),
            )
        }),
        ("anthropic-api-key", |r, v| {
            token(
                v,
                "ANTHROPIC_API_KEY",
                format!("sk-ant-api03-{}AA", r.string(B64URL, 93)),
            )
        }),
        ("huggingface-token", |r, v| {
            token(
                v,
                "HF_TOKEN",
                format!(
                    "hf_{}",
                    mixed(
                        r,
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz9",
                        34
                    )
                    .replace('9', "q")
                ),
            )
        }),
        ("vault-token", |r, v| {
            token(v, "VAULT_TOKEN", format!("hvs.{}", r.string(B64URL, 90)))
        }),
        ("terraform-cloud-token", |r, v| {
            token(
                v,
                "TFE_TOKEN",
                format!("{}.atlasv1.{}", r.string(ALNUM, 14), r.string(ALNUM, 67)),
            )
        }),
        ("doppler-token", |r, v| {
            token(v, "DOPPLER_TOKEN", format!("dp.pt.{}", r.string(ALNUM, 43)))
        }),
        ("linear-api-key", |r, v| {
            token(
                v,
                "LINEAR_API_KEY",
                format!("lin_api_{}", r.string(ALNUM, 40)),
            )
        }),
        ("postman-api-key", |r, v| {
            token(
                v,
                "POSTMAN_API_KEY",
                format!("PMAK-{}-{}", r.string(HEX, 24), r.string(HEX, 34)),
            )
        }),
        ("rubygems-api-key", |r, v| {
            token(
                v,
                "GEM_HOST_API_KEY",
                format!("rubygems_{}", r.string(HEX, 48)),
            )
        }),
        ("private-key-rsa", |r, v| {
            pem_sample(r, v, "RSA PRIVATE KEY", false)
        }),
        ("private-key-ec", |r, v| {
            pem_sample(r, v, "EC PRIVATE KEY", false)
        }),
        ("private-key-dsa", |r, v| {
            pem_sample(r, v, "DSA PRIVATE KEY", false)
        }),
        ("private-key-openssh", |r, v| {
            pem_sample(r, v, "OPENSSH PRIVATE KEY", true)
        }),
        ("private-key-pkcs8", |r, v| {
            pem_sample(r, v, "PRIVATE KEY", false)
        }),
        ("private-key-encrypted", |r, v| {
            pem_sample(r, v, "ENCRYPTED PRIVATE KEY", false)
        }),
        ("private-key-pgp", |r, v| {
            pem_sample(r, v, "PGP PRIVATE KEY BLOCK", false)
        }),
        ("age-secret-key", |r, v| {
            token(
                v,
                "AGE_KEY",
                format!("AGE-SECRET-KEY-1{}", r.string(BECH32, 58)),
            )
        }),
        ("jwt", |r, v| {
            let t = jwt(r);
            match v % 2 {
                0 => (
                    TextKind::Python,
                    "api.py",
                    format!("HEADERS = {{\"Authorization\": \"Bearer {t}\"}}\n"),
                    t,
                ),
                _ => token(v, "SERVICE_JWT", t),
            }
        }),
        ("postgres-url-password", |r, v| {
            url_sample(
                r,
                v,
                ["postgres", "postgresql", "postgresql+psycopg"][v % 3],
            )
        }),
        ("mysql-url-password", |r, v| {
            url_sample(r, v, ["mysql", "mysql+pymysql", "mariadb"][v % 3])
        }),
        ("mongodb-url-password", |r, v| {
            url_sample(r, v, ["mongodb", "mongodb+srv"][v % 2])
        }),
        ("redis-url-password", |r, v| {
            url_sample(r, v, ["redis", "rediss"][v % 2])
        }),
        ("amqp-url-password", |r, v| {
            url_sample(r, v, ["amqp", "amqps"][v % 2])
        }),
        ("basic-auth-url-password", |r, v| {
            url_sample(r, v, ["https", "git+https", "ftp"][v % 3])
        }),
        ("django-secret-key", |r, v| {
            let key = r.string(DJANGO, 50);
            let key = if v % 4 == 3 {
                format!("django-insecure-{key}")
            } else {
                key
            };
            (
                TextKind::Python,
                "mysite/settings.py",
                format!(
                    "\"\"\"Django settings for mysite.\"\"\"\n\nSECRET_KEY = '{key}'\nDEBUG = False\n"
                ),
                key,
            )
        }),
        ("flask-secret-key", |r, v| {
            let key = r.string(HEX, 64);
            let line = match v % 3 {
                0 => format!("app.secret_key = \"{key}\""),
                1 => format!("app.config[\"SECRET_KEY\"] = \"{key}\""),
                _ => format!("app.config.update(SECRET_KEY=\"{key}\", DEBUG=False)"),
            };
            (
                TextKind::Python,
                "app.py",
                format!("from flask import Flask\n\napp = Flask(__name__)\n{line}\n"),
                key,
            )
        }),
        ("keyword-entropy", |r, v| {
            let n = 14 + r.below(10);
            let pw = mixed(r, PASSWORD, n);
            let (kind, path, text) = match v % 8 {
                0 => (
                    TextKind::Python,
                    "db.py",
                    format!("db = connect(host=\"db\", user=\"app\", password=\"{pw}\")\n"),
                ),
                1 => (
                    TextKind::Python,
                    "settings.py",
                    format!("DB_PASSWORD = '{pw}'\n"),
                ),
                2 => (
                    TextKind::Yaml,
                    "config.yml",
                    format!("database:\n  password: \"{pw}\"\n"),
                ),
                3 => (
                    TextKind::Json,
                    "config.json",
                    format!("{{\"client_secret\": \"{pw}\"}}\n"),
                ),
                4 => (
                    TextKind::Toml,
                    "app.toml",
                    format!("[db]\npassword = \"{pw}\"\n"),
                ),
                5 => (
                    TextKind::Ini,
                    "app.cfg",
                    format!("[auth]\napi_key = {pw}\n"),
                ),
                6 => (
                    TextKind::Env,
                    ".env",
                    format!("export API_TOKEN=\"{pw}\"\n"),
                ),
                _ => (
                    TextKind::Other,
                    "run.sh",
                    format!("curl --api-key={pw} https://api.internal\n"),
                ),
            };
            (kind, path, text, pw)
        }),
    ]
}

fn pem_sample(
    rng: &mut Rng,
    variant: usize,
    label: &str,
    openssh: bool,
) -> (TextKind, &'static str, String, String) {
    let (block, body) = pem(rng, label, 12, openssh);
    match variant % 2 {
        0 => (TextKind::Other, "deploy/id_key", format!("{block}\n"), body),
        _ => (
            TextKind::Python,
            "keys.py",
            format!("KEY = \"{}\\n\"\n", block.replace('\n', "\\n")),
            body,
        ),
    }
}

fn url_sample(
    rng: &mut Rng,
    variant: usize,
    scheme: &str,
) -> (TextKind, &'static str, String, String) {
    let password = mixed(
        rng,
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*-._~",
        16,
    );
    let url = format!(
        "{scheme}://svc_{}:{password}@{}.internal:5432/app",
        rng.string(LOWER, 4),
        rng.string(LOWER, 6)
    );
    let (kind, path, text) = carry(variant, "DATABASE_URL", &url);
    (kind, path, text, password)
}

/// `per_detector` samples for every detector, deterministic for a seed.
pub fn positives(seed: u64, per_detector: usize) -> Vec<Sample> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    for (detector, generate) in generators() {
        for variant in 0..per_detector {
            let (kind, path, text, secret) = generate(&mut rng, variant);
            out.push(Sample {
                detector,
                kind,
                path,
                text,
                secret,
            });
        }
    }
    out
}
