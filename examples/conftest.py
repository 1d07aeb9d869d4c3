"""A guard: the example tests must run against the installed ``cuirass`` wheel.

``pytest.ini`` puts this directory on ``sys.path`` for the example packages (``flask_app``,
``django_app``, ``fastapi_app``) and ``webcheck``; nothing puts the source tree's ``python/``
there. If ``cuirass`` was imported from it anyway, the run is void, and this says so.
"""

from __future__ import annotations

import pathlib
import sysconfig

import cuirass

SOURCE_TREE = pathlib.Path(__file__).resolve().parents[1] / "python"
_installed = pathlib.Path(cuirass.__file__).resolve()
if SOURCE_TREE in _installed.parents:
    raise RuntimeError(
        f"cuirass was imported from the source tree ({_installed}); the example tests must run "
        "against the installed wheel: use scripts/test-python"
    )
_site = {pathlib.Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
if not _site & set(_installed.parents):
    raise RuntimeError(f"cuirass was imported from {_installed}, not from site-packages")
