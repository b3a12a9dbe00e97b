"""The Examples sections in the schedule docstrings must run and be right."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from respite.schedule import intervals, recurrence, windows


@pytest.mark.parametrize("module", [intervals, recurrence, windows], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, raise_on_error=False, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
