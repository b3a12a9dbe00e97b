"""The Examples sections of the public docstrings are run, so they cannot drift from the code."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from respite.geometry import areas, geojson, metric


@pytest.mark.parametrize("module", [geojson, metric, areas], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
