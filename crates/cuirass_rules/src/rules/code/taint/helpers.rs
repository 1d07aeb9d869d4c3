//! Shared by the taint rules: turning the analysis's flows of one class into findings.

use cuirass_taint::{TaintFinding, Vuln};

use crate::checker::{Context, Node};

/// Reports every flow of class `vuln` in the module, at its sink, with its path and the
/// source's confidence. `message` gets the sink as written (`` `cursor.execute` ``) and the
/// source with its place (`` `request.args` (line 10) ``).
pub(super) fn report_flows(
    ctx: &mut Context<'_>,
    node: &Node<'_>,
    vuln: Vuln,
    message: fn(sink: &str, source: &str) -> String,
) {
    let Node::Module(suite) = node else {
        return;
    };
    for flow in ctx.taint_flows(suite, vuln) {
        let source = describe_source(ctx, &flow);
        let text = message(&flow.sink, &source);
        if let Some(finding) = ctx.report(flow.range, text) {
            finding.confidence = finding.confidence.min(flow.confidence);
            finding.flow = Some(flow.flow);
        }
    }
}

/// `` `request.args` (line 10) ``, or with the file when the source is in another module.
fn describe_source(ctx: &Context<'_>, flow: &TaintFinding) -> String {
    if flow.source_path.is_empty() || flow.source_path == ctx.source.display {
        format!("{} (line {})", flow.source, flow.source_line)
    } else {
        format!(
            "{} ({}:{})",
            flow.source, flow.source_path, flow.source_line
        )
    }
}
