//! Chat platforms: Slack, Discord and Telegram tokens and webhooks.

use cuirass_diagnostics::RuleMeta;

use super::checks::random_token;
use crate::codec::base64_decode;
use crate::engine::{Candidate, Detector, Grade, PRIORITY_PROVIDER, Placeholders, Scope};

secret_rule! {
    /// ## What it does
    /// Finds Slack tokens: bot tokens (`xoxb-` + team number + bot number + 24 characters),
    /// user tokens (`xoxp-`/`xoxe-` + three numbers + 32 hex digits) and app-level tokens
    /// (`xapp-1-` + app id + number + 64 hex digits).
    ///
    /// ## Why is this bad?
    /// The token reads and posts in every channel its scopes allow: private conversations,
    /// files and user lists leak, and messages can be sent as your bot or user.
    ///
    /// ## Example
    /// ```python
    /// SLACK_BOT_TOKEN = "xoxb-<team>-<bot>-<24 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// SLACK_BOT_TOKEN = os.environ["SLACK_BOT_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the token (the app's OAuth & Permissions page, or `auth.revoke`), reinstall the app
    /// to get a new one, and load it from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Slack: Token types](https://api.slack.com/concepts/token-types)
    pub(crate) SLACK = {
        name: "slack-token",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("SlackDetector")],
        tags: ["slack", "chat"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Slack incoming-webhook URLs:
    /// `https://hooks.slack.com/services/T…/B…/` followed by a 24-character secret.
    ///
    /// ## Why is this bad?
    /// The URL is the credential: anyone who has it can post to the channel as your
    /// integration — convincing phishing inside your workspace.
    ///
    /// ## Example
    /// ```python
    /// WEBHOOK = "https://hooks.slack.com/services/T…/B…/<24 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// WEBHOOK = os.environ["SLACK_WEBHOOK_URL"]
    /// ```
    ///
    /// ## Fix
    /// Regenerate the webhook URL (the app's Incoming Webhooks page) and load it from the
    /// environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Slack: Sending messages using incoming webhooks](https://api.slack.com/messaging/webhooks)
    pub(crate) SLACK_WEBHOOK = {
        name: "slack-webhook",
        kind: Detector,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["slack", "chat", "webhook"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Discord bot tokens in files that mention Discord: three dot-separated base64url
    /// parts, the first of which decodes to the bot's numeric user id (checked).
    ///
    /// ## Why is this bad?
    /// The token logs in as the bot: it can read every server the bot is in, post, ban and
    /// delete according to its permissions.
    ///
    /// ## Example
    /// ```python
    /// client.run("<user id in base64>.<6 characters>.<27+ characters>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// client.run(os.environ["DISCORD_TOKEN"])
    /// ```
    ///
    /// ## Fix
    /// Reset the token (Developer Portal → your application → Bot → Reset Token) and load it
    /// from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Discord: Authentication](https://discord.com/developers/docs/reference#authentication)
    pub(crate) DISCORD = {
        name: "discord-bot-token",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("DiscordBotTokenDetector")],
        tags: ["discord", "chat"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Discord webhook URLs: `https://discord.com/api/webhooks/<id>/<68 characters>`
    /// (also `discordapp.com`, `ptb.` and `canary.`).
    ///
    /// ## Why is this bad?
    /// Anyone with the URL can post into the channel under any name and avatar.
    ///
    /// ## Example
    /// ```python
    /// WEBHOOK = "https://discord.com/api/webhooks/<id>/<68 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// WEBHOOK = os.environ["DISCORD_WEBHOOK_URL"]
    /// ```
    ///
    /// ## Fix
    /// Delete the webhook (channel settings → Integrations → Webhooks), create a new one and
    /// load its URL from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Discord: Webhook resource](https://discord.com/developers/docs/resources/webhook)
    pub(crate) DISCORD_WEBHOOK = {
        name: "discord-webhook",
        kind: Detector,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["discord", "chat", "webhook"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Telegram bot tokens: the bot id (8–10 digits), a colon, then `AA` and 33 more
    /// base64url characters.
    ///
    /// ## Why is this bad?
    /// The token controls the bot: read every message sent to it, answer as it, and change its
    /// webhook to an attacker's server.
    ///
    /// ## Example
    /// ```python
    /// BOT_TOKEN = "123456789:AA<33 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// BOT_TOKEN = os.environ["TELEGRAM_BOT_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the token with @BotFather (`/revoke`), and load the new one from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Telegram Bot API: Authorizing your bot](https://core.telegram.org/bots/api#authorizing-your-bot)
    pub(crate) TELEGRAM = {
        name: "telegram-bot-token",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("TelegramBotTokenDetector")],
        tags: ["telegram", "chat"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[
    &SLACK,
    &SLACK_WEBHOOK,
    &DISCORD,
    &DISCORD_WEBHOOK,
    &TELEGRAM,
];

/// The first part of a Discord token is the bot's user id (a snowflake of 17–20 digits) in
/// base64.
fn discord_user_id(c: &Candidate<'_>) -> Option<Grade> {
    let first = c.secret.split('.').next()?;
    let decoded = base64_decode(first)?;
    ((17..=20).contains(&decoded.len()) && decoded.iter().all(u8::is_ascii_digit))
        .then(|| c.detector.grade())
}

pub(crate) static DETECTORS: &[&Detector] = &[
    &Detector {
        id: "slack-bot-token",
        rule: &SLACK,
        label: "Slack bot token",
        prefilter: &["xoxb-"],
        pattern: r"(?-u:\b)(?P<s>xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "slack-user-token",
        rule: &SLACK,
        label: "Slack user token",
        prefilter: &["xoxp-", "xoxe-"],
        pattern: r"(?-u:\b)(?P<s>xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "slack-app-token",
        rule: &SLACK,
        label: "Slack app-level token",
        prefilter: &["xapp-"],
        pattern: r"(?-u:\b)(?P<s>xapp-[0-9]-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-f0-9]{64})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "slack-webhook",
        rule: &SLACK_WEBHOOK,
        label: "Slack webhook URL",
        prefilter: &["hooks.slack.com/services/"],
        pattern: r"(?P<s>https://hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "discord-bot-token",
        rule: &DISCORD,
        label: "Discord bot token",
        prefilter: &["discord"],
        pattern: r"(?:^|[^A-Za-z0-9_\-.])(?P<s>[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38})(?:[^A-Za-z0-9_\-.]|$)",
        scope: Scope::File,
        check: Some(discord_user_id),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "discord-webhook",
        rule: &DISCORD_WEBHOOK,
        label: "Discord webhook URL",
        prefilter: &["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
        pattern: r"(?P<s>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,68})(?:[^A-Za-z0-9_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "telegram-bot-token",
        rule: &TELEGRAM,
        label: "Telegram bot token",
        prefilter: &[":AA"],
        pattern: r"(?:^|[^0-9A-Za-z_\-:])(?P<s>[0-9]{8,10}:AA[A-Za-z0-9_\-]{33})(?:[^A-Za-z0-9_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
];
