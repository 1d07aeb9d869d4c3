use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr, Stmt};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{last_identifier_word_in, str_value, terminal_name};

declare_rule! {
    /// ## What it does
    /// Checks for servers told to listen on every network interface (`"0.0.0.0"`, `"::"`,
    /// `"[::]"`, optionally with a `:port`):
    /// - passed as a host keyword (`host=`, `bind=`, `address=`, `listen=` …), as in
    ///   `app.run(host="0.0.0.0")` or `uvicorn.run(app, host="0.0.0.0")`;
    /// - as the host of the address tuple of `sock.bind((…))`, `socket.create_server`,
    ///   `http.server.HTTPServer`, `socketserver.*Server` (there `""` means every interface
    ///   too), or the host argument of `wsgiref.simple_server.make_server`,
    ///   `asyncio.start_server`, `loop.create_server` and `app.run`;
    /// - assigned to a host-like name (`HOST`, `BIND_ADDRESS`, gunicorn's `bind`), used as the
    ///   default of a host-like parameter, of an `--host` command-line option, or of
    ///   `os.environ.get("HOST", …)`.
    ///
    /// Bandit reports every `"0.0.0.0"` string, including comparisons, IP parsing and
    /// `ALLOWED_HOSTS`; this rule only reports the string where it decides what a server binds.
    ///
    /// ## Why is this bad?
    /// A service bound to every interface is reachable from every network the machine is on:
    /// a development server, an admin endpoint or a debug console meant for localhost becomes
    /// reachable from the office Wi-Fi, a container network or the internet. In a container
    /// image, binding to all interfaces is usually intended (the port mapping decides what is
    /// exposed): suppress the finding there with a reason.
    ///
    /// ## Example
    /// ```python
    /// from flask import Flask
    ///
    /// app = Flask(__name__)
    /// app.run(host="0.0.0.0", port=8080)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// from flask import Flask
    ///
    /// app = Flask(__name__)
    /// app.run(host=os.environ.get("BIND_HOST", "127.0.0.1"), port=8080)
    /// ```
    ///
    /// ## Fix
    /// Bind to `127.0.0.1` (or the one address that must serve), and make a wider bind an
    /// explicit deployment setting rather than the default in code.
    ///
    /// ## References
    /// - [CWE-1327: Binding to an Unrestricted IP Address](https://cwe.mitre.org/data/definitions/1327.html)
    /// - [Python docs: `socket.bind`](https://docs.python.org/3/library/socket.html#socket.socket.bind)
    pub(super) RULE = {
        name: "bind-all-interfaces",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: Medium,
        cwe: [1327],
        owasp: A05SecurityMisconfiguration,
        aliases: [Bandit("B104"), Ruff("S104")],
        tags: ["network"],
        interest: [Call, Assign, FunctionDef],
        check: check,
    }
}

/// Servers whose first argument is a `(host, port)` tuple.
const TUPLE_SERVERS: &[&str] = &[
    "socket.create_server",
    "http.server.HTTPServer",
    "http.server.ThreadingHTTPServer",
    "socketserver.TCPServer",
    "socketserver.UDPServer",
    "socketserver.ThreadingTCPServer",
    "socketserver.ThreadingUDPServer",
    "socketserver.ForkingTCPServer",
    "socketserver.ForkingUDPServer",
    "xmlrpc.server.SimpleXMLRPCServer",
    "xmlrpc.server.DocXMLRPCServer",
    "wsgiref.simple_server.WSGIServer",
];

/// Functions and their positional index of the host argument.
const POSITIONAL_HOSTS: &[(&str, usize)] = &[
    ("wsgiref.simple_server.make_server", 0),
    ("asyncio.start_server", 1),
];

/// Last words of a name that holds the address a server binds.
const HOST_WORDS: &[&str] = &[
    "host",
    "hostname",
    "bind",
    "address",
    "addresses",
    "addr",
    "addrs",
    "listen",
    "interface",
    "iface",
    "ip",
];

const ENV_GETTERS: &[&str] = &["os.environ.get", "os.getenv", "os.environ.setdefault"];

const TAIL: &str =
    "bind to `127.0.0.1` (or one specific address) unless other machines must reach it";

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    match node {
        Node::Call(call) => check_call(ctx, call),
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                check_assignment(ctx, target, &assign.value);
            }
        }
        Node::Stmt(Stmt::AnnAssign(assign)) => {
            if let Some(value) = &assign.value {
                check_assignment(ctx, &assign.target, value);
            }
        }
        Node::Stmt(Stmt::FunctionDef(function)) => {
            for parameter in function.parameters.iter_non_variadic_params() {
                let name = parameter.parameter.name.as_str();
                let Some(default) = parameter.default() else {
                    continue;
                };
                if is_host_name(name) && binds_all(default, false) {
                    ctx.report(
                        default.range(),
                        format!(
                            "parameter `{name}` defaults to {}, every network interface; {TAIL}",
                            display_host(ctx, default)
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}

fn check_call(ctx: &mut Context<'_>, call: &Call<'_>) {
    // Host keywords: `app.run(host="0.0.0.0")`.
    for keyword in &call.node.arguments.keywords {
        let Some(arg) = &keyword.arg else {
            continue;
        };
        if is_host_name(arg.as_str()) && binds_all(&keyword.value, false) {
            ctx.report(
                keyword.value.range(),
                format!(
                    "`{arg}={}` listens on every network interface; {TAIL}",
                    ctx.text(keyword.value.range())
                ),
            );
        }
    }
    let method = call.method();
    // `(host, port)` tuples: `sock.bind(("0.0.0.0", 80))`, `HTTPServer(("", 80), H)`.
    if method == Some("bind") || call.is_any(TUPLE_SERVERS) {
        if let Some(Expr::Tuple(ast::ExprTuple { elts, .. })) = call.arg(0)
            && let Some(host) = elts.first().filter(|host| binds_all(host, true))
        {
            ctx.report(
                host.range(),
                format!(
                    "binding to {} listens on every network interface; {TAIL}",
                    display_host(ctx, host)
                ),
            );
        }
        return;
    }
    // A positional host: `make_server("", 8000, app)`, `loop.create_server(f, "0.0.0.0")`,
    // `app.run("0.0.0.0")`.
    let positional = POSITIONAL_HOSTS
        .iter()
        .find(|(name, _)| call.name == Some(*name))
        .map(|&(_, index)| (index, true))
        .or(match (call.name, method) {
            (None, Some("create_server")) => Some((1, true)),
            (_, Some("run")) => Some((0, false)),
            _ => None,
        });
    if let Some((index, empty_means_all)) = positional {
        if let Some(host) = call.arg(index).filter(|h| binds_all(h, empty_means_all)) {
            ctx.report(
                host.range(),
                format!(
                    "listening on {} means every network interface; {TAIL}",
                    display_host(ctx, host)
                ),
            );
        }
        return;
    }
    // Defaults of configuration: `add_argument("--host", default="0.0.0.0")`,
    // `os.environ.get("HOST", "0.0.0.0")`.
    let default = if method == Some("add_argument") || call.is_any(&["click.option"]) {
        let names_host = call
            .node
            .arguments
            .args
            .iter()
            .filter_map(str_value)
            .any(|option| is_host_name(&option));
        names_host.then(|| call.keyword("default")).flatten()
    } else if call.is_any(ENV_GETTERS) {
        call.arg(0)
            .and_then(str_value)
            .filter(|key| is_host_name(key))
            .and_then(|_| call.argument("default", 1))
    } else {
        None
    };
    if let Some(default) = default.filter(|d| binds_all(d, false)) {
        ctx.report(
            default.range(),
            format!(
                "the default {} listens on every network interface; {TAIL}",
                display_host(ctx, default)
            ),
        );
    }
}

fn check_assignment(ctx: &mut Context<'_>, target: &Expr, value: &Expr) {
    let Some(name) = terminal_name(target) else {
        return;
    };
    let all = match value {
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            !elts.is_empty() && elts.iter().any(|elt| binds_all(elt, false))
        }
        _ => binds_all(value, false),
    };
    if all && is_host_name(name) {
        let name = name.to_string();
        ctx.report(
            value.range(),
            format!("`{name}` set to every network interface; {TAIL}"),
        );
    }
}

/// Whether a name (`HOST`, `bind_address`, `--listen-addr`) holds a bind address.
fn is_host_name(name: &str) -> bool {
    last_identifier_word_in(name, HOST_WORDS)
}

/// Whether `expr` is a literal address meaning "every interface" (with an optional port).
/// `""` counts only where the API gives it that meaning (socket address tuples).
fn binds_all(expr: &Expr, empty_means_all: bool) -> bool {
    let Some(text) = str_value(expr) else {
        return false;
    };
    let text = text.trim();
    if text.is_empty() {
        return empty_means_all;
    }
    let host = if let Some(rest) = text.strip_prefix("[::]") {
        return rest.is_empty() || is_port_suffix(rest);
    } else if text == "::" {
        return true;
    } else {
        text.rsplit_once(':')
            .filter(|(_, port)| is_port_suffix(&format!(":{port}")))
            .map_or(text, |(host, _)| host)
    };
    host == "0.0.0.0"
}

fn is_port_suffix(text: &str) -> bool {
    text.strip_prefix(':')
        .is_some_and(|port| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()))
}

fn display_host(ctx: &Context<'_>, host: &Expr) -> String {
    let text = ctx.text(host.range());
    if text.len() <= 24 {
        format!("`{text}`")
    } else {
        "this address".to_string()
    }
}
