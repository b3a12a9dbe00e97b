"""``respite compliance report|convert``: every engine and input form gives the library's
report, bad rows are refused with each named, and the arguments are checked."""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from distributed import LocalCluster
from rich.console import Console

from respite.compliance.columnar import EVENTS_SCHEMA, events_to_arrow
from respite.compliance.commands import EXIT_BAD_INPUT, EXIT_OK, add_parsers
from respite.compliance.event_table import EventTable
from respite.compliance.report.build import build_report
from respite.compliance.windows import ReportOptions, ReportPlan
from respite.errors import InvalidInput, NotFound
from respite.pauses import Pause

_spec = importlib.util.spec_from_file_location("brute", Path(__file__).parent / "brute.py")
assert _spec is not None and _spec.loader is not None
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)

PAUSE = "polio-round-1-2024-09"
DATA = Path(__file__).parent.parent / "data"


def run(*argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="respite")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([str(a) for a in argv])
    result: int = args.handler(args, Console(highlight=False))
    return result


@pytest.fixture(scope="module")
def pause(scenario: tuple[Pause, ...]) -> Pause:
    return next(p for p in scenario if p.id == PAUSE)


@pytest.fixture(scope="module")
def table(pause: Pause) -> EventTable:
    plan = ReportPlan.build(pause, options=ReportOptions())
    rng = np.random.default_rng(11)
    n = 400
    t_lo = plan.first_start + rng.integers(-9 * 86_400, 14 * 86_400, n)

    def pick(values: tuple[Any, ...]) -> np.ndarray:
        out = np.empty(n, dtype=object)
        out[:] = [values[i] for i in rng.integers(0, len(values), n)]
        return out

    return EventTable(
        key=np.array([f"ev-{i}" for i in range(n)], dtype=object),
        lon=plan.projection.lon0 + rng.uniform(-0.12, 0.12, n),
        lat=plan.projection.lat0 + rng.uniform(-0.12, 0.12, n),
        t_lo=t_lo.astype(np.int64),
        t_hi=(t_lo + rng.choice([60, 3_600, 86_400], n)).astype(np.int64),
        radius_m=rng.choice([0.0, 2_000.0], n),
        event_type=pick(("Airstrike", "Shelling")),
        fatalities=rng.integers(-1, 4, n).astype(np.int64),
        time_precision=pick(("hour", "day")),
        geo_precision=pick(("exact", "town")),
        location=pick(("Deir al-Balah", None)),
    )


@pytest.fixture(scope="module")
def expected(pause: Pause, table: EventTable) -> dict[str, Any]:
    report = build_report(pause, table, options=ReportOptions(), pairs_of=brute.brute_join)
    result: dict[str, Any] = report.to_json()
    return result


@pytest.fixture
def parquet(tmp_path: Path, table: EventTable) -> Path:
    path = tmp_path / "events.parquet"
    pq.write_table(events_to_arrow(table), path, row_group_size=90)
    return path


def write_csv(path: Path, table: EventTable) -> Path:
    arrow = events_to_arrow(table).to_pylist()
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=EVENTS_SCHEMA.names)
        writer.writeheader()
        for row in arrow:
            row["t_lo"] = row["t_lo"].isoformat()
            row["t_hi"] = int(row["t_hi"].timestamp())
            writer.writerow(row)
    return path


def report_json(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return result


@pytest.mark.parametrize("engine", ["respite", "duckdb"])
def test_report_from_parquet_equals_the_library_report(
    tmp_path: Path, parquet: Path, expected: dict[str, Any], engine: str
) -> None:
    out = tmp_path / "report.json"
    argv = ["compliance", "report", "--events", parquet, "--pause", PAUSE]
    assert run(*argv, "--engine", engine, "--batch-rows", "70", "-o", out) == EXIT_OK
    assert report_json(out) == expected
    assert expected["events_seen"] == 400
    during = expected["summary"]["during"]
    assert during["inside"] > 0
    assert during["possibly"] > 0


def test_report_from_csv_equals_the_one_from_parquet(
    tmp_path: Path, table: EventTable, expected: dict[str, Any]
) -> None:
    events = write_csv(tmp_path / "events.csv", table)
    out = tmp_path / "report.json"
    argv = ["compliance", "report", "--events", events, "--pause", PAUSE, "--engine", "duckdb"]
    assert run(*argv, "--batch-rows", "64", "-o", out) == EXIT_OK
    assert report_json(out) == expected


def test_report_on_a_dask_scheduler_equals_the_library_report(
    tmp_path: Path, parquet: Path, expected: dict[str, Any]
) -> None:
    out = tmp_path / "report.json"
    argv = ["compliance", "report", "--events", parquet, "--pause", PAUSE, "--engine", "dask"]
    # A running cluster reached by its scheduler's address, as a real one would be (threads:
    # its in-process address works from this process only, and it starts fast).
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        assert run(*argv, "--scheduler", cluster.scheduler_address, "-o", out) == EXIT_OK
    assert report_json(out) == expected


def test_report_to_stdout_and_in_hxl_and_html(
    tmp_path: Path, parquet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["compliance", "report", "--events", parquet, "--pause", PAUSE, "--engine", "duckdb"]
    assert run(*base) == EXIT_OK
    captured = capsys.readouterr()
    assert json.loads(captured.out)["pause"]["id"] == PAUSE
    assert "400 events read" in captured.err
    hxl, html = tmp_path / "r.csv", tmp_path / "r.html"
    assert run(*base, "--format", "hxl", "-o", hxl) == EXIT_OK
    assert run(*base, "--format", "html", "-o", html) == EXIT_OK
    assert hxl.read_text("utf-8").splitlines()[1].startswith("#")
    assert html.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_bad_rows_are_each_named_and_nothing_is_written(
    tmp_path: Path, table: EventTable, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_csv(tmp_path / "events.csv", table)
    lines = events.read_text("utf-8").splitlines()
    cells = lines[10].split(",")
    cells[1] = "east"  # lon of spreadsheet row 11
    lines[10] = ",".join(cells)
    cells = lines[300].split(",")
    cells[4] = "0"  # t_hi before t_lo on row 301
    lines[300] = ",".join(cells)
    events.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "report.json"
    argv = ["compliance", "report", "--events", events, "--pause", PAUSE, "-o", out]
    assert run(*argv, "--engine", "duckdb") == EXIT_BAD_INPUT
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("row[11].lon: is not a number, got 'east'")
    assert err[1].endswith("row[301].t_hi: must be after t_lo, got '0'")
    assert err[2].endswith("2 bad value(s) in 400 rows; no report written")
    assert not out.exists()


def test_arguments_are_checked(tmp_path: Path, parquet: Path) -> None:
    base = ["compliance", "report", "--events", parquet]
    with pytest.raises(NotFound, match="no pause 'nope'"):
        run(*base, "--pause", "nope")
    with pytest.raises(InvalidInput) as caught:  # open-ended: needs --as-of
        run(*base, "--pause", "kerem-shalom-road-tactical-pause-2024-06")
    assert caught.value.problems[0].location == "--as-of"
    with pytest.raises(InvalidInput) as caught:
        run(*base, "--pause", PAUSE, "--as-of", "2024-09-05T10:00")
    assert caught.value.problems[0].location == "--as-of"
    with pytest.raises(InvalidInput) as caught:
        run(*base, "--pause", PAUSE, "--batch-rows", "0")
    assert caught.value.problems[0].location == "--batch-rows"
    csv_events = tmp_path / "e.csv"
    csv_events.write_text("key,lon,lat,t_lo,t_hi\n")
    with pytest.raises(InvalidInput) as caught:
        run("compliance", "report", "--events", csv_events, "--pause", PAUSE, "--engine", "dask")
    assert "Parquet" in caught.value.problems[0].message
    with pytest.raises(NotFound, match="no scenario or pause file"):
        run(*base, "--pause", PAUSE, "--scenario", "nowhere.yaml")


def test_scenario_may_be_a_pause_file_and_as_of_cuts_the_windows(
    tmp_path: Path, parquet: Path
) -> None:
    out = tmp_path / "r.json"
    argv = ["compliance", "report", "--events", parquet, "--pause", "dst-spring"]
    assert run(*argv, "--scenario", DATA / "dst-daily.yaml", "--engine", "duckdb", "-o", out) == 0
    whole = report_json(out)
    assert whole["pause"]["id"] == "dst-spring"
    cut = ["--as-of", "2024-04-20T12:00+03:00"]
    assert (
        run(*argv, "--pauses", DATA / "dst-daily.yaml", *cut, "--engine", "duckdb", "-o", out) == 0
    )
    assert report_json(out) != whole


ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,location,"
    "latitude,longitude,geo_precision,source,notes,fatalities,iso,country"
)


def acled_row(i: int, precision: str = "1") -> str:
    return (
        f"PSE{i},{1 + i % 9:02d} September 2024,2024,{precision},Explosions/Remote violence,"
        f"Shelling/artillery/missile attack,Military Forces,Deir al-Balah,31.{4100 + i},"
        f'34.{3500 + i},1,Source,"line one\nline two",{i % 3},275,Palestine'
    )


def test_convert_acled_then_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "acled.csv"
    source.write_text("\n".join([ACLED_HEADER, *(acled_row(i) for i in range(30))]) + "\n")
    events = tmp_path / "events.parquet"
    assert run("compliance", "convert", "acled", source, "-o", events, "--batch-rows", "7") == 0
    assert "30 rows read, 30 events written" in capsys.readouterr().out
    assert pq.read_table(events).num_rows == 30
    out = tmp_path / "r.json"
    argv = ["compliance", "report", "--events", events, "--pause", PAUSE, "--engine", "duckdb"]
    assert run(*argv, "-o", out) == EXIT_OK
    assert report_json(out)["events_seen"] == 30


def test_convert_refuses_bad_acled_rows_and_other_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "acled.csv"
    rows = [acled_row(0), acled_row(1, precision="9"), acled_row(2)]
    source.write_text("\n".join([ACLED_HEADER, *rows]) + "\n")
    events = tmp_path / "events.parquet"
    assert run("compliance", "convert", "acled", source, "-o", events) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.splitlines()
    assert "row[3].time_precision" in err[0]  # the quoted note spans two lines: record 3
    assert not events.exists()
    with pytest.raises(InvalidInput) as caught:
        run("compliance", "convert", "acled", source, "-o", tmp_path / "events.csv")
    assert caught.value.problems[0].location == "--out"
