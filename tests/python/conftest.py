"""Shared fixtures, and a guard: these tests must run against the installed wheel.

``scripts/test-python`` installs the package into a virtualenv and runs pytest from this
directory with ``--import-mode=importlib``, so nothing puts the source tree's ``python/`` on
``sys.path``. If ``cuirass`` was imported from there anyway, the run is void, and this says so.
"""

from __future__ import annotations

import pathlib
import sysconfig

import cuirass

SOURCE_TREE = pathlib.Path(__file__).resolve().parents[2] / "python"
_installed = pathlib.Path(cuirass.__file__).resolve()
if SOURCE_TREE in _installed.parents:
    raise RuntimeError(
        f"cuirass was imported from the source tree ({_installed}); the tests must run against "
        "the installed wheel: use scripts/test-python"
    )
if pathlib.Path(sysconfig.get_paths()["purelib"]).resolve() not in _installed.parents and (
    pathlib.Path(sysconfig.get_paths()["platlib"]).resolve() not in _installed.parents
):
    raise RuntimeError(f"cuirass was imported from {_installed}, not from site-packages")
