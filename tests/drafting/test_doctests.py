"""The Examples sections of the drafting docstrings are run, so they cannot drift."""

from __future__ import annotations

import doctest

from respite.drafting import gazetteer


def test_docstring_examples() -> None:
    result = doctest.testmod(gazetteer, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
