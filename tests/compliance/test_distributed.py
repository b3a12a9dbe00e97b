"""The report on a real Dask cluster (LocalCluster, 2 workers) equals the single-process one,
bad values are named with their file and row, and partials merge across plan copies."""

from __future__ import annotations

import importlib.util
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from distributed import Client

from respite.compliance.columnar import events_to_arrow
from respite.compliance.distributed import (
    Partial,
    dask_accumulate,
    dask_client,
    merge_partials,
    pieces,
)
from respite.compliance.event_table import EventTable
from respite.compliance.windows import ReportOptions, ReportPlan
from respite.errors import InvalidInput
from respite.pauses import Pause

_spec = importlib.util.spec_from_file_location("brute", Path(__file__).parent / "brute.py")
assert _spec is not None and _spec.loader is not None
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)

PAUSE = "polio-round-1-2024-09"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # Threads, not processes, to start fast; pickling across processes is tested below.
    with dask_client(workers=2, processes=False) as c:
        yield c


@pytest.fixture(scope="module")
def plan(scenario: tuple[Pause, ...]) -> ReportPlan:
    pause = next(p for p in scenario if p.id == PAUSE)
    return ReportPlan.build(pause, options=ReportOptions())


def events_around(plan: ReportPlan, n: int, seed: int) -> EventTable:
    """Events over the pause's zones and a margin, from before the pause to after it."""
    rng = np.random.default_rng(seed)
    first = plan.first_start
    t_lo = first + rng.integers(-10 * 86_400, 20 * 86_400, n)

    def pick(values: tuple[Any, ...]) -> np.ndarray:
        out = np.empty(n, dtype=object)
        out[:] = [values[i] for i in rng.integers(0, len(values), n)]
        return out

    return EventTable(
        key=np.array([f"s{seed}-{i}" for i in range(n)], dtype=object),
        lon=plan.projection.lon0 + rng.uniform(-0.15, 0.15, n),
        lat=plan.projection.lat0 + rng.uniform(-0.15, 0.15, n),
        t_lo=t_lo.astype(np.int64),
        t_hi=(t_lo + rng.choice([3_600, 86_400, 7 * 86_400], n)).astype(np.int64),
        radius_m=rng.choice([0.0, 2_000.0, 10_000.0], n),
        event_type=pick(("Airstrike", "Shelling", "Armed clash")),
        fatalities=rng.integers(-1, 6, n).astype(np.int64),
        time_precision=pick(("day", "hour", "span")),
        geo_precision=pick(("exact", "town")),
        location=pick(("Deir al-Balah", None)),
    )


def write_dataset(directory: Path, tables: list[EventTable]) -> Path:
    directory.mkdir()
    for i, table in enumerate(tables):
        pq.write_table(events_to_arrow(table), directory / f"part-{i}.parquet", row_group_size=60)
    return directory


def single_process(plan: ReportPlan, tables: list[EventTable]) -> dict[str, Any]:
    acc = plan.accumulator()
    for table in tables:
        acc.add(table, pairs_of=brute.brute_join)
    result: dict[str, Any] = acc.finish().to_json()
    return result


def test_the_cluster_report_equals_the_single_process_report(
    tmp_path: Path, client: Client, plan: ReportPlan
) -> None:
    tables = [events_around(plan, n, seed) for seed, n in enumerate((250, 0, 180, 300))]
    dataset = write_dataset(tmp_path / "events", tables)
    seen: list[tuple[int, int]] = []
    result = dask_accumulate(
        dataset, plan, client, piece_rows=100, split_every=3, progress=lambda *a: seen.append(a)
    )
    assert len(seen) > 4  # cut into several pieces, merged over more than one tree level
    assert seen[-1] == (len(seen), len(seen))
    assert result.rows == 730
    assert result.problems == ()
    want = single_process(plan, tables)
    got = result.accumulator.finish().to_json()
    assert got["summary"]["during"]["inside"] > 0
    assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)
    assert got["events_seen"] == 730


def test_bad_values_are_named_with_their_file_and_row(
    tmp_path: Path, client: Client, plan: ReportPlan
) -> None:
    tables = [events_around(plan, 100, seed) for seed in range(3)]
    lat = tables[2].lat.copy()
    lat[[5, 77]] = [95.0, np.nan]
    tables[2] = EventTable(
        **{**{n: getattr(tables[2], n) for n in EventTable.__dataclass_fields__}, "lat": lat}
    )
    dataset = write_dataset(tmp_path / "events", tables)
    result = dask_accumulate(dataset, plan, client, piece_rows=50)
    assert [p.location for p in result.problems] == [
        "part-2.parquet:row[5].lat",
        "part-2.parquet:row[77].lat",
    ]
    assert result.rows == 300


def test_a_single_file_is_cut_at_row_groups_and_names_rows_plainly(
    tmp_path: Path, plan: ReportPlan
) -> None:
    path = tmp_path / "events.parquet"
    pq.write_table(events_to_arrow(events_around(plan, 500, 9)), path, row_group_size=70)
    found = pieces(path, piece_rows=100)
    assert [p.row_groups for p in found] == [(0, 1), (2, 3), (4, 5), (6, 7)]
    assert [p.first_row for p in found] == [0, 140, 280, 420]
    assert {p.label for p in found} == {""}


def test_missing_columns_and_files_are_refused_before_any_work(tmp_path: Path) -> None:
    table = events_to_arrow(EventTable.from_records([], [])).drop_columns(["t_hi"])
    pq.write_table(table, tmp_path / "a.parquet")
    (tmp_path / "b.parquet").write_bytes(b"not parquet")
    with pytest.raises(InvalidInput) as caught:
        pieces(tmp_path)
    assert [p.location for p in caught.value.problems] == [
        "events[a.parquet].t_hi",
        "events[b.parquet]",
    ]
    with pytest.raises(InvalidInput):
        pieces(tmp_path / "absent.parquet")


def test_partials_merge_across_plan_copies_and_refuse_other_runs(plan: ReportPlan) -> None:
    tables = [events_around(plan, 150, seed) for seed in range(3)]
    partials = []
    for table in tables:
        acc = plan.accumulator()
        acc.add(table, pairs_of=brute.brute_join)
        # As after crossing the network: each partial holds its own copy of the plan.
        partials.append(pickle.loads(pickle.dumps(Partial("run", acc, len(table), ()))))
    assert partials[0].accumulator.plan is not partials[1].accumulator.plan
    merged = merge_partials(*partials)
    merged.accumulator.plan = plan
    assert merged.rows == 450
    want = single_process(plan, tables)
    assert json.dumps(merged.accumulator.finish().to_json(), sort_keys=True) == json.dumps(
        want, sort_keys=True
    )
    stranger = Partial("another run", plan.accumulator(), 0, ())
    with pytest.raises(ValueError, match="different runs"):
        merge_partials(partials[0], stranger)


def test_worker_processes_give_the_same_report(tmp_path: Path, plan: ReportPlan) -> None:
    tables = [events_around(plan, 200, seed) for seed in range(2)]
    dataset = write_dataset(tmp_path / "events", tables)
    with dask_client(workers=2, processes=True) as c:
        result = dask_accumulate(dataset, plan, c, piece_rows=100)
    got = result.accumulator.finish().to_json()
    assert json.dumps(got, sort_keys=True) == json.dumps(
        single_process(plan, tables), sort_keys=True
    )
