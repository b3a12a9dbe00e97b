"""The compliance join benchmark at toy size, so that it cannot rot between full runs.

Every in-process engine (Respite, shapely, geopandas, DuckDB) must return exactly the pairs,
time and place classes of the brute-force oracle; the checksum must tell pair sets apart, and
compute the same in SQL as in numpy; the harness run end to end must agree with itself, and a
disagreement must fail it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
# benchmarks/ is a package at the repository root, which --import-mode=importlib leaves off
# sys.path; the harness's children find it through their working directory instead.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.compliance_join import duck, harness, pairs, workload  # noqa: E402
from benchmarks.compliance_join.child import runner  # noqa: E402
from benchmarks.compliance_join.outcome import PairArrays  # noqa: E402

from respite.compliance.frame import OVERLAPS, WITHIN, EventColumns, ZoneWindows  # noqa: E402

IN_PROCESS = ("respite", "shapely", "geopandas", "duckdb")
EVENTS, ZONES, SEED = 5_000, 50, 11


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


brute = _load("compliance_brute", ROOT / "tests" / "compliance" / "brute.py")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("compliance")
    workload.write(workload.Spec.scaled(EVENTS, ZONES, SEED, spatial_only=False), directory)
    return directory


@pytest.fixture(scope="module")
def oracle(data: Path) -> PairArrays:
    events, rows = workload.read_events(data), workload.read_rows(data)
    columns = EventColumns(events.x, events.y, events.t_lo, events.t_hi, np.zeros(len(events)))
    zone_windows = ZoneWindows(
        tuple(rows.polygons), np.arange(len(rows), dtype=np.int32), rows.start, rows.end
    )
    found = brute.brute_join(columns, zone_windows)
    return PairArrays.sorted(found.event, found.row, found.time, found.place)


def test_the_toy_workload_exercises_both_time_classes(oracle: PairArrays) -> None:
    # Otherwise the agreement below would prove little about the time classes.
    assert len(oracle) > 100
    assert np.count_nonzero(oracle.time == WITHIN) > 10
    assert np.count_nonzero(oracle.time == OVERLAPS) > 10


@pytest.mark.parametrize("engine", IN_PROCESS)
def test_engine_returns_exactly_the_oracles_pairs(
    engine: str, data: Path, oracle: PairArrays
) -> None:
    # A chunk smaller than the event count, so that chunk offsets are exercised too.
    outcome = runner(engine)(data, 1, 1_234, True)
    got = outcome.pairs
    assert got is not None
    for field in ("event", "row", "time", "place"):
        np.testing.assert_array_equal(getattr(got, field), getattr(oracle, field), err_msg=field)
    assert outcome.summary == oracle.summary(ZONES)
    assert outcome.load_s >= 0 and outcome.join_s > 0


def test_harness_runs_every_engine_in_its_own_process_and_they_agree(
    data: Path, tmp_path: Path, oracle: PairArrays
) -> None:
    argv = ["--events", str(EVENTS), "--zones", str(ZONES), "--seed", str(SEED)]
    argv += ["--engines", ",".join(IN_PROCESS), "--chunk", "2000", "--out-dir", str(tmp_path)]
    assert harness.main(argv) == 0
    document = json.loads((tmp_path / "compliance.json").read_text())
    assert document["ok"] and document["mismatches"] == []
    assert [r["engine"] for r in document["results"]] == list(IN_PROCESS)
    for result in document["results"]:
        assert result["status"] == "ok", result
        assert pairs.Summary.from_json(result["summary"]) == oracle.summary(ZONES)
        assert result["peak_rss_mb"] > 10  # wait4 saw a real Python process
    table = (tmp_path / "compliance.md").read_text()
    assert all(f"| {engine} |" in table for engine in IN_PROCESS)


def test_a_disagreement_is_reported_and_fails_the_run(oracle: PairArrays) -> None:
    good = oracle.summary(ZONES)
    moved = PairArrays(oracle.event, oracle.row.copy(), oracle.time, oracle.place)
    moved.row[0] = (moved.row[0] + 1) % ZONES  # one pair attributed to another zone-window
    bad = moved.summary(ZONES)
    assert (bad.pairs, bad.time_within) == (good.pairs, good.time_within)
    results = [
        {"engine": "respite", "status": "ok", "summary": good.as_json()},
        {"engine": "duckdb", "status": "ok", "summary": bad.as_json()},
    ]
    problems = harness.check_agreement(results)
    assert problems and all(p.startswith("duckdb hash_") for p in problems)


def test_a_failing_engine_fails_the_run_with_its_reason(tmp_path: Path) -> None:
    options = harness.parse_args(["--events", "10", "--zones", "5", "--out-dir", str(tmp_path)])
    result = harness.run_child("shapely", tmp_path / "nowhere", options)
    assert result["status"] == "failed"
    assert "FileNotFoundError" in result["reason"] and "nowhere" in result["reason"]
    assert "Traceback" in result["stderr_tail"]


keys = st.lists(
    st.tuples(st.integers(0, 10_000_000), st.integers(0, pairs.STRIDE - 1)),
    min_size=1,
    max_size=50,
    unique=True,
)


def _summary(found: list[tuple[int, int]]) -> pairs.Summary:
    event = np.array([e for e, _ in found], dtype=np.int64)
    row = np.array([r for _, r in found], dtype=np.int64)
    within = np.full(len(found), WITHIN, dtype=np.int8)
    return pairs.summarise(event, row, within, within, rows=pairs.STRIDE)


@settings(max_examples=200, deadline=None)
@given(found=keys, data=st.data())
def test_checksum_ignores_order_and_sees_any_changed_pair(
    found: list[tuple[int, int]], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(found))
    assert _summary(shuffled) == _summary(found)
    index = data.draw(st.integers(0, len(found) - 1))
    other = data.draw(st.tuples(st.integers(0, 10_000_000), st.integers(0, pairs.STRIDE - 1)))
    assume(other not in found)
    changed = [*found[:index], other, *found[index + 1 :]]
    before, after = _summary(found), _summary(changed)
    assert after.pairs == before.pairs
    # The hash is injective, so the sum moves whenever one pair does.
    assert after.hash_sum != before.hash_sum


@settings(max_examples=30, deadline=None)
@given(found=keys)
def test_sql_checksum_is_the_numpy_one(found: list[tuple[int, int]]) -> None:
    con = duck.connect(1)
    values = ", ".join(f"({e}::BIGINT, {r}::BIGINT)" for e, r in found)
    query = (
        f"SELECT {pairs.SQL_SUMMARY} FROM (SELECT {pairs.sql_hash('e', 'r', pairs.STRIDE)} AS h, "
        f"true AS tw, true AS pw FROM (VALUES {values}) AS t(e, r)) p"
    )
    row = con.execute(query).fetchone()
    assert row is not None
    assert pairs.from_row(tuple(row)) == _summary(found)


def test_workload_follows_its_definition() -> None:
    spec = workload.Spec.scaled(20_000, 200, SEED, spatial_only=False)
    rows, centres = workload.make_rows(spec)
    events = workload.make_events(spec, centres)
    assert all(shapely.is_valid(rows.polygons))
    assert set(shapely.get_num_coordinates(rows.polygons)) == {workload.VERTICES + 1}
    minutes = (rows.end - rows.start) / 60
    assert minutes.min() >= 120 and minutes.max() <= 480 and np.all(minutes == minutes.round())
    span = events.t_hi - events.t_lo
    day = span == 86_400
    assert np.all(day | (span == 1))
    assert np.count_nonzero(day) == round(0.2 * len(events))
    assert np.all((events.t_lo[day] + 2 * 3600) % 86_400 == 0)  # local midnight, UTC+2
    assert np.all((events.x >= 0) & (events.x <= spec.side_m))
    spatial = workload.Spec.scaled(100, 200, SEED, spatial_only=True)
    whole, _ = workload.make_rows(spatial)
    assert set(whole.start) == {workload.HORIZON[0]} and set(whole.end) == {workload.HORIZON[1]}
    assert shapely.equals(whole.polygons, rows.polygons).all()
