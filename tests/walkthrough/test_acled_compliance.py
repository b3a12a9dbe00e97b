"""The issue's "done when": a monitor imports an ACLED export for Gaza and gets compliance
reports for the Nov 2023 truce and the Sep 2024 polio round that a reviewer can recompute.

Everything goes through the command line, as a monitor would use it, on a fresh SQLite store.
The expected figures are the hand computation written out in data/README.md; a second check
recomputes every listed event's class from the raw rule (time span against the row, disc
against the zone) with shapely, independently of the engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from shapely import union_all
from shapely.geometry import Point

from respite.cli import main
from respite.geometry import AreaCatalogue, LocalProjection

DATA = Path(__file__).with_name("data") / "acled_gaza_sample.csv"
TRUCE = "truce-2023-11-24"
POLIO = "polio-round-1-2024-09"
ZONES = {
    "gaza-strip": ["PS0255", "PS0260", "PS0265", "PS0270", "PS0275"],
    "central": ["PS0265"],
    "south": ["PS0270", "PS0275"],
    "north": ["PS0255", "PS0260"],
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("RESPITE_DATABASE_URL", f"sqlite:///{tmp_path / 'respite.db'}")
    code, _, _ = run(capsys, "db", "init", "--scenario", "gaza-2023-2024")
    assert code == 0
    return tmp_path


def report(capsys: pytest.CaptureFixture[str], folder: Path, pause: str) -> dict[str, Any]:
    target = folder / f"{pause}.json"
    code, _, _ = run(capsys, "incidents", "report", pause, "--format", "json", "-o", str(target))
    assert code == 0
    body: dict[str, Any] = json.loads(target.read_text())
    return body


def counts(section: dict[str, Any]) -> tuple[int, int, int]:
    return section["inside"], section["possibly"], section["outside"]


def keyed(body: dict[str, Any], phase: str, part: str | None = None) -> dict[str, str]:
    return {
        e["key"].removeprefix("acled-gaza:"): e["class"]
        for e in body["events"]
        if e["phase"] == phase and (part is None or e["part"] == part)
    }


def test_a_monitor_checks_the_truce_and_the_polio_round(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1. Import: good rows in, bad rows named by row and column, not dropped silently.
    code, out, err = run(
        capsys, "incidents", "import", "acled", str(DATA), "--dataset", "acled-gaza"
    )
    assert code == 0
    assert "5 ROW(S) REJECTED" in err
    for problem in (
        "row[22].latitude",
        "row[23].event_date",
        "row[24].fatalities",
        "row[25].latitude: latitude 34.4667 and longitude 31.5017 look swapped",
        "row[26].time_precision",
    ):
        assert problem in out + err
    # Importing the same export again changes nothing.
    code, out, _ = run(capsys, "incidents", "import", "acled", str(DATA), "--dataset", "acled-gaza")
    assert code == 0
    assert "│   25 │        0 │       0 │        20 │        5 │" in out

    # 2. The truce: the hand computation of data/README.md.
    truce = report(capsys, store, TRUCE)
    summary = truce["summary"]
    assert counts(summary["during"]) == (2, 6, 1)
    assert summary["during"]["fatalities"] == {
        "inside": 1,
        "possibly": 21,
        "unknown_inside": 0,
        "unknown_possibly": 1,
    }
    assert keyed(truce, "during") == {
        "PSE90002": "inside",
        "PSE90003": "inside",
        "PSE90001": "possibly",
        "PSE90004": "possibly",
        "PSE90005": "possibly",
        "PSE90007": "possibly",
        "PSE90010": "possibly",
        "PSE90011": "possibly",
    }
    assert keyed(truce, "before") == dict.fromkeys(["PSE90001", "PSE90010", "PSE90011"], "possibly")
    assert keyed(truce, "after") == {"PSE90007": "possibly"}
    assert keyed(truce, "baseline") == {
        "PSE90006": "inside",
        **dict.fromkeys(["PSE90001", "PSE90010", "PSE90011", "PSE90012"], "possibly"),
    }
    [day] = truce["parts"][0]["baseline"]["days"]
    assert (day["start"]["text"], day["end"]["text"]) == (
        "2023-11-17 07:00 EET (Asia/Gaza)",
        "2023-11-24 07:00 EET (Asia/Gaza)",
    )

    # 3. The polio round: ACLED's day-dated events are never inside a 9-hour window...
    polio = report(capsys, store, POLIO)
    assert all(e["class"] == "possibly" for e in polio["events"])
    parts = {p["id"]: p for p in polio["parts"]}
    assert counts(parts["central"]["during"]) == (0, 1, 2)
    assert counts(parts["south"]["during"]) == (0, 1, 0)
    assert counts(parts["north"]["during"]) == (0, 2, 0)
    assert keyed(polio, "during", "central") == {"PSE90021": "possibly"}
    assert keyed(polio, "during", "north") == {"PSE90024": "possibly", "PSE90028": "possibly"}
    assert keyed(polio, "baseline", "central") == {"PSE90025": "possibly"}
    assert "PSE90027" not in {e["key"].removeprefix("acled-gaza:") for e in polio["events"]}

    # ... while a field report timed to the quarter hour, 100 m precise, is.
    code, out, _ = run(
        capsys,
        "incidents", "add", "--at", "2024-09-02T10:30:00+03:00", "--uncertainty-minutes", "15",
        "--lon", "34.3830", "--lat", "31.4230", "--radius", "100",
        "--type", "Explosions/Remote violence", "--location", "Maghazi",
        "--reference", "FT-0902",
    )  # fmt: skip
    assert code == 0
    polio = report(capsys, store, POLIO)
    parts = {p["id"]: p for p in polio["parts"]}
    assert counts(parts["central"]["during"]) == (1, 1, 2)
    [field] = [e for e in polio["events"] if e["class"] == "inside"]
    assert (field["part"], field["window"], field["time"], field["place"]) == (
        "central",
        2,
        "within",
        "within",
    )

    # 4. A reviewer recomputes every listed event from the rule itself.
    for body in (truce, polio):
        assert body["pairs_listed"] == body["pairs_total"] == len(body["events"])
        recompute(body)


def recompute(body: dict[str, Any]) -> None:
    catalogue = AreaCatalogue.bundled()
    zones = {
        part: union_all([catalogue.governorate(code).geometry for code in codes])
        for part, codes in ZONES.items()
    }
    for event in body["events"]:
        lo, hi = event["occurred_from"]["utc"], event["occurred_until"]["utc"]
        start, end = event["row"]["start"]["utc"], event["row"]["end"]["utc"]
        assert lo < end and hi > start  # ISO 8601 UTC strings of one form compare as times
        time = "within" if start <= lo and hi <= end else "overlaps"
        zone = zones[event["part"]]
        projection = LocalProjection.around(zone)
        metric = projection.to_metric(zone)
        point = projection.to_metric(Point(event["lon"], event["lat"]))
        radius = event["radius_m"]
        assert metric.distance(point) <= radius
        inside = metric.contains(point) and metric.boundary.distance(point) >= radius
        place = "within" if inside else "overlaps"
        klass = "inside" if (time, place) == ("within", "within") else "possibly"
        assert (event["time"], event["place"], event["class"]) == (time, place, klass), event["key"]
