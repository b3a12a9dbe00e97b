"""Fixtures for the drafts tests: the API tests' helpers, loaded by path as ``api_helpers``.

tests/ is not a package (pytest runs with --import-mode=importlib), so shared code is loaded
by path, as tests/incidents and tests/movements do.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_HELPERS = Path(__file__).resolve().parents[1] / "api" / "helpers.py"

if "api_helpers" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("api_helpers", _HELPERS)
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["api_helpers"] = _module
    _spec.loader.exec_module(_module)
