use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::is_false;

declare_rule! {
    /// ## What it does
    /// Checks for `torch.load` (also `torch.serialization.load`) that may unpickle arbitrary
    /// objects: with `weights_only=False` (high confidence), with a custom `pickle_module=`,
    /// or without `weights_only` at all (medium confidence: PyTorch 2.6 and later default to
    /// `weights_only=True`, earlier versions to the full unpickler). `torch.jit.load` (the
    /// TorchScript format) is not reported, nor is a call that passes `**kwargs`.
    ///
    /// Bandit's B614 reports every call without `weights_only=True`; the explicit `False` is
    /// what is certain here, so only it gets high confidence.
    ///
    /// ## Why is this bad?
    /// A `.pt`/`.pth` checkpoint is a zip of pickles. Loading it with the full unpickler runs
    /// any function the file names, so a model downloaded from a hub, a shared drive or an
    /// upload can take over the process that loads it. `weights_only=True` restricts loading to
    /// tensors, primitive types and allow-listed classes.
    ///
    /// ## Example
    /// ```python
    /// import torch
    ///
    /// def load_checkpoint(path):
    ///     return torch.load(path, map_location="cpu", weights_only=False)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import torch
    ///
    /// def load_checkpoint(path):
    ///     return torch.load(path, map_location="cpu", weights_only=True)
    /// ```
    ///
    /// ## Fix
    /// Pass `weights_only=True`; allow-list any extra class with
    /// `torch.serialization.add_safe_globals`. Better still, store weights as `safetensors`,
    /// a format that holds tensors only.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [PyTorch docs: `torch.load` and `weights_only`](https://pytorch.org/docs/stable/generated/torch.load.html)
    /// - [safetensors](https://github.com/huggingface/safetensors)
    pub(super) RULE = {
        name: "torch-load",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [502],
        owasp: A08IntegrityFailures,
        aliases: [Bandit("B614")],
        tags: ["ml", "pickle", "deserialization"],
        interest: [Call],
        check: check,
    }
}

const LOADS: &[&str] = &["torch.load", "torch.serialization.load"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name.filter(|name| LOADS.contains(name)) else {
        return;
    };
    let weights_only = call.keyword("weights_only");
    let (message, confidence) = if call.keyword("pickle_module").is_some() {
        (
            format!(
                "`{name}` with a custom `pickle_module` unpickles arbitrary objects; load with `weights_only=True`"
            ),
            Confidence::Medium,
        )
    } else if weights_only.is_some_and(is_false) {
        (
            format!(
                "`{name}` with `weights_only=False` runs any code a malicious checkpoint carries; pass `weights_only=True` or use safetensors"
            ),
            Confidence::High,
        )
    } else if weights_only.is_none() && !call.has_kwargs_splat() {
        (
            format!(
                "`{name}` without `weights_only=True` unpickles arbitrary objects on PyTorch before 2.6; pass `weights_only=True`"
            ),
            Confidence::Medium,
        )
    } else {
        // `weights_only=True`, a value we cannot read, or `**kwargs`.
        return;
    };
    if let Some(finding) = ctx.report(call.node.range(), message) {
        finding.confidence = confidence;
    }
}
