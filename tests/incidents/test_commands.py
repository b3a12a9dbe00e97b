"""``respite incidents ...``: imports (ACLED, mapped CSV, GeoJSON) with their summary,
rejected rows and exit codes; field reports, review and listing; compliance reports to a
file. On a bootstrapped SQLite service database (the commands are the same on PostgreSQL;
the store is tested on both)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from incident_helpers import write_acled
from rich.console import Console
from sqlalchemy import func, select

import respite.cli
from respite.accounts.model import OrganisationKind
from respite.accounts.service import create_organisation
from respite.api.bootstrap import ensure_ready
from respite.audit.tables import AuditHead
from respite.cli import main
from respite.incidents import import_commands
from respite.incidents.commands import add_parsers
from respite.incidents.tables import ImportRunRow, IncidentRow
from respite.storage import make_engine, session_factory

Run = Callable[..., tuple[int, str, str]]
NOW = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'var' / 'respite.db'}"
    engine = make_engine(url)
    try:
        ensure_ready(engine, scenario="gaza-2023-2024")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database: str) -> Run:
    """``respite`` (with the incidents commands, registered here unless cli.py does) on the
    test database."""
    original = respite.cli._service_commands

    def with_incidents(sub: Any) -> None:
        original(sub)
        if "incidents" not in sub.choices:
            add_parsers(sub)

    monkeypatch.setattr(respite.cli, "_service_commands", with_incidents)

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main([*argv, "--database", database])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def table_counts(out: str) -> list[int]:
    """The summary table's row: read, inserted, updated, unchanged, rejected."""
    [row] = [line for line in out.splitlines() if line.startswith("│")]
    return [int(cell.replace(",", "")) for cell in row.strip("│ ").split("│")]


def stored(database: str) -> dict[str, Any]:
    engine = make_engine(database)
    try:
        with session_factory(engine)() as session:
            head = session.get(AuditHead, 1)
            assert head is not None
            return {
                "incidents": session.scalar(select(func.count()).select_from(IncidentRow)),
                "runs": session.scalar(select(func.count()).select_from(ImportRunRow)),
                "audit": head.last_seq,
            }
    finally:
        engine.dispose()


def test_an_acled_import_reports_its_counts_and_every_rejected_row(
    run: Run, database: str, tmp_path: Path
) -> None:
    path = write_acled(tmp_path / "acled.csv", 120, bad=(3, 60, 61))
    errors = tmp_path / "errors.csv"
    code, out, err = run(
        "incidents", "import", "acled", str(path), "--visibility", "public",
        "--errors-to", str(errors), "--batch-size", "50",
    )  # fmt: skip
    assert code == 0, err
    assert "import run 1 (acled)" in out
    assert table_counts(out) == [120, 117, 0, 0, 3]
    assert f"{path}: row[5].latitude: 'north' is not a number" in err
    assert "3 ROW(S) REJECTED" in err
    with errors.open(encoding="utf-8", newline="") as file:
        listed = list(csv.reader(file))
    assert listed == [
        ["row", "location", "message"],
        ["row[5]", "row[5].latitude", "'north' is not a number"],
        ["row[62]", "row[62].latitude", "'north' is not a number"],
        ["row[63]", "row[63].latitude", "'north' is not a number"],
    ]
    after_first = stored(database)
    assert after_first["incidents"] == 117
    code, out, err = run("incidents", "import", "acled", str(path), "--batch-size", "50")
    assert code == 0, err
    assert table_counts(out) == [120, 0, 0, 117, 3]
    assert stored(database) == after_first | {"runs": 2}
    code, out, err = run("incidents", "runs", "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [(r["id"], r["state"], r["file_name"]) for r in listed] == [
        (2, "completed", "acled.csv"),
        (1, "completed", "acled.csv"),
    ]
    assert listed[1]["counts"] == {
        "read": 120,
        "inserted": 117,
        "updated": 0,
        "unchanged": 0,
        "rejected": 3,
    }
    assert listed[1]["file_sha256"] == listed[0]["file_sha256"]
    assert [p["location"] for p in listed[1]["problems"]] == [
        "row[5].latitude",
        "row[62].latitude",
        "row[63].latitude",
    ]
    assert listed[1]["options"] == {"reader": "acled", "timezone": "Asia/Gaza"}


def test_only_the_first_rejected_rows_are_printed_and_the_rest_counted(
    run: Run, tmp_path: Path
) -> None:
    path = write_acled(tmp_path / "acled.csv", 80, bad=range(0, 80, 1))
    code, _, err = run("incidents", "import", "acled", str(path))
    # Every row rejected: nothing could be imported, which is bad input.
    assert code == 2
    lines = [line for line in err.splitlines() if "'north' is not a number" in line]
    assert len(lines) == import_commands.SHOWN
    assert "... and 30 more problem(s) (use --errors-to FILE for all)" in err
    assert "80 ROW(S) REJECTED" in err


def test_a_mapped_csv_and_a_geojson_file_import_into_their_datasets(
    run: Run, database: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "reports.csv"
    sheet.write_text(
        "Report,When,Lat,Lon,Kind,Killed\n"
        "R1,2024-09-02T10:15:00+03:00,31.4171,34.3510,Shelling,2\n"
        "R2,2024-09-03T11:00:00+03:00,31.4200,34.3600,Air strike,\n",
        encoding="utf-8",
    )
    mapping = ["id=Report", "occurred_at=When", "lat=Lat", "lon=Lon", "event_type=Kind"]
    mapping += ["fatalities=Killed", "radius_m=250"]
    flags = [f"--map={pair}" for pair in mapping]
    code, _, err = run("incidents", "import", "csv", str(sheet), *flags)
    assert code == 2
    assert "--dataset" in err
    code, out, err = run("incidents", "import", "csv", str(sheet), *flags, "--dataset", "ngo")
    assert code == 0, err
    assert table_counts(out) == [2, 2, 0, 0, 0]
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "G1",
                "geometry": {"type": "Point", "coordinates": [34.351, 31.4171]},
                "properties": {
                    "occurred_at": "2024-09-02T10:15:00+03:00",
                    "radius_m": 100,
                    "event_type": "Shelling",
                },
            }
        ],
    }
    shapes = tmp_path / "reports.geojson"
    shapes.write_text(json.dumps(features), encoding="utf-8")
    code, out, err = run("incidents", "import", "geojson", str(shapes), "--dataset", "shapes")
    assert code == 0, err
    code, out, err = run("incidents", "list", "--json")
    assert code == 0, err
    listed = json.loads(out)["incidents"]
    assert sorted((i["source"], i["dataset"], i["source_key"]) for i in listed) == [
        ("csv", "ngo", "R1"),
        ("csv", "ngo", "R2"),
        ("geojson", "shapes", "G1"),
    ]
    r2 = next(i for i in listed if i["source_key"] == "R2")
    assert r2["fatalities"] is None
    assert r2["occurred"]["from_local"] == "2024-09-03T11:00:00+03:00"
    code, _, err = run(
        "incidents", "import", "csv", str(sheet), "--map=lat=Nowhere", "--dataset", "x"
    )
    assert code == 2
    assert "mapping" in err


def test_a_dataset_belongs_to_the_organisation_that_first_imported_it(
    run: Run, database: str, tmp_path: Path
) -> None:
    engine = make_engine(database)
    try:
        with session_factory(engine).begin() as session:
            create_organisation(
                session, slug="water-aid", name="Water aid", kind=OrganisationKind.AID, now=NOW
            )
    finally:
        engine.dispose()
    path = write_acled(tmp_path / "acled.csv", 3)
    assert run("incidents", "import", "acled", str(path))[0] == 0
    before = stored(database)
    code, _, err = run("incidents", "import", "acled", str(path), "--owner", "water-aid")
    assert code == 2
    assert "dataset 'acled' (acled) belongs to another organisation" in err
    assert stored(database) == before
    code, out, err = run(
        "incidents", "import", "acled", str(path), "--owner", "water-aid", "--dataset", "acled-wa"
    )
    assert code == 0, err
    assert table_counts(out) == [3, 3, 0, 0, 0]
    code, _, err = run("incidents", "import", "acled", str(path), "--owner", "nobody")
    assert (code, "no organisation 'nobody' (--owner)" in err) == (2, True)


def test_the_progress_bar_follows_the_bytes_read(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(
        import_commands,
        "progress_console",
        lambda: Console(file=screen, force_terminal=True, width=120),
    )
    path = write_acled(tmp_path / "acled.csv", 300)
    code, _, err = run("incidents", "import", "acled", str(path), "--batch-size", "100")
    assert code == 0, err
    drawn = screen.getvalue()
    assert "acled.csv" in drawn
    assert "300 rows, 0 rejected" in drawn
    size = path.stat().st_size
    assert f"{size / 1000:.1f}/{size / 1000:.1f} kB" in drawn


def test_a_field_report_is_added_reviewed_and_listed(run: Run, database: str) -> None:
    code, out, err = run(
        "incidents", "add", "--at", "2024-09-02T10:15", "--uncertainty-minutes", "10",
        "--lon", "34.351", "--lat", "31.4171", "--radius", "50", "--type", "Shelling",
        "--fatalities", "2", "--visibility", "public", "--reference", "DB-1",
    )  # fmt: skip
    assert code == 0, err
    assert "Mon 2024-09-02 10:05-10:26 (Asia/Gaza, UTC+03:00)" in out
    incident_id = out.split()[1]
    code, out, _ = run("incidents", "list", "--public")
    assert out.strip().endswith("0 of 0 incident(s)")
    code, out, err = run("incidents", "review", incident_id, "--state", "verified")
    assert code == 0, err
    assert out.startswith("version 2: ")
    assert "verified" in out
    code, out, _ = run("incidents", "list", "--public", "--state", "verified")
    assert incident_id in out
    assert out.strip().endswith("1 of 1 incident(s)")
    code, _, err = run("incidents", "review", incident_id, "--state", "rejected")
    assert code == 2
    assert "is verified" in err
    code, _, err = run("incidents", "add", "--lon", "34.3", "--lat", "31.4", "--type", "x")
    assert code == 2
    assert "occurred_at" in err
    code, _, err = run("incidents", "list", "--tz", "Mars/Olympus")
    assert (code, "unknown time zone" in err) == (2, True)


@pytest.mark.usefixtures("join_engine")
def test_a_compliance_report_is_written_saying_what_it_counted(run: Run, tmp_path: Path) -> None:
    code, out, err = run(
        "incidents", "add", "--at", "2024-09-02T10:15", "--lon", "34.351", "--lat", "31.4171",
        "--type", "Shelling", "--visibility", "public",
    )  # fmt: skip
    assert code == 0, err
    target = tmp_path / "report.json"
    code, out, err = run(
        "incidents", "report", "polio-round-1-2024-09", "--format", "json", "-o", str(target)
    )
    assert code == 0, err
    body = json.loads(target.read_text("utf-8"))
    assert body["incidents"]["scope"] == "all"
    assert body["summary"]["during"]["inside"] == 1
    assert "incidents counted: every organisation's incidents" in err
    code, out, err = run("incidents", "report", "polio-round-1-2024-09", "--public")
    assert code == 0, err
    public = json.loads(out)
    assert (public["incidents"]["scope"], public["summary"]["during"]["inside"]) == ("public", 0)
    html = tmp_path / "report.html"
    code, _, err = run(
        "incidents", "report", "polio-round-1-2024-09", "--format", "html", "-o", str(html)
    )
    assert code == 0, err
    assert "Incidents counted: every organisation" in html.read_text("utf-8")
    code, _, err = run("incidents", "report", "no-such-pause")
    assert (code, "no pause 'no-such-pause'" in err) == (2, True)
