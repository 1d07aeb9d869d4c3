"""The examples in the package's docstrings run, against the installed package."""

from __future__ import annotations

import doctest
import os
import types

import pytest

from cuirass import (
    crypto,
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


@pytest.mark.parametrize(
    "module",
    [crypto, mfa, monitor, passwords, rbac, secrets, sessions, signing, validation, web],
    ids=lambda m: m.__name__,
)
def test_docstring_examples(module: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "environ", dict(os.environ))
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0, f"{module.__name__} has no examples"
    assert result.failed == 0
