"""Shared fixtures: the real scenario, and small named pause files under tests/data/."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from respite.engine import CoverageEngine
from respite.pauses import Pause
from respite.scenarios import load_scenario

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def scenario() -> Sequence[Pause]:
    return load_scenario("gaza-2023-2024")


@pytest.fixture(scope="session")
def engine(scenario: Sequence[Pause]) -> CoverageEngine:
    return CoverageEngine(scenario)


@pytest.fixture
def data_dir() -> Path:
    return DATA
