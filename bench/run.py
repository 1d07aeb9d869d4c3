#!/usr/bin/env python3
"""Speed benchmark: cuirass against `ruff --select S` and bandit over one pinned corpus.

Steps: fetch and verify the corpus wheels listed in corpus.toml, unpack them, count the Python
lines; install the pinned tools into bench/.venv; find (or build) cuirass; run every selected
scenario several times over the same directory tree, recording wall time, CPU time (user + sys)
and peak RSS of each child from os.wait4; print a table with ratios against cuirass and write
the same numbers to bench/results/<timestamp>.json.

Standard library only (Python 3.10+; on 3.10 `tomli` stands in for `tomllib`). Linux and macOS:
os.wait4 is what gives per-child CPU and memory figures, and Windows has no equivalent in the
standard library.

Extra measurements (a dependency-audit timing, taint on/off, ...) are extra rows: add a
`Scenario` to `SCENARIOS` (see the examples there); nothing else needs to change.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: tomllib arrived in 3.11, tomli is the same code.
    try:
        import tomli as tomllib  # type: ignore[no-redef]
    except ModuleNotFoundError:
        tomllib = None  # type: ignore[assignment]

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CORPUS_TOML = BENCH_DIR / "corpus.toml"
CORPUS_DIR = BENCH_DIR / "corpus"
SRC_DIR = CORPUS_DIR / "src"
VENV_DIR = BENCH_DIR / ".venv"
RESULTS_DIR = BENCH_DIR / "results"
RESULTS_SCHEMA = 1

# Exit codes that mean "ran to the end": the auditors exit 1 when they report findings.
FINDINGS_OK = frozenset({0, 1})


class BenchError(Exception):
    """A setup step failed; the message says which and what to do."""


def say(message: str = "") -> None:
    print(message, flush=True)


# --------------------------------------------------------------------------------------------
# Corpus


@dataclasses.dataclass(frozen=True)
class Package:
    name: str
    version: str
    file: str
    sha256: str
    python_files: int | None
    python_lines: int | None

    @property
    def wheel(self) -> Path:
        return CORPUS_DIR / self.file

    @property
    def src(self) -> Path:
        return SRC_DIR / self.name

    @property
    def marker(self) -> Path:
        # Kept outside src/ so the scanned tree holds nothing but the wheel's own files.
        return CORPUS_DIR / f"{self.name}.unpacked"


@dataclasses.dataclass(frozen=True)
class Corpus:
    packages: tuple[Package, ...]
    tool_pins: dict[str, str]
    tool_dependencies: tuple[str, ...]


def load_corpus(path: Path) -> Corpus:
    if tomllib is None:
        raise BenchError("reading corpus.toml needs Python 3.11+, or `pip install tomli` on 3.10")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BenchError(f"cannot read {path}: {exc}") from exc
    try:
        tools = dict(data["tools"])
        dependencies = tuple(tools.pop("dependencies", ()))
        packages = tuple(
            Package(
                name=p["name"],
                version=p["version"],
                file=p["file"],
                sha256=p["sha256"].lower(),
                python_files=p.get("python_files"),
                python_lines=p.get("python_lines"),
            )
            for p in data["package"]
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise BenchError(f"{path}: missing or malformed key {exc}") from exc
    return Corpus(packages, {k: str(v) for k, v in tools.items()}, dependencies)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(pkg: Package) -> None:
    """Fetches the pinned wheel with pip, which checks the hash itself (--require-hashes)."""
    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CORPUS_DIR, prefix=".download-") as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(
            f"{pkg.name}=={pkg.version} --hash=sha256:{pkg.sha256}\n", encoding="utf-8"
        )
        # --ignore-requires-python: the wheels are data here, never installed, so the
        # interpreter running this script need not satisfy them (ansible-core wants 3.11+).
        flags = "--quiet --no-deps --only-binary=:all: --platform=any --require-hashes"
        command = [
            *(sys.executable, "-m", "pip", "download", *flags.split()),
            *("--ignore-requires-python", "-r", str(requirements), "-d", tmp),
        ]
        say(f"  downloading {pkg.file}")
        result = subprocess.run(command, check=False)
        fetched = Path(tmp) / pkg.file
        if result.returncode != 0 or not fetched.is_file():
            raise BenchError(f"pip could not download {pkg.file} (exit {result.returncode})")
        # pip already compared the hash; checking again costs little and guards a pip quirk.
        actual = sha256_of(fetched)
        if actual != pkg.sha256:
            raise BenchError(f"{pkg.file}: sha256 {actual}, corpus.toml pins {pkg.sha256}")
        os.replace(fetched, pkg.wheel)


def unpack(pkg: Package) -> None:
    """Extracts the wheel into src/<name>/ through a staging folder: no half-unpacked tree."""
    SRC_DIR.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=CORPUS_DIR, prefix=f".unpack-{pkg.name}-"))
    staging.chmod(0o755)  # mkdtemp makes it private; the tree is ordinary, readable data
    try:
        # zipfile drops absolute paths and ".." parts, so members cannot land outside staging.
        with zipfile.ZipFile(pkg.wheel) as wheel:
            wheel.extractall(staging)
        pkg.marker.unlink(missing_ok=True)
        if pkg.src.exists():
            shutil.rmtree(pkg.src)
        os.replace(staging, pkg.src)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    pkg.marker.write_text(pkg.sha256 + "\n", encoding="utf-8")


def count_python(root: Path) -> tuple[int, int]:
    """(files, lines) of the .py files under root; lines counted like `wc -l`."""
    files = lines = 0
    for path in root.rglob("*.py"):
        if path.is_file():
            files += 1
            lines += path.read_bytes().count(b"\n")
    return files, lines


def prepare_corpus(corpus: Corpus, only: Sequence[str]) -> list[dict]:
    """Makes sure each selected package is downloaded, verified and unpacked; returns counts."""
    selected = [p for p in corpus.packages if not only or p.name in only]
    unknown = sorted(set(only) - {p.name for p in corpus.packages})
    if unknown:
        names = ", ".join(p.name for p in corpus.packages)
        raise BenchError(f"--only {', '.join(unknown)}: not in corpus.toml (have: {names})")
    summary = []
    for pkg in selected:
        if not (pkg.wheel.is_file() and sha256_of(pkg.wheel) == pkg.sha256):
            download(pkg)
        marker_ok = pkg.marker.is_file() and pkg.marker.read_text().strip() == pkg.sha256
        if not (marker_ok and pkg.src.is_dir()):
            say(f"  unpacking {pkg.file} into {pkg.src.relative_to(BENCH_DIR)}/")
            unpack(pkg)
        files, lines = count_python(pkg.src)
        if (pkg.python_files, pkg.python_lines) not in {(None, None), (files, lines)}:
            say(
                f"  warning: {pkg.name}: counted {files} files / {lines} lines, corpus.toml says "
                f"{pkg.python_files} / {pkg.python_lines} (stale counts or a modified tree?)"
            )
        summary.append(
            {
                "name": pkg.name,
                "version": pkg.version,
                "file": pkg.file,
                "sha256": pkg.sha256,
                "path": str(pkg.src),
                "python_files": files,
                "python_lines": lines,
            }
        )
    return summary


def warm_page_cache(roots: Sequence[Path]) -> None:
    """Reads every file once so that no tool pays for (or profits from) a cold disk cache."""
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                with path.open("rb") as fh:
                    while fh.read(1 << 20):
                        pass


# --------------------------------------------------------------------------------------------
# Tools


def venv_bin(name: str) -> Path:
    return VENV_DIR / ("Scripts" if os.name == "nt" else "bin") / name


def ensure_venv(corpus: Corpus) -> None:
    """Creates bench/.venv with the pinned tools; skipped when the pins have not changed."""
    requirements = sorted(
        [f"{name}=={version}" for name, version in corpus.tool_pins.items()]
        + list(corpus.tool_dependencies)
    )
    stamp = VENV_DIR / "bench-requirements.txt"
    wanted = "\n".join(requirements) + "\n"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted:
        return
    if not venv_bin("python").exists():
        say(f"  creating {VENV_DIR.relative_to(REPO_ROOT)}/")
        result = subprocess.run([sys.executable, "-m", "venv", str(VENV_DIR)], check=False)
        if result.returncode != 0:
            raise BenchError(
                "could not create the venv (on Debian/Ubuntu: apt-get install python3-venv)"
            )
    say(f"  installing {', '.join(requirements)}")
    command = [str(venv_bin("python")), "-m", "pip", "install", "--quiet", *requirements]
    if subprocess.run(command, check=False).returncode != 0:
        raise BenchError("pip could not install the pinned tools into bench/.venv")
    stamp.write_text(wanted, encoding="utf-8")


def tool_version(argv: Sequence[str]) -> str | None:
    try:
        out = subprocess.run(
            [*argv, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return None
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0].strip() if lines else None


def default_cuirass_path() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    if not target.is_absolute():
        target = Path.cwd() / target
    return target / "release" / ("cuirass.exe" if os.name == "nt" else "cuirass")


def resolve_cuirass(explicit: str | None, build: bool) -> Path | None:
    """The cuirass binary to time, or None (with the reason printed) to leave cuirass out.

    An explicit --cuirass PATH is used as is. Otherwise target/release/cuirass is built when it
    is missing, or always with --build (a stale binary times yesterday's code).
    """
    if explicit is not None:
        path = Path(explicit).resolve()
        if not os.access(path, os.X_OK):
            say(f"  cuirass: {path} is missing or not executable; skipping cuirass")
            return None
        return path
    path = default_cuirass_path()
    if os.access(path, os.X_OK) and not build:
        return path
    if shutil.which("cargo") is None:
        say(f"  cuirass: {path} not found and cargo is not on PATH; skipping cuirass")
        return None
    say(f"  cuirass: building {path} with `cargo build --release -p cuirass` (may take minutes)")
    result = subprocess.run(
        ["cargo", "build", "--release", "-p", "cuirass"], cwd=REPO_ROOT, check=False
    )
    if result.returncode != 0 or not os.access(path, os.X_OK):
        say(f"  cuirass: the build failed (exit {result.returncode}); skipping cuirass")
        return None
    return path


# --------------------------------------------------------------------------------------------
# Scenarios


@dataclasses.dataclass
class Context:
    """What scenarios need to build their command lines."""

    targets: list[Path]  # the corpus folders every scenario scans
    cuirass: Path | None
    cuirass_args: list[str]
    ruff: Path
    bandit: Path


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One row of the table: a command timed N times over the corpus.

    `command(ctx, report)` returns argv; `report` is where the tool should write its JSON (a
    file on the run whose findings are counted, os.devnull on the others). If `report_on_stdout`
    the harness redirects stdout there instead. `count_findings` turns that JSON into a number.
    """

    name: str
    tool: str  # "cuirass" | "ruff" | "bandit": matched by --skip, and the binary it needs
    description: str
    command: Callable[[Context, str], list[str]]
    count_findings: Callable[[Any], int]
    report_on_stdout: bool = False
    ok_exit_codes: frozenset[int] = FINDINGS_OK
    slow: bool = False  # uses --bandit-runs instead of --runs
    default: bool = True  # part of a run without --scenario


def _cuirass(extra: Sequence[str] = ()) -> Callable[[Context, str], list[str]]:
    def command(ctx: Context, report: str) -> list[str]:
        targets = map(str, ctx.targets)
        return [
            str(ctx.cuirass),
            "check",
            *targets,
            "--format=json",
            "-o",
            report,
            *extra,
            *ctx.cuirass_args,
        ]

    return command


def _ruff(ctx: Context, _report: str) -> list[str]:
    # --isolated: no pyproject/ruff.toml from the corpus or the repo changes the rule set.
    flags = ["--isolated", "--select=S", "--no-cache", "--exit-zero", "--output-format=json"]
    return [str(ctx.ruff), "check", *flags, *map(str, ctx.targets)]


def _bandit(ctx: Context, report: str) -> list[str]:
    return [str(ctx.bandit), "-r", *map(str, ctx.targets), "-q", "-f", "json", "-o", report]


def _cuirass_without_taint(extra: Sequence[str] = ()) -> Callable[[Context, str], list[str]]:
    """`cuirass check` with every taint rule ignored (taint analysis runs only when one of them
    is enabled); the rules are read from the binary's own catalogue, so new ones are covered."""

    def command(ctx: Context, report: str) -> list[str]:
        listing = subprocess.run(
            [str(ctx.cuirass), "rules", "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
        )
        taint = [rule["name"] for rule in json.loads(listing.stdout) if rule["kind"] == "taint"]
        if not taint:
            raise SystemExit("cuirass rules lists no taint rules: nothing to leave out")
        return _cuirass([*extra, "--extend-ignore", ",".join(taint)])(ctx, report)

    return command


SCENARIOS: list[Scenario] = [
    Scenario(
        name="cuirass",
        tool="cuirass",
        description="cuirass check, all audits, JSON report",
        command=_cuirass(),
        count_findings=lambda doc: len(doc["findings"]),
    ),
    Scenario(
        name="ruff",
        tool="ruff",
        description="ruff check --select S (flake8-bandit rules), JSON report",
        command=_ruff,
        count_findings=len,
        report_on_stdout=True,
        ok_exit_codes=frozenset({0}),
    ),
    Scenario(
        name="bandit",
        tool="bandit",
        description="bandit -r, all tests, JSON report",
        command=_bandit,
        count_findings=lambda doc: len(doc["results"]),
        slow=True,
    ),
    # Extra rows, run only when named with --scenario, e.g. a command that ignores ctx.targets
    # and times `cuirass check --only dependencies` on a lock file of its own.
    Scenario(
        name="cuirass-1-thread",
        tool="cuirass",
        description="cuirass check --jobs 1: single-core speed, for a per-core comparison",
        command=_cuirass(["--jobs", "1"]),
        count_findings=lambda doc: len(doc["findings"]),
        default=False,
    ),
    Scenario(
        name="cuirass-1-thread-no-taint",
        tool="cuirass",
        description="the same without the taint rules: what taint analysis costs",
        command=_cuirass_without_taint(["--jobs", "1"]),
        count_findings=lambda doc: len(doc["findings"]),
        default=False,
    ),
    Scenario(
        name="cuirass-no-taint",
        tool="cuirass",
        description="cuirass check without the taint rules, all cores",
        command=_cuirass_without_taint(),
        count_findings=lambda doc: len(doc["findings"]),
        default=False,
    ),
]


# --------------------------------------------------------------------------------------------
# Measuring


@dataclasses.dataclass
class Run:
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_kib: int
    exit_code: int

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s


def measure(argv: Sequence[str], report: Path | None, report_on_stdout: bool) -> tuple[Run, str]:
    """Runs argv once; returns its resource use and the tail of its stderr."""
    stdout_target = str(report) if (report_on_stdout and report is not None) else os.devnull
    # stderr goes to a file, not a pipe: a pipe that nobody reads while we sit in wait4 would
    # block a chatty child forever.
    with open(stdout_target, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        # wait4 on this pid gives the rusage of this child alone (and of any children it
        # reaped), unlike getrusage(RUSAGE_CHILDREN), which sums every child so far.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # already reaped: stop Popen from waiting again
        err.seek(0)
        stderr_tail = err.read()[-4000:].decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss_kib = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Run(wall, usage.ru_utime, usage.ru_stime, rss_kib, code), stderr_tail


@dataclasses.dataclass
class Result:
    scenario: Scenario
    command: list[str]
    runs: list[Run] = dataclasses.field(default_factory=list)
    findings: int | None = None
    status: str = "ok"  # ok | failed | skipped
    note: str = ""

    def median_wall(self) -> float | None:
        return statistics.median(r.wall_s for r in self.runs) if self.runs else None

    def median_cpu(self) -> float | None:
        return statistics.median(r.cpu_s for r in self.runs) if self.runs else None

    def peak_rss_mib(self) -> float | None:
        return max(r.max_rss_kib for r in self.runs) / 1024 if self.runs else None


def run_scenario(scenario: Scenario, ctx: Context, runs: int, workdir: Path) -> Result:
    report = workdir / f"{scenario.name}.json"
    result = Result(scenario, scenario.command(ctx, str(report)))
    for i in range(runs):
        # Only the first run writes a real report (for the findings count); the rest write to
        # /dev/null, so serialising the report to disk weighs on one run and not on the median.
        target = report if i == 0 else None
        argv = scenario.command(ctx, str(target) if target else os.devnull)
        try:
            run, stderr_tail = measure(argv, target, scenario.report_on_stdout)
        except OSError as exc:  # the program is missing or not executable
            result.status, result.note = "failed", str(exc)
            say(f"  {scenario.name}: cannot start {argv[0]}: {exc}")
            return result
        if run.exit_code not in scenario.ok_exit_codes:
            result.status = "failed"
            result.note = f"exit code {run.exit_code}"
            say(f"  {scenario.name}: run {i + 1} failed with exit code {run.exit_code}")
            say(f"  command: {shlex.join(argv)}")
            if stderr_tail.strip():
                say("  stderr (last lines):")
                for line in stderr_tail.strip().splitlines()[-20:]:
                    say(f"    {line}")
            return result
        result.runs.append(run)
        say(
            f"  {scenario.name}: run {i + 1}/{runs}: {run.wall_s:.2f} s wall, "
            f"{run.cpu_s:.2f} s CPU, {run.max_rss_kib / 1024:.0f} MiB peak RSS"
        )
    try:
        result.findings = scenario.count_findings(json.loads(report.read_bytes()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        result.note = f"could not count findings: {exc}"
        say(f"  {scenario.name}: {result.note}")
    return result


# --------------------------------------------------------------------------------------------
# Reporting


def ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return value / base


def fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}x"


def print_table(results: list[Result], baseline: str, total_lines: int) -> None:
    base = next((r for r in results if r.scenario.name == baseline and r.runs), None)
    header = [
        "scenario",
        "runs",
        "wall s",
        "CPU s",
        "peak RSS MiB",
        "lines/s",
        "findings",
        f"wall / {baseline}",
        f"CPU / {baseline}",
    ]
    rows = []
    for r in results:
        wall = r.median_wall()
        rows.append(
            [
                r.scenario.name,
                str(len(r.runs)) if r.status != "skipped" else "-",
                fmt(wall, ".2f"),
                fmt(r.median_cpu(), ".2f"),
                fmt(r.peak_rss_mib(), ".0f"),
                fmt(total_lines / wall if wall else None, ",.0f"),
                "-" if r.findings is None else str(r.findings),
                fmt_ratio(ratio(wall, base and base.median_wall())),
                fmt_ratio(ratio(r.median_cpu(), base and base.median_cpu())),
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        # First column (the name) left-aligned, numbers right-aligned.
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded)

    say()
    say(line(header))
    say(line(["-" * w for w in widths]))
    for row in rows:
        say(line(row))
    for r in results:
        if r.status != "ok" or r.note:
            say(f"  note: {r.scenario.name}: {r.status}{': ' + r.note if r.note else ''}")
    if base is None:
        say(f"  (no ratios: the baseline scenario {baseline!r} did not run)")
    say("  wall and CPU are medians over the runs; peak RSS is the largest over the runs.")


def machine_info() -> dict:
    cpu_model = platform.processor() or None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_model": cpu_model,
        "logical_cpus": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def write_results(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Temporary file in the same folder, then rename: a crash never leaves half a JSON file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def result_to_json(r: Result, baseline: Result | None, total_lines: int) -> dict:
    wall, cpu = r.median_wall(), r.median_cpu()
    return {
        "name": r.scenario.name,
        "tool": r.scenario.tool,
        "description": r.scenario.description,
        "status": r.status,
        "note": r.note or None,
        "command": r.command,
        "runs": [dataclasses.asdict(run) | {"cpu_s": run.cpu_s} for run in r.runs],
        "median_wall_s": wall,
        "median_cpu_s": cpu,
        "peak_rss_mib": r.peak_rss_mib(),
        "lines_per_second": total_lines / wall if wall else None,
        "findings": r.findings,
        "wall_ratio_to_baseline": ratio(wall, baseline and baseline.median_wall()),
        "cpu_ratio_to_baseline": ratio(cpu, baseline and baseline.median_cpu()),
    }


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    names = [s.name for s in SCENARIOS]
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--runs", type=int, default=5, help="timed runs per scenario (default 5)")
    p.add_argument(
        "--bandit-runs",
        type=int,
        default=1,
        help="timed runs for slow scenarios (bandit takes minutes; default 1)",
    )
    p.add_argument("--quick", action="store_true", help="one run of everything")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PACKAGE",
        help="scan only this corpus package (repeatable), e.g. --only django",
    )
    p.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["cuirass", "ruff", "bandit"],
        help="leave a tool out (repeatable)",
    )
    p.add_argument(
        "--scenario",
        action="append",
        default=[],
        choices=names,
        metavar="NAME",
        help=f"run these scenarios instead of the default set (repeatable; {', '.join(names)})",
    )
    p.add_argument("--list-scenarios", action="store_true", help="list scenarios and exit")
    p.add_argument(
        "--cuirass",
        metavar="PATH",
        help="cuirass binary (default: target/release/cuirass, built if missing)",
    )
    p.add_argument(
        "--build",
        action="store_true",
        help="run `cargo build --release -p cuirass` even if the binary exists",
    )
    p.add_argument(
        "--cuirass-args",
        default="",
        metavar="ARGS",
        help="extra flags for every cuirass command, one shell-quoted string",
    )
    p.add_argument(
        "--baseline", default="cuirass", choices=names, help="ratios are against this scenario"
    )
    p.add_argument(
        "--prepare-only",
        action="store_true",
        help="fetch, unpack and count the corpus, install the tools, then stop",
    )
    p.add_argument(
        "--output", type=Path, help="results file (default: bench/results/<timestamp>.json)"
    )
    args = p.parse_args(argv)
    if args.quick:
        args.runs = args.bandit_runs = 1
    if args.runs < 1 or args.bandit_runs < 1:
        p.error("--runs and --bandit-runs must be at least 1")
    return args


def select_scenarios(args: argparse.Namespace) -> list[Scenario]:
    named = set(args.scenario)
    chosen = [s for s in SCENARIOS if (s.name in named if named else s.default)]
    chosen = [s for s in chosen if s.tool not in args.skip]
    if not chosen:
        raise BenchError("no scenario left to run (check --scenario and --skip)")
    return chosen


def print_corpus(packages: list[dict]) -> None:
    for p in packages:
        files, lines = p["python_files"], p["python_lines"]
        say(f"  {p['name']:<14} {p['version']:<10} {files:>6} files {lines:>10,} lines")
    total_files = sum(p["python_files"] for p in packages)
    total_lines = sum(p["python_lines"] for p in packages)
    say(f"  {'total':<25} {total_files:>6} files {total_lines:>10,} lines")


def results_document(
    args: argparse.Namespace,
    started: datetime.datetime,
    machine: dict,
    packages: list[dict],
    versions: dict,
    results: list[Result],
) -> dict:
    total_lines = sum(p["python_lines"] for p in packages)
    base = next((r for r in results if r.scenario.name == args.baseline and r.runs), None)
    return {
        "schema": RESULTS_SCHEMA,
        "started": started.isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": machine,
        "arguments": {
            "runs": args.runs,
            "bandit_runs": args.bandit_runs,
            "only": args.only,
            "skip": args.skip,
            "scenario": args.scenario,
            "cuirass_args": args.cuirass_args,
        },
        "corpus": {
            "packages": packages,
            "python_files": sum(p["python_files"] for p in packages),
            "python_lines": total_lines,
        },
        "tool_versions": versions,
        "baseline": args.baseline,
        "scenarios": [result_to_json(r, base, total_lines) for r in results],
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list_scenarios:
        for s in SCENARIOS:
            say(f"{s.name:<18} {'default' if s.default else 'extra  '}  {s.description}")
        return 0
    if not hasattr(os, "wait4"):
        raise BenchError("no os.wait4 here (per-process CPU and RSS): use Linux or macOS")
    chosen = select_scenarios(args)
    tools_needed = {s.tool for s in chosen}
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = machine_info()  # now, so the load average is the one the runs start under
    corpus = load_corpus(CORPUS_TOML)

    say("corpus:")
    packages = prepare_corpus(corpus, args.only)
    print_corpus(packages)

    say("tools:")
    if tools_needed & {"ruff", "bandit"}:
        ensure_venv(corpus)
    if args.prepare_only:
        say("  prepared; not running (--prepare-only)")
        return 0
    cuirass = resolve_cuirass(args.cuirass, args.build) if "cuirass" in tools_needed else None
    ctx = Context(
        targets=[Path(p["path"]) for p in packages],
        cuirass=cuirass,
        cuirass_args=shlex.split(args.cuirass_args),
        ruff=venv_bin("ruff"),
        bandit=venv_bin("bandit"),
    )
    versions = {
        "cuirass": tool_version([str(cuirass)]) if cuirass else None,
        "ruff": tool_version([str(ctx.ruff)]) if "ruff" in tools_needed else None,
        "bandit": tool_version([str(ctx.bandit)]) if "bandit" in tools_needed else None,
    }
    for tool, version in versions.items():
        # A missing cuirass has already said why; the others come from the venv just checked.
        if tool in tools_needed and not (tool == "cuirass" and cuirass is None):
            say(f"  {tool:<8} {version or 'not available'}")

    load = (machine["load_average_at_start"] or [0.0])[0]
    if load > 0.5 * (os.cpu_count() or 1):
        say(f"warning: load average {load:.1f} on {os.cpu_count()} CPUs; timings will be noisy")

    say("runs:")
    warm_page_cache(ctx.targets)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="cuirass-bench-") as tmp:
        for scenario in chosen:
            if scenario.tool == "cuirass" and cuirass is None:
                results.append(Result(scenario, [], status="skipped", note="no cuirass binary"))
                continue
            runs = args.bandit_runs if scenario.slow else args.runs
            results.append(run_scenario(scenario, ctx, runs, Path(tmp)))

    print_table(results, args.baseline, sum(p["python_lines"] for p in packages))
    out = args.output or RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    write_results(out, results_document(args, started, machine, packages, versions, results))
    say(f"results written to {out}")
    return 1 if any(r.status == "failed" for r in results) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
