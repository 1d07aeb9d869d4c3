use cuirass_diagnostics::{Confidence, Severity};
use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, is_true, str_value};

declare_rule! {
    /// ## What it does
    /// Checks for downloads from the Hugging Face Hub that are not pinned to a commit:
    /// `from_pretrained` of `transformers`, `diffusers`, `peft` and `sentence_transformers`
    /// classes, `sentence_transformers.SentenceTransformer(…)`, `datasets.load_dataset`, and
    /// `huggingface_hub.hf_hub_download` / `snapshot_download`, without `revision=` (or
    /// `commit_id=`), or with a revision that is a branch or tag name (`"main"`, `"v1.0"`)
    /// rather than a commit hash (seven or more hexadecimal digits).
    ///
    /// Not reported: a literal local path (`"./model"`, `"/models/bert"`, `"../x"`, `"~/x"`),
    /// `local_files_only=True`, `datasets`' packaged builders (`load_dataset("csv", …)`,
    /// `"json"`, `"parquet"`, …), a revision held in a variable we cannot read (it may be
    /// pinned in configuration), and calls passing `**kwargs`. A repository id that is not a
    /// literal is reported at low confidence (it may name a local directory).
    /// With `trust_remote_code=True` the finding is high severity: the repository's Python code
    /// runs in the process.
    ///
    /// ## Why is this bad?
    /// A branch or tag on the Hub can be moved by whoever controls the repository (or its
    /// stolen token): the next download silently gets different weights — or, with
    /// `trust_remote_code=True` or pickled weights, different code. Pinning the commit makes
    /// the download reproducible and lets a review of that commit mean something.
    ///
    /// ## Example
    /// ```python
    /// from transformers import AutoModel
    ///
    /// model = AutoModel.from_pretrained("acme/sentiment-base")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from transformers import AutoModel
    ///
    /// model = AutoModel.from_pretrained(
    ///     "acme/sentiment-base", revision="4f5b6d3c2a1e0f9b8c7d6e5f4a3b2c1d0e9f8a7b"
    /// )
    /// ```
    ///
    /// ## Fix
    /// Pass `revision=` with the full commit hash of the version you reviewed, prefer
    /// safetensors weights, and avoid `trust_remote_code=True` (or pin it to a reviewed commit).
    ///
    /// ## References
    /// - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    /// - [Hugging Face Hub docs: download files, `revision`](https://huggingface.co/docs/huggingface_hub/en/guides/download)
    /// - [Bandit B615: huggingface_unsafe_download](https://bandit.readthedocs.io/en/latest/plugins/b615_huggingface_unsafe_download.html)
    pub(super) RULE = {
        name: "huggingface-unsafe-download",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Low,
        impact: High,
        cwe: [494],
        owasp: A08IntegrityFailures,
        aliases: [Bandit("B615")],
        tags: ["ml", "huggingface", "supply-chain"],
        interest: [Call],
        check: check,
    }
}

/// Libraries whose classes download from the Hub in `from_pretrained`.
const PRETRAINED_LIBRARIES: &[&str] =
    &["transformers", "diffusers", "peft", "sentence_transformers"];

/// Download functions, with the keyword of their repository argument.
const DOWNLOADS: &[(&str, &str)] = &[
    ("huggingface_hub.hf_hub_download", "repo_id"),
    ("huggingface_hub.file_download.hf_hub_download", "repo_id"),
    ("huggingface_hub.snapshot_download", "repo_id"),
    (
        "huggingface_hub._snapshot_download.snapshot_download",
        "repo_id",
    ),
    ("datasets.load_dataset", "path"),
    (
        "sentence_transformers.SentenceTransformer",
        "model_name_or_path",
    ),
];

/// `datasets` builders that read local files rather than a Hub repository.
const PACKAGED_BUILDERS: &[&str] = &[
    "csv",
    "json",
    "parquet",
    "text",
    "arrow",
    "pandas",
    "sql",
    "xml",
    "webdataset",
    "imagefolder",
    "audiofolder",
    "videofolder",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    let repository_keyword = if let Some((_, keyword)) = DOWNLOADS.iter().find(|(n, _)| *n == name)
    {
        *keyword
    } else if name.ends_with(".from_pretrained")
        && PRETRAINED_LIBRARIES
            .iter()
            .any(|library| name.split('.').next() == Some(*library))
    {
        "pretrained_model_name_or_path"
    } else {
        return;
    };
    if call.has_kwargs_splat() || call.keyword("local_files_only").is_some_and(is_true) {
        return;
    }
    let repository = call.argument(repository_keyword, 0);
    let literal_repository = repository.and_then(|r| literal(ctx, r));
    if let Some(repository) = &literal_repository {
        let local = ["./", "/", "../", "~"]
            .iter()
            .any(|prefix| repository.starts_with(prefix));
        let builder =
            name == "datasets.load_dataset" && PACKAGED_BUILDERS.contains(&repository.as_str());
        if local || builder {
            return;
        }
    }
    let revision = call
        .keyword("revision")
        .or_else(|| call.keyword("commit_id"));
    let pinned_to = match revision {
        None => None,
        Some(revision) => match literal(ctx, revision) {
            Some(value) if is_commit_hash(&value) => return,
            Some(value) => Some(value),
            // A revision we cannot read may well be pinned elsewhere.
            None => return,
        },
    };
    let function = name.rsplit('.').next().unwrap_or(name);
    let what = match (&literal_repository, repository) {
        (Some(repository), _) => format!("`{function}(\"{repository}\")`"),
        (None, Some(argument)) if ctx.text(argument.range()).len() <= 40 => {
            format!("`{function}({})`", ctx.text(argument.range()))
        }
        (None, _) => format!("`{function}(…)`"),
    };
    let mut message = match pinned_to {
        None => format!(
            "{what} downloads from the Hugging Face Hub without `revision=`; pin the commit hash you reviewed"
        ),
        Some(value) => format!(
            "{what} downloads revision `{value}`, a branch or tag that can move; pin a commit hash instead"
        ),
    };
    let remote_code = call.keyword("trust_remote_code").is_some_and(is_true);
    if remote_code {
        message.push_str(" (with `trust_remote_code=True`, the repository's code runs here)");
    }
    if let Some(finding) = ctx.report(call.node.range(), message) {
        if remote_code {
            finding.severity = Severity::High;
        }
        if literal_repository.is_none() {
            finding.confidence = Confidence::Low;
        }
    }
}

/// The text of a string literal, or of a name assigned one.
fn literal(ctx: &Context<'_>, expr: &Expr) -> Option<String> {
    str_value(expr).or_else(|| match expr {
        Expr::Name(name) => bound_value(ctx.semantic, name).and_then(str_value),
        _ => None,
    })
}

/// Seven or more hexadecimal digits: a (possibly abbreviated) commit hash.
fn is_commit_hash(value: &str) -> bool {
    value.len() >= 7 && value.chars().all(|c| c.is_ascii_hexdigit())
}
