"""The package as installed: version, typing marker, stubs, documented public API."""

from __future__ import annotations

import importlib.resources
import inspect
import re
import types
import typing

import pytest

import cuirass
from cuirass import (
    crypto,
    exceptions,
    mfa,
    monitor,
    passwords,
    rbac,
    secrets,
    sessions,
    signing,
    validation,
    web,
)

PUBLIC_MODULES = (
    cuirass,
    crypto,
    exceptions,
    mfa,
    monitor,
    passwords,
    rbac,
    secrets,
    sessions,
    signing,
    validation,
    web,
)


def test_version_is_the_crate_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", cuirass.__version__)
    from importlib.metadata import version

    assert version("cuirass") == cuirass.__version__


def test_ships_typing_marker_and_stubs() -> None:
    files = importlib.resources.files("cuirass")
    assert files.joinpath("py.typed").is_file()
    stub = files.joinpath("_native.pyi").read_text(encoding="utf-8")
    assert "def hash_password(" in stub


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda m: m.__name__)
def test_every_public_name_is_documented(module: types.ModuleType) -> None:
    assert module.__doc__ and module.__doc__.strip()
    undocumented = []
    for name in module.__all__:
        obj = getattr(module, name)
        # Modules, constants and type aliases (`Literal[...]`, which are callable) have no
        # docstrings of their own.
        if (
            isinstance(obj, types.ModuleType)
            or not callable(obj)
            or typing.get_origin(obj) is not None
        ):
            continue
        if not (inspect.getdoc(obj) or "").strip():
            undocumented.append(name)
        if inspect.isclass(obj) and obj.__module__.startswith("cuirass"):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not callable(member):
                    continue
                if not (inspect.getdoc(member) or "").strip():
                    undocumented.append(f"{name}.{attr}")
    assert undocumented == []


def test_exception_hierarchy() -> None:
    assert issubclass(cuirass.ValidationError, ValueError)
    assert issubclass(cuirass.InvalidHash, ValueError)
    assert issubclass(cuirass.SignatureExpired, cuirass.BadSignature)
    for error in (
        cuirass.ValidationError,
        cuirass.InvalidHash,
        cuirass.BadSignature,
        cuirass.InvalidToken,
        cuirass.EnvVarError,
    ):
        assert issubclass(error, cuirass.CuirassError)
