//! The engine on small programs: which lines a flow is reported on, and the path it takes.
//! (The idiom suite with its vulnerable and safe twins lives in `cuirass_rules`' fixtures.)

use std::fmt::Write as _;

use cuirass_python::{SourceFile, bind, parse};
use cuirass_taint::{TaintConfig, TaintFinding, TaintOptions, TaintSpec, analyze};

fn run_with(code: &str, options: &TaintOptions) -> (SourceFile, Vec<TaintFinding>) {
    let source = SourceFile::new("app.py".into(), "app.py".into(), code.to_string());
    let parsed = parse(&source);
    let bound = bind(&source, &parsed);
    let result = analyze(&source, &bound.semantic, parsed.suite(), options);
    let findings = result.findings;
    drop(bound);
    (source, findings)
}

/// `(vuln, line)` of every finding.
fn flows(code: &str) -> Vec<(String, u32)> {
    let (source, findings) = run_with(code, &TaintOptions::default());
    findings
        .iter()
        .map(|f| {
            (
                f.vuln.name().to_string(),
                source.position(f.range.start()).line,
            )
        })
        .collect()
}

fn lines(code: &str, vuln: &str) -> Vec<u32> {
    flows(code)
        .into_iter()
        .filter(|(v, _)| v == vuln)
        .map(|(_, l)| l)
        .collect()
}

#[test]
fn direct_flask_flow_has_a_path() {
    let code = "\
from flask import request
import sqlite3

def view(cursor):
    name = request.args['name']
    query = f\"SELECT * FROM users WHERE name = '{name}'\"
    cursor.execute(query)
";
    let (source, findings) = run_with(code, &TaintOptions::default());
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.vuln.name(), "sql");
    assert_eq!(source.position(finding.range.start()).line, 7);
    assert_eq!(finding.source, "`request.args`");
    let steps: Vec<(u32, &str)> = finding
        .flow
        .steps
        .iter()
        .map(|s| (s.location.span.start.line, s.message.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (5, "source: `request.args`"),
            (5, "assigned to `name`"),
            (6, "assigned to `query`"),
            (7, "sink: `cursor.execute`"),
        ]
    );
}

#[test]
fn reassigned_constant_is_clean() {
    let code = "\
import os, sys
def main():
    cmd = sys.argv[1]
    cmd = 'ls'
    os.system(cmd)
    other = sys.argv[2]
    os.system(other)
";
    assert_eq!(lines(code, "command"), [7]);
}

#[test]
fn branches_join_and_constant_conditions_prune() {
    let code = "\
import os, sys
DEBUG = False
def main(flag):
    if flag:
        cmd = sys.argv[1]
    else:
        cmd = 'ls'
    os.system(cmd)
    if False:
        os.system(sys.argv[1])
    if DEBUG:
        os.system(sys.argv[1])
    if 0:
        x = sys.argv[1]
    else:
        x = 'y'
    os.system(x)
";
    assert_eq!(lines(code, "command"), [8]);
}

#[test]
fn dict_and_list_parts() {
    let code = "\
import os, sys
def main():
    d = {'a': sys.argv[1], 'b': 'safe'}
    os.system(d['b'])
    os.system(d['a'])
    l = ['safe', sys.argv[1]]
    os.system(l[0])
    os.system(l[1])
    a, b = sys.argv[1], 'ok'
    os.system(b)
    os.system(a)
";
    assert_eq!(lines(code, "command"), [5, 8, 11]);
}

#[test]
fn sanitisers_and_allow_lists() {
    let code = "\
import os, sys, shlex
ALLOWED = {'a', 'b'}
def main():
    x = sys.argv[1]
    os.system('echo ' + shlex.quote(x))
    n = int(sys.argv[2])
    os.system(f'kill {n}')
    if x in ALLOWED:
        os.system(x)
    y = sys.argv[3]
    if y not in ALLOWED:
        return
    os.system(y)
    z = sys.argv[4]
    os.system(z)
";
    assert_eq!(lines(code, "command"), [15]);
}

#[test]
fn helper_functions_and_loops() {
    let code = "\
import os, sys
def get():
    return sys.argv[1]
def run(cmd):
    os.system(cmd)
def clean(v):
    return int(v)
def main():
    run(get())
    os.system(clean(get()))
    parts = []
    for p in sys.argv:
        parts.append(p)
    os.system(' '.join(parts))
";
    assert_eq!(lines(code, "command"), [5, 14]);
}

#[test]
fn self_attributes_flow_between_methods() {
    let code = "\
import os, sys
class Job:
    def __init__(self, cmd):
        self.cmd = cmd
        self.safe = 'ls'
    def run(self):
        os.system(self.cmd)
    def run_safe(self):
        os.system(self.safe)
def main():
    job = Job(sys.argv[1])
    job.run()
    job.run_safe()
";
    assert_eq!(lines(code, "command"), [7]);
}

#[test]
fn constant_mapping_keys_do_not_taint() {
    let code = "\
import os, sys
COMMANDS = {'list': 'ls', 'disk': 'df -h'}
def main():
    os.system(COMMANDS[sys.argv[1]])
    os.system(COMMANDS.get(sys.argv[1], 'true'))
";
    assert!(lines(code, "command").is_empty());
}

#[test]
fn parameterised_queries_are_safe() {
    let code = "\
from flask import request
def view(db):
    name = request.args.get('name')
    db.execute('SELECT * FROM t WHERE name = ?', (name,))
    db.execute('SELECT * FROM t WHERE name = %s' % name)
";
    assert_eq!(lines(code, "sql"), [5]);
}

#[test]
fn route_parameters_and_django_views() {
    let code = "\
from flask import Flask, redirect
app = Flask(__name__)
@app.route('/go/<target>')
def go(target):
    return redirect(target)
@app.route('/n/<int:n>')
def num(n):
    return redirect(n)
";
    assert_eq!(lines(code, "redirect"), [5]);
    let django = "\
from django.http import HttpResponse
from django.shortcuts import redirect
def view(request):
    return redirect(request.GET['next'])
def page(request):
    return HttpResponse('<p>' + request.GET.get('q', '') + '</p>')
";
    assert_eq!(
        flows(django),
        [("redirect".to_string(), 4), ("xss".to_string(), 6)]
    );
}

#[test]
fn fastapi_parameters() {
    let code = "\
from fastapi import FastAPI, Depends
import subprocess
app = FastAPI()
@app.get('/run')
def run(cmd: str, n: int, db = Depends(get_db)):
    subprocess.run(cmd, shell=True)
    subprocess.run(f'sleep {n}', shell=True)
    subprocess.run(db, shell=True)
";
    assert_eq!(lines(code, "command"), [6]);
}

#[test]
fn custom_sources_and_sinks_from_config() {
    let config: TaintConfig = toml::from_str(
        r#"
        sources = [{ name = "mylib.get_param", kind = "call" }]
        sinks = [{ name = "mydb.run", arg = 0, vuln = "sql" }]
        "#,
    )
    .unwrap();
    let options = TaintOptions::new(TaintSpec::builtin().extend(&config).unwrap());
    let code = "\
import mydb
from mylib import get_param
def view():
    mydb.run('SELECT ' + get_param('x'))
    mydb.run('SELECT 1')
";
    let (source, findings) = run_with(code, &options);
    let found: Vec<u32> = findings
        .iter()
        .map(|f| source.position(f.range.start()).line)
        .collect();
    assert_eq!(found, [4]);
    assert!(run_with(code, &TaintOptions::default()).1.is_empty());
}

#[test]
fn pathological_input_is_bounded() {
    // Deep nesting and long chains must neither crash nor hang.
    let mut code = String::from("import sys\nx = sys.argv[1]\n");
    code.push_str(&"(".repeat(400));
    code.push('x');
    code.push_str(&")".repeat(400));
    code.push('\n');
    let mut body = String::from("def f():\n    y = sys.argv[1]\n");
    for i in 0..300 {
        let _ = writeln!(body, "{}if y:", "    ".repeat(1 + i % 50));
    }
    code.push_str(&body);
    let _ = flows(&code);
    let mut loops = String::from("import os, sys\ndef g():\n    a = sys.argv[1]\n");
    for i in 0..40 {
        let _ = write!(
            loops,
            "    for i{i} in range(3):\n        a = a + str(i{i})\n"
        );
    }
    loops.push_str("    os.system(a)\n");
    assert_eq!(lines(&loops, "command"), [84]);

    // Deeply nested literals keep their taint and stay bounded.
    let nested = format!(
        "import os, sys\ndef h():\n    x = {}sys.argv[1]{}\n    os.system(str(x))\n",
        "[".repeat(2000),
        "]".repeat(2000)
    );
    assert_eq!(lines(&nested, "command"), [4]);
    // Deep call chains and recursion terminate.
    let mut chain = String::from("import os, sys\n");
    for i in 0..200 {
        let _ = writeln!(chain, "def f{i}(x):\n    return f{}(x)", i + 1);
    }
    chain.push_str("def f200(x):\n    return f0(x)\ndef main():\n    os.system(f0(sys.argv[1]))\n");
    let _ = flows(&chain);
}

#[test]
fn more_sources() {
    let code = "\
import os, pickle, socket
def main(sock):
    os.system(input('command: '))
    data = sock.recv(4096)
    return pickle.loads(data)
";
    assert_eq!(
        flows(code),
        [
            ("command".to_string(), 3),
            ("deserialization".to_string(), 5)
        ]
    );
    let aiohttp = "\
from aiohttp import web
async def handler(request):
    name = request.match_info['name']
    with open('/srv/' + name) as f:
        return web.Response(text=f.read())
async def upload(request):
    data = await request.post()
    return web.Response(text=eval(data['expr']))
";
    assert_eq!(
        flows(aiohttp),
        [("path".to_string(), 4), ("code".to_string(), 8)]
    );
    let starlette = "\
from starlette.requests import Request
from starlette.responses import HTMLResponse
async def page(request: Request):
    return HTMLResponse('<p>' + request.query_params['q'] + '</p>')
";
    assert_eq!(flows(starlette), [("xss".to_string(), 4)]);
    let wsgi = "\
import os
def application(environ, start_response):
    os.system('echo ' + environ['QUERY_STRING'])
";
    assert_eq!(flows(wsgi), [("command".to_string(), 3)]);
    let tornado = "\
import tornado.web
class Handler(tornado.web.RequestHandler):
    def get(self):
        self.redirect_url = self.get_argument('next')
        import subprocess
        subprocess.call(self.get_argument('cmd'), shell=True)
";
    assert_eq!(flows(tornado), [("command".to_string(), 6)]);
}
