"""The one error tree: every class declares the HTTP answer it maps to, and the handler uses it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import respite
from respite.errors import (
    AlreadyExists,
    Conflict,
    InvalidInput,
    LedgerError,
    NotFound,
    RespiteError,
    VersionConflict,
)


def _every_module() -> None:
    # A subclass declared anywhere in the package counts: import every module first.
    for info in pkgutil.walk_packages(respite.__path__, "respite."):
        if ".migrations.versions" in info.name or info.name.endswith(".migrations.env"):
            continue  # run by Alembic, not importable on their own
        importlib.import_module(info.name)


def _subclasses(cls: type[RespiteError]) -> list[type[RespiteError]]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_every_error_class_declares_its_http_answer() -> None:
    _every_module()
    classes = _subclasses(RespiteError)
    assert LedgerError in classes and VersionConflict in classes
    missing = [c.__qualname__ for c in classes if c.http_status is None]
    assert missing == []
    for cls in classes:
        assert cls.http_status is not None and 400 <= cls.http_status <= 599, cls
        assert cls.problem_type and cls.problem_type != "internal", cls
        assert cls.title, cls


def test_every_error_class_is_declared_in_the_error_module() -> None:
    _every_module()
    assert {c.__module__ for c in _subclasses(RespiteError)} == {"respite.errors"}


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput("bad", location="x"), 422),
        (NotFound("no such pause"), 404),
        (Conflict("clash"), 409),
        (AlreadyExists("taken"), 409),
        (VersionConflict("pause 'p'", expected=1, current=2), 412),
        (LedgerError("the audit head moved"), 503),
    ],
)
def test_the_class_decides_the_status_and_detail_is_the_sentence(
    error: RespiteError, status: int
) -> None:
    assert type(error).http_status == status
    assert error.detail == str(error)
