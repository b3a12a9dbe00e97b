"""The public surface: what ``respite`` and ``respite.export`` export is exactly what they
name in ``__all__`` (in the manner of httpx's tests/test_exported_members.py), each name is the
real object from its home module, and the documented examples run."""

from __future__ import annotations

import doctest
import importlib
import inspect
from datetime import datetime
from types import ModuleType

import pytest

import respite
from respite import export

# Modules whose docstrings carry the examples a newcomer copies first.
DOCUMENTED = [
    "respite",
    "respite.export",
    "respite.pauses",
    "respite.engine.coverage",
    "respite.engine.route",
    "respite.geometry.areas",
    "respite.geometry.geojson",
    "respite.geometry.metric",
    "respite.schedule.intervals",
    "respite.schedule.recurrence",
    "respite.schedule.windows",
]


def _public_members(module: ModuleType) -> list[str]:
    return sorted(
        (
            name
            for name, value in vars(module).items()
            if (not name.startswith("_") or name == "__version__")
            and not isinstance(value, ModuleType)
            and name != "annotations"
        ),
        key=str.casefold,
    )


def test_the_package_exports_exactly_what_all_names() -> None:
    assert sorted(respite.__all__, key=str.casefold) == _public_members(respite)


def test_export_names_every_function_it_defines() -> None:
    defined = {
        name
        for name, value in vars(export).items()
        if inspect.isfunction(value)
        and value.__module__ == export.__name__
        and not name.startswith("_")
    }
    assert defined <= set(export.__all__)
    assert all(hasattr(export, name) for name in export.__all__)


@pytest.mark.parametrize("module", [respite, export], ids=lambda m: m.__name__)
def test_every_export_is_the_object_from_its_home_module(module: ModuleType) -> None:
    for name in module.__all__:
        value = getattr(module, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        home = importlib.import_module(value.__module__)
        assert value.__module__.startswith("respite."), name
        assert getattr(home, value.__name__) is value, name


def test_every_public_function_documents_its_parameters_and_result() -> None:
    for name in export.__all__:
        value = getattr(export, name)
        if inspect.isfunction(value):
            doc = inspect.getdoc(value) or ""
            assert "Parameters\n----------" in doc, name
            assert "Returns\n-------" in doc, name


@pytest.mark.parametrize("name", DOCUMENTED)
def test_documented_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0


def test_export_refuses_a_naive_datetime_naming_the_argument() -> None:
    pauses = respite.load_scenario("gaza-2023-2024")
    with pytest.raises(respite.InvalidInput) as caught:
        export.cap_alerts(
            pauses,
            sender="respite@example.org",
            start=datetime(2024, 9, 1),
            end=datetime(2024, 9, 2),
        )
    assert caught.value.problems[0].location == "start"
