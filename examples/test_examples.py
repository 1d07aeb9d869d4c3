"""What holds for the three examples together: a README and a page each, nothing for the auditor."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
APPS = ("flask_app", "django_app", "fastapi_app")


@pytest.mark.parametrize("app", APPS)
def test_each_example_has_its_readme_and_page(app: str) -> None:
    readme = (HERE / app / "README.md").read_text(encoding="utf-8")
    assert "pip install cuirass" in readme
    assert "nonce" in (HERE / app / "templates" / "index.html").read_text(encoding="utf-8")


def test_cuirass_check_finds_nothing_and_nothing_is_suppressed() -> None:
    # The installed command line, as a user runs it on their project.
    result = subprocess.run(
        [sys.executable, "-m", "cuirass", "check", str(HERE), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["findings"] == [], result.stdout
    assert report["run"]["suppressed_inline"] == 0
    assert result.returncode == 0, result.stderr
