"""Fixtures for the incident store, API, import and command tests, on SQLite and PostgreSQL.

The storage and API fixtures are loaded by path (tests/ is not a package), as
tests/movements does; so is the movements tests' cast of users (a coordinator, two aid
organisations' members, a party liaison, an observer, each with a token). The small helpers
the incident tests share are below and importable as the module ``incident_helpers``.
PostgreSQL cases fail, not skip, under ``CI=true`` when no server answers.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from respite.errors import Problem
from respite.events.acled import COLUMNS
from respite.events.record import (
    GeoPrecision,
    IncidentRecord,
    IncidentSource,
    ParsedRow,
    TimePrecision,
)

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path) -> ModuleType:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_api = _load("respite_tests_api_fixtures", HERE.parent / "api" / "conftest.py")
_storage = sys.modules["respite_tests_storage_fixtures"]
_movements = _load("movement_helpers", HERE.parent / "movements" / "helpers.py")
api_helpers = sys.modules["api_helpers"]
# The helpers below, for ``from incident_helpers import ...`` in the test modules.
sys.modules.setdefault("incident_helpers", sys.modules[__name__])

pg_database = _storage.pg_database
backend = _storage.backend
db_url = _storage.db_url
bare_engine = _storage.bare_engine
db_engine = _storage.db_engine
sessions = _storage.sessions
accounts = _storage.accounts

NOW = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)
#: 2 September 2024 07:00 UTC = 10:00 in Gaza (UTC+03:00): inside the polio round's window.
POLIO_DAY = 1_725_260_400


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def service(db_url: str) -> Iterator[Any]:
    """A bootstrapped service (scenario loaded) on SQLite and PostgreSQL."""
    with api_helpers.running(db_url) as svc:
        yield svc


@pytest.fixture
def sqlite_service(tmp_path: Path) -> Iterator[Any]:
    with api_helpers.running(f"sqlite:///{tmp_path / 'var' / 'respite.db'}") as svc:
        yield svc


@pytest.fixture
def cast(service: Any) -> Any:
    return _movements.make_cast(service)


@pytest.fixture
def sqlite_cast(sqlite_service: Any) -> Any:
    return _movements.make_cast(sqlite_service)


# -- helpers -----------------------------------------------------------------------------------


def acled_record(n: int, **changes: Any) -> IncidentRecord:
    """An ACLED-like event: a local day in Gaza at a town's position, key ``PSE{n}``."""
    day = POLIO_DAY - 10 * 3600 + (n % 30) * 86400  # local midnight (UTC+03:00), 30 days
    record = IncidentRecord(
        source=IncidentSource.ACLED,
        source_key=f"PSE{n}",
        occurred_from=day,
        occurred_until=day + 86400,
        time_precision=TimePrecision.DAY,
        lon=34.30 + (n % 97) * 0.002,
        lat=31.30 + (n % 89) * 0.002,
        radius_m=2000.0,
        geo_precision=GeoPrecision.TOWN,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        fatalities=n % 5,
        location=f"Place {n % 13}",
        actors=("Actor A", "Actor B"),
        notes=f"Event number {n}.",
        reported_by="Newspaper",
        attributes={"event_id_cnty": f"PSE{n}", "row": str(n)},
    )
    return replace(record, **changes)


def parsed(n: int, **changes: Any) -> ParsedRow:
    return ParsedRow(f"row[{n + 2}]", acled_record(n, **changes))


def bad_row(n: int, field: str = "event_date", message: str = "not a date") -> ParsedRow:
    location = f"row[{n + 2}]"
    return ParsedRow(location, None, (Problem(f"{location}.{field}", message),))


def acled_cells(n: int, *, fatalities: int | None = None) -> list[str]:
    """Row ``n`` of a generated ACLED export (the 31 standard columns, in order)."""
    day = 1 + n % 28
    deaths = n % 5 if fatalities is None else fatalities
    return [
        f"PSE{n}", f"2024-09-{day:02d}", "2024", "1", "Political violence",
        "Explosions/Remote violence", "Air/drone strike", "Military Forces", "", "8",
        "Civilians (Palestine)", "", "7", "87", "Civilian targeting", "275", "Middle East",
        "Palestine", "Gaza Strip", "Deir El Balah", "", f"Place {n % 13}",
        f"{31.30 + (n % 89) * 0.002:.4f}", f"{34.30 + (n % 97) * 0.002:.4f}", "1",
        "Newspaper", "National", f"On {day} September an air strike hit place {n % 13}.",
        str(deaths), "", "1725321600",
    ]  # fmt: skip


def write_acled(path: Path, count: int, *, first: int = 0, bad: Sequence[int] = ()) -> Path:
    """An ACLED export of ``count`` rows (``bad``: row numbers whose latitude is broken)."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for n in range(first, first + count):
            cells = acled_cells(n)
            if n in bad:
                cells[22] = "north"
            writer.writerow(cells)
    return path


@pytest.fixture
def join_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compliance join engine; while ``respite.compliance.join.index`` is not written yet, the
    brute-force oracle of tests/compliance stands in for it (same signature, same answers)."""
    if importlib.util.find_spec("respite.compliance.join.index") is not None:
        return
    brute = _load("respite_tests_compliance_brute", HERE.parent / "compliance" / "brute.py")
    stand_in = ModuleType("respite.compliance.join.index")
    stand_in.join = brute.brute_join  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "respite.compliance.join.index", stand_in)


#: A field report as a client sends it: shelling seen at 10:15 Gaza time (UTC+03:00) on
#: 2 September 2024 +-10 minutes, in central Gaza during the polio round's window there.
REPORT: dict[str, Any] = {
    "reference": "DB-0902-01",
    "occurred_at": "2024-09-02T10:15:00+03:00",
    "uncertainty_minutes": 10,
    "lon": 34.3510,
    "lat": 31.4171,
    "radius_m": 50,
    "event_type": "Shelling",
    "sub_event_type": "Artillery",
    "fatalities": 2,
    "injured": 5,
    "location": "Deir al-Balah, near the clinic",
    "notes": "Two shells, seen by the vaccination team.",
    "reported_by": "Vaccination team 7",
}


def report_document(**changes: Any) -> dict[str, Any]:
    document = dict(REPORT)
    document.update(changes)
    return {k: v for k, v in document.items() if v is not None}
