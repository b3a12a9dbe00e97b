"""The join engine: real zones, event classes, chunking, empty inputs and bad input."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from respite.compliance.frame import (
    INSIDE,
    OVERLAPS,
    POSSIBLY,
    WITHIN,
    EventColumns,
    Pairs,
    ZoneWindows,
)
from respite.compliance.join import index as join_module
from respite.compliance.join import layer as _join_layer
from respite.compliance.join.index import JoinIndex, join
from respite.errors import InvalidInput
from respite.geometry import AreaCatalogue, LocalProjection

_spec = importlib.util.spec_from_file_location("brute", Path(__file__).parent / "brute.py")
assert _spec is not None and _spec.loader is not None
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)

T0 = 1_725_148_800  # 2024-09-01T00:00Z
HOUR = 3600


def events_of(xs, ys, lo, hi, radius) -> EventColumns:  # type: ignore[no-untyped-def]
    return EventColumns(
        np.asarray(xs, dtype=np.float64),
        np.asarray(ys, dtype=np.float64),
        np.asarray(lo, dtype=np.int64),
        np.asarray(hi, dtype=np.int64),
        np.asarray(radius, dtype=np.float64),
    )


def rows_of(zones, zone, start, end) -> ZoneWindows:  # type: ignore[no-untyped-def]
    return ZoneWindows(
        tuple(zones),
        np.asarray(zone, dtype=np.int32),
        np.asarray(start, dtype=np.int64),
        np.asarray(end, dtype=np.int64),
    )


def assert_same(got: Pairs, want: Pairs) -> None:
    for name in ("event", "row", "time", "place"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)


def random_events(
    rng: np.random.Generator, n: int, bounds: tuple[float, ...], t: tuple[int, int]
) -> EventColumns:
    x0, y0, x1, y1 = bounds
    lo = rng.integers(t[0], t[1], n)
    span = rng.choice([1, 60, HOUR, 86400, 7 * 86400], n)
    radius = np.where(rng.random(n) < 0.6, 0.0, rng.choice([5.0, 50.0, 400.0, 3000.0], n))
    return events_of(rng.uniform(x0, x1, n), rng.uniform(y0, y1, n), lo, lo + span, radius)


@pytest.fixture(scope="module")
def governorates() -> list[Polygon]:
    """The five Gaza governorates in metres; the first also densified to thousands of
    vertices (the bundled boundaries are simplified), the size of an unsimplified one."""
    catalogue = AreaCatalogue.bundled()
    areas = catalogue.governorates()
    projection = LocalProjection.around(shapely.union_all([a.geometry for a in areas]))
    metric = [projection.to_metric(a.geometry) for a in areas]
    return [shapely.segmentize(metric[0], 8.0), *metric[1:]]


def test_governorates_with_thousands_of_vertices(governorates: list[Polygon]) -> None:
    assert shapely.get_num_coordinates(governorates[0]) > 3000
    rng = np.random.default_rng(7)
    rows = rows_of(
        governorates,
        [0, 1, 2, 3, 4, 2],
        [T0, T0, T0 + HOUR, T0, T0 + 86400, T0 + 5 * HOUR],
        [T0 + 9 * HOUR, T0 + 86400, T0 + 2 * HOUR, T0 + 30 * 86400, T0 + 2 * 86400, T0 + 6 * HOUR],
    )
    bounds = shapely.total_bounds(np.array(governorates, dtype=object))
    random = random_events(rng, 300, tuple(bounds), (T0 - 86400, T0 + 3 * 86400))
    # Points on vertices and on edge midpoints of the real boundaries, at window edges.
    coords = np.concatenate([shapely.get_coordinates(g) for g in governorates])
    pick = coords[rng.integers(0, len(coords) - 1, 60)]
    mids = (coords[:-1] + coords[1:]) / 2
    mid = mids[rng.integers(0, len(mids), 60)]
    on = np.concatenate([pick, mid])
    lo = np.repeat([T0, T0 + HOUR], 60)
    snapped = events_of(
        on[:, 0], on[:, 1], lo, lo + 1, np.where(np.arange(120) % 3 == 0, 25.0, 0.0)
    )
    for events in (random, snapped):
        got = join(events, rows)
        assert_same(got, brute.brute_join(events, rows))
    assert (got.place == OVERLAPS).any()  # some snapped points do lie on a boundary


def test_result_does_not_depend_on_chunks_or_threads(governorates: list[Polygon]) -> None:
    rng = np.random.default_rng(11)
    rows = rows_of(governorates, range(5), [T0] * 5, [T0 + 86400] * 5)
    events = random_events(
        rng,
        5000,
        tuple(shapely.total_bounds(np.array(governorates, dtype=object))),
        (T0 - HOUR, T0 + 86400),
    )
    index = JoinIndex(rows)
    first = index.join(events)
    assert len(first) > 1000
    order = np.lexsort((first.row, first.event))
    np.testing.assert_array_equal(order, np.arange(len(first)))  # sorted by (event, row)
    for chunk, workers in ((1, 1), (7, 2), (999, 2), (4096, 1), (10**6, 2)):
        assert_same(index.join(events, chunk_size=chunk, workers=workers), first)
    assert_same(index.join(events), first)  # the same index, again


def test_cell_lines_and_mixed_classes_in_one_call() -> None:
    """Points exactly on the raster's cell lines, many event classes in one call, and an
    index reused for classes it has not seen yet."""
    rng = np.random.default_rng(3)
    zones = [
        Polygon([(0, 0), (1000, 0), (1000, 700), (0, 700)], [[(200, 200), (400, 200), (300, 500)]]),
        MultiPolygon([box(1500, 0, 1900, 300), box(2000, 400, 2300, 900)]),
        Point(900, 900).buffer(350, quad_segs=16),
    ]
    rows = rows_of(
        zones,
        [0, 1, 2, 0],
        [T0, T0, T0 + HOUR, T0 + 5 * HOUR],
        [T0 + 4 * HOUR, T0 + 86400, T0 + 2 * HOUR, T0 + 6 * HOUR],
    )
    index = JoinIndex(rows)
    warm = random_events(rng, 50, (-100, -100, 2400, 1300), (T0, T0 + 86400))
    assert_same(index.join(warm), brute.brute_join(warm, rows))
    grid = index._fine[0].raster.grid  # white box: the cell lines of the radius-0 rasters
    i = rng.integers(0, grid.nx, 400)
    j = rng.integers(0, grid.ny, 400)
    x = np.where(rng.random(400) < 0.5, grid.x0 + i * grid.cell, rng.uniform(-100, 2400, 400))
    y = np.where(rng.random(400) < 0.5, grid.y0 + j * grid.cell, rng.uniform(-100, 1300, 400))
    lo = rng.choice([T0 - 1, T0, T0 + HOUR, T0 + 4 * HOUR - 1, T0 + 4 * HOUR, T0 + 5 * HOUR], 400)
    span = rng.choice([1, 2, HOUR, 86400, 30 * 86400], 400)
    radius = rng.choice([0.0, 0.0, 1e-6, 10.0, 250.0, 5000.0], 400)
    events = events_of(x, y, lo, lo + span, radius)
    assert_same(index.join(events, chunk_size=37), brute.brute_join(events, rows))


def test_relations_and_classes_by_hand() -> None:
    zone = box(0, 0, 100, 100)
    rows = rows_of([zone], [0], [T0], [T0 + 10])
    events = events_of(
        [50, 50, 100, 50, 150, 50, 95],
        [50, 50, 50, 50, 50, 50, 50],
        [T0, T0 - 5, T0, T0 + 9, T0, T0 + 10, T0],
        [T0 + 10, T0 + 1, T0 + 1, T0 + 11, T0 + 1, T0 + 11, T0 + 1],
        [0, 0, 0, 0, 50, 0, 5],
    )
    got = join(events, rows)
    # event 0: inside, within the window; 1: starts before; 2: on the edge; 3: ends after;
    # 4: outside but its disc reaches the edge; 5: starts at the window's end (no pair);
    # 6: inside, disc reaching the edge exactly (still within: distance >= radius).
    np.testing.assert_array_equal(got.event, [0, 1, 2, 3, 4, 6])
    np.testing.assert_array_equal(got.time, [WITHIN, OVERLAPS, WITHIN, OVERLAPS, WITHIN, WITHIN])
    np.testing.assert_array_equal(got.place, [WITHIN, WITHIN, OVERLAPS, WITHIN, OVERLAPS, WITHIN])
    np.testing.assert_array_equal(
        got.klass, [INSIDE, POSSIBLY, POSSIBLY, POSSIBLY, POSSIBLY, INSIDE]
    )


def test_empty_inputs() -> None:
    zone = box(0, 0, 10, 10)
    none = events_of([], [], [], [], [])
    rows = rows_of([zone], [0], [T0], [T0 + 10])
    for pairs in (
        join(none, rows),
        join(events_of([5], [5], [T0], [T0 + 1], [0]), rows_of([zone], [], [], [])),
    ):
        assert len(pairs) == 0
        assert pairs.event.dtype == np.int64 and pairs.place.dtype == np.int8
    far = events_of(
        [1e9, -1e9, 5], [5, 5, 5], [T0, T0, T0 - 100], [T0 + 1, T0 + 1, T0 - 99], [0, 1e6, 0]
    )
    assert len(join(far, rows)) == 0


def test_bad_events_are_named() -> None:
    rows = rows_of([box(0, 0, 10, 10)], [0], [T0], [T0 + 10])
    bad = events_of(
        [1, 2, np.nan], [1, 2, 3], [T0, T0 + 5, T0], [T0 + 1, T0 + 5, T0 + 1], [0, -1, np.nan]
    )
    with pytest.raises(InvalidInput) as caught:
        join(bad, rows)
    where = {p.location for p in caught.value.problems}
    assert where == {"events.x[2]", "events.t_hi[1]", "events.radius[1]", "events.radius[2]"}
    short = EventColumns(
        np.zeros(3), np.zeros(2), np.zeros(3, np.int64), np.ones(3, np.int64), np.zeros(3)
    )
    with pytest.raises(InvalidInput, match=r"events\.y: has 2 values, expected 3"):
        join(short, rows)
    floats = EventColumns(np.zeros(1), np.zeros(1), np.zeros(1), np.ones(1), np.zeros(1))
    with pytest.raises(InvalidInput, match=r"events\.t_lo: must hold whole UTC seconds"):
        join(floats, rows)
    many = events_of(np.zeros(20), np.zeros(20), np.full(20, T0), np.full(20, T0), np.zeros(20))
    with pytest.raises(InvalidInput, match=r"15 more like this"):
        join(many, rows)


def test_bad_rows_are_named() -> None:
    events = events_of([1], [1], [T0], [T0 + 1], [0])
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    zones = [box(0, 0, 10, 10), LineString([(0, 0), (1, 1)]), bowtie, Polygon()]
    with pytest.raises(InvalidInput) as caught:
        JoinIndex(rows_of(zones, [0, 4, 0], [T0, T0, T0 + 5], [T0 + 1, T0 + 1, T0 + 5]))
    messages = {p.location: p.message for p in caught.value.problems}
    assert "LineString" in messages["rows.zones[1]"]
    assert "Self-intersection" in messages["rows.zones[2]"]
    assert messages["rows.zones[3]"] == "is empty"
    assert "rows.zone[1]" in messages
    assert messages["rows.end[2]"] == "must be after start"
    with pytest.raises(InvalidInput, match=r"rows\.start: has 1 values, expected 2"):
        join(events, rows_of([box(0, 0, 1, 1)], [0, 0], [T0], [T0 + 1, T0 + 2]))


def test_inputs_are_left_alone_and_limits_are_named() -> None:
    rows = rows_of([box(0, 0, 10, 10)], [0], [T0], [T0 + 10])
    events = events_of([5, 50], [5, 5], [T0, T0], [T0 + 1, T0 + 1], [0, 3])
    before = [a.copy() for a in (events.x, events.y, events.t_lo, events.t_hi, events.radius)]
    join(events, rows)
    for a, b in zip(
        before, (events.x, events.y, events.t_lo, events.t_hi, events.radius), strict=True
    ):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(InvalidInput, match=r"events\.radius\[0\]: must be a distance from 0"):
        join(events_of([5], [5], [T0], [T0 + 1], [2e7]), rows)
    with pytest.raises(InvalidInput, match=r"events\.t_lo\[0\]: must be a UTC second"):
        join(events_of([5], [5], [2**62], [2**62 + 1], [0]), rows)
    with pytest.raises(InvalidInput, match=r"rows\.zones\[0\]: has coordinates beyond"):
        JoinIndex(rows_of([box(0, 0, 1e10, 10)], [0], [T0], [T0 + 10]))


@pytest.mark.parametrize(
    ("factor", "bucket"), [(1, 3600), (2, 600), (3, 7200), (5, 86400), (16, 10**7)]
)
def test_every_slot_layout_gives_the_same_pairs(
    monkeypatch: pytest.MonkeyPatch, factor: int, bucket: int
) -> None:
    """Whatever coarse cell and time bucket the planner picks (forced here), the pairs are
    the oracle's: slot tables only ever narrow the candidates."""

    def forced(fine, zone, start, end, span, n_hint, **_):  # type: ignore[no-untyped-def]
        t0 = int(start.min()) - bucket * -(-(span - 1) // bucket)
        nb = -(-(int(end.max()) - t0) // bucket)
        return _join_layer.Plan(factor, t0, bucket, nb)

    monkeypatch.setattr(_join_layer, "plan", forced)
    rng = np.random.default_rng(factor)
    zones = [
        Point(rng.uniform(0, 3000), rng.uniform(0, 3000)).buffer(rng.uniform(100, 600), quad_segs=4)
        for _ in range(12)
    ]
    zones.append(box(0, 0, 3000, 200).difference(box(1000, 50, 1200, 150)))
    n_rows = 30
    start = T0 + rng.integers(0, 3 * 86400, n_rows)
    rows = rows_of(
        zones,
        rng.integers(0, len(zones), n_rows),
        start,
        start + rng.choice([60, HOUR, 86400], n_rows),
    )
    events = random_events(rng, 600, (-200.0, -200.0, 3200.0, 3200.0), (T0 - 86400, T0 + 4 * 86400))
    got = JoinIndex(rows).join(events, chunk_size=97)
    assert_same(got, brute.brute_join(events, rows))
    assert len(got) > 20


def test_zones_far_apart_and_windows_years_apart() -> None:
    """A sparse world (zones thousands of kilometres apart, windows decades apart) keeps the
    slot tables within their limits and the answers exact."""
    zones = [box(0, 0, 500, 500), box(4e6, 4e6, 4e6 + 300, 4e6 + 900), Point(-3e6, 2e6).buffer(800)]
    rows = rows_of(
        zones,
        [0, 1, 2, 0],
        [T0, T0 + 20 * 365 * 86400, T0, T0 - 40 * 365 * 86400],
        [T0 + HOUR, T0 + 20 * 365 * 86400 + 60, T0 + 86400, T0 - 40 * 365 * 86400 + 86400],
    )
    rng = np.random.default_rng(5)
    near = np.array([(250, 250), (4e6 + 150, 4e6 + 450), (-3e6, 2e6)])[rng.integers(0, 3, 500)]
    xy = near + rng.normal(0, 400, (500, 2))
    lo = rows.start[rng.integers(0, 4, 500)] + rng.integers(-86400, 86400, 500)
    events = events_of(
        xy[:, 0], xy[:, 1], lo, lo + rng.choice([1, HOUR, 86400], 500), rng.choice([0.0, 30.0], 500)
    )
    index = JoinIndex(rows)
    got = index.join(events)
    assert_same(got, brute.brute_join(events, rows))
    assert len(got) > 30
    assert all(len(layer.ptr) <= 8_000_001 for layer in index._layers.values())


def test_a_failing_chunk_fails_the_join_without_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    real = join_module.probe
    calls = []

    def flaky(index, x, *args):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError("chunk 3")
        return real(index, x, *args)

    monkeypatch.setattr(join_module, "probe", flaky)
    rows = rows_of([box(0, 0, 10, 10)], [0], [T0], [T0 + 10])
    events = events_of(
        np.full(50, 5.0), np.full(50, 5.0), np.full(50, T0), np.full(50, T0 + 1), np.zeros(50)
    )
    for workers in (1, 2):
        calls.clear()
        with pytest.raises(MemoryError, match="chunk 3"):
            JoinIndex(rows).join(events, chunk_size=4, workers=workers)
