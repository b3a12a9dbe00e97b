"""Scenarios shipped with Respite: real pause records, ready to load.

``gaza-2023-2024`` is the default; see ``gaza-2023-2024.yaml`` for its facts and sources.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from respite.errors import NotFound
from respite.pauses.fileformat import parse_pauses
from respite.pauses.resolve import Pause

DEFAULT_SCENARIO = "gaza-2023-2024"


def available_scenarios() -> list[str]:
    """Names of the scenarios shipped in the package."""
    files = resources.files(__name__).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def scenario_text(name: str = DEFAULT_SCENARIO) -> str:
    """The scenario file's text, as shipped."""
    if name not in available_scenarios():
        raise NotFound(f"no scenario {name!r}; shipped: {', '.join(available_scenarios())}")
    return resources.files(__name__).joinpath(f"{name}.yaml").read_text("utf-8")


@cache
def load_scenario(name: str = DEFAULT_SCENARIO) -> tuple[Pause, ...]:
    """The scenario's pauses, validated and resolved (cached: pauses are immutable)."""
    return tuple(parse_pauses(scenario_text(name), name=f"scenario {name}"))
