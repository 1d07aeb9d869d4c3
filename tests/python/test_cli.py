"""The command line as users call it once the wheel is installed: the `cuirass` console script
and `python -m cuirass`, both the Rust CLI reached through `cuirass._native.run`."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import cuirass

SCRIPT = shutil.which("cuirass", path=str(pathlib.Path(sys.executable).parent))

COMMANDS = {
    "console script": [SCRIPT],
    "python -m cuirass": [sys.executable, "-m", "cuirass"],
}


def run(
    command: list[str | None], *args: str, cwd: pathlib.Path | None = None
) -> subprocess.CompletedProcess[str]:
    assert None not in command, "the `cuirass` console script is not installed next to python"
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [*command, *args],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
        check=False,
    )


@pytest.fixture
def project(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "app.py").write_text(
        "import pickle\n\n\ndef load(data):\n    return pickle.loads(data)\n", encoding="utf-8"
    )
    return tmp_path


@pytest.fixture
def clean_project(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "ok.py").write_text("import json\n\nprint(json.dumps({}))\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_version(command: list[str | None]) -> None:
    result = run(command, "--version")
    assert result.returncode == 0, result.stderr
    assert cuirass.__version__ in result.stdout
    assert result.stdout.startswith("cuirass ")


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_check_reports_a_finding_and_exits_1(
    command: list[str | None], project: pathlib.Path
) -> None:
    result = run(command, "check", str(project))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "pickle-load" in result.stdout
    assert "app.py" in result.stdout


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_check_clean_project_exits_0(
    command: list[str | None], clean_project: pathlib.Path
) -> None:
    result = run(command, "check", str(clean_project))
    assert result.returncode == 0, (result.stdout, result.stderr)


def test_json_report_through_python(project: pathlib.Path) -> None:
    result = run(COMMANDS["python -m cuirass"], "check", "--format", "json", str(project))
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    rules = json.dumps(report)
    assert "pickle-load" in rules


def test_usage_error_exits_2_and_names_the_program() -> None:
    result = run(COMMANDS["python -m cuirass"], "no-such-command")
    assert result.returncode == 2
    assert "cuirass" in result.stderr
    assert "__main__" not in result.stderr


def test_native_run_returns_the_exit_code(
    project: pathlib.Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from cuirass import _native

    assert _native.run(["cuirass", "check", str(project)]) == 1
    out, _ = capfd.readouterr()
    assert "pickle-load" in out
