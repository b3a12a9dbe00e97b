"""The join engine against the brute-force oracle, on random zones, windows and events.

Coordinates live on coarse lattices on purpose: vertices on integers and points on halves
and quarters put many points exactly on vertices, on edges (horizontal, vertical and
diagonal), on the lines of a vertex's y (where the ray test is most delicate) and on window
edges in time. Each example also joins in small chunks, so chunk boundaries fall everywhere.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from respite.compliance.frame import EventColumns, Pairs, ZoneWindows
from respite.compliance.join.index import JoinIndex, join

_spec = importlib.util.spec_from_file_location("brute", Path(__file__).parent / "brute.py")
assert _spec is not None and _spec.loader is not None
brute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(brute)

T0 = 1_700_000_000


def star(draw: st.DrawFn, cx: int, cy: int, r_min: int, r_max: int) -> list[tuple[float, float]]:
    """A star-shaped (hence simple) ring around (cx, cy) on the integer lattice."""
    n = draw(st.integers(3, 9))
    angles = sorted(
        draw(
            st.lists(
                st.floats(0, 2 * math.pi, exclude_max=True), min_size=n, max_size=n, unique=True
            )
        )
    )
    ring = []
    for a in angles:
        r = draw(st.integers(r_min, r_max))
        ring.append((float(cx + round(r * math.cos(a))), float(cy + round(r * math.sin(a)))))
    return ring


@st.composite
def zones(draw: st.DrawFn) -> BaseGeometry:
    kind = draw(st.sampled_from(["box", "star", "holed", "multi"]))
    cx, cy = draw(st.integers(0, 40)), draw(st.integers(0, 40))
    if kind == "box":
        w, h = draw(st.integers(1, 30)), draw(st.integers(1, 30))
        geom: BaseGeometry = Polygon([(cx, cy), (cx + w, cy), (cx + w, cy + h), (cx, cy + h)])
    elif kind == "star":
        geom = Polygon(star(draw, cx, cy, 4, 20))
    elif kind == "holed":
        hole = star(draw, cx, cy, 2, 5)
        shell = [
            (cx - 12.0, cy - 12.0),
            (cx + 12.0, cy - 12.0),
            (cx + 12.0, cy + 12.0),
            (cx - 12.0, cy + 12.0),
        ]
        geom = Polygon(shell, [hole])
    else:
        a = Polygon(star(draw, cx, cy, 3, 8))
        b = Polygon(star(draw, cx + 20, cy + draw(st.integers(-5, 5)), 3, 8))
        geom = MultiPolygon([a, b])
    if not geom.is_valid or geom.is_empty or geom.area == 0:
        geom = Polygon([(cx, cy), (cx + 5, cy), (cx, cy + 5)])
    return geom


def vertices(geom: BaseGeometry) -> list[tuple[float, float]]:
    parts = getattr(geom, "geoms", [geom])
    out = []
    for part in parts:
        for ring in [part.exterior, *part.interiors]:
            out.extend(ring.coords[:-1])
    return out


@st.composite
def cases(draw: st.DrawFn) -> tuple[EventColumns, ZoneWindows]:
    geoms = draw(st.lists(zones(), min_size=1, max_size=4))
    n_rows = draw(st.integers(1, 6))
    zone = np.array([draw(st.integers(0, len(geoms) - 1)) for _ in range(n_rows)], dtype=np.int32)
    start = np.array([T0 + draw(st.integers(0, 40)) for _ in range(n_rows)], dtype=np.int64)
    end = start + np.array([draw(st.integers(1, 30)) for _ in range(n_rows)], dtype=np.int64)
    # Times near every window edge, so touching and exact containment are common.
    edges = sorted({int(t) + d for t in (*start, *end) for d in (-1, 0, 1)})
    corners = [v for g in geoms for v in vertices(g)]
    n = draw(st.integers(0, 40))
    xs, ys, lo, hi, rs = [], [], [], [], []
    for _ in range(n):
        how = draw(st.sampled_from(["lattice", "vertex", "edge", "free"]))
        if how == "vertex":
            x, y = draw(st.sampled_from(corners))
        elif how == "edge":
            (x1, y1), (x2, y2) = draw(st.sampled_from(corners)), draw(st.sampled_from(corners))
            k = draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]))
            x, y = x1 + k * (x2 - x1), y1 + k * (y2 - y1)
        elif how == "lattice":
            x, y = draw(st.integers(-20, 180)) / 4, draw(st.integers(-20, 180)) / 4
        else:
            x = draw(st.floats(-5, 75, allow_nan=False))
            y = draw(st.floats(-5, 75, allow_nan=False))
        t = draw(st.sampled_from(edges)) if draw(st.booleans()) else T0 + draw(st.integers(-5, 75))
        span = draw(st.sampled_from([1, 1, 2, 5, 17, 60]))
        r = (
            draw(st.sampled_from([0.0, 0.0, 0.0, 0.5, 1.0, 2.5, 7.0]))
            if draw(st.booleans())
            else 0.0
        )
        xs.append(x)
        ys.append(y)
        lo.append(t)
        hi.append(t + span)
        rs.append(r)
    events = EventColumns(
        np.array(xs, dtype=np.float64),
        np.array(ys, dtype=np.float64),
        np.array(lo, dtype=np.int64),
        np.array(hi, dtype=np.int64),
        np.array(rs, dtype=np.float64),
    )
    return events, ZoneWindows(tuple(geoms), zone, start, end)


def assert_same(got: Pairs, want: Pairs) -> None:
    assert got.event.dtype == np.int64 and got.row.dtype == np.int64
    assert got.time.dtype == np.int8 and got.place.dtype == np.int8
    for name in ("event", "row", "time", "place"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)


@settings(max_examples=150, deadline=None)
@given(cases(), st.integers(1, 7))
def test_join_matches_brute_force(case: tuple[EventColumns, ZoneWindows], chunk: int) -> None:
    events, rows = case
    want = brute.brute_join(events, rows)
    assert_same(join(events, rows), want)
    # Small chunks on two threads: chunk boundaries anywhere, results in order.
    assert_same(JoinIndex(rows).join(events, chunk_size=chunk, workers=2), want)


@settings(max_examples=40, deadline=None)
@given(cases(), st.floats(1e-3, 1e6), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_join_is_the_same_after_scaling_and_moving(
    case: tuple[EventColumns, ZoneWindows], scale: float, dx: float, dy: float
) -> None:
    """Other magnitudes and offsets (rounding then happens everywhere): still the oracle's
    answer, since doubtful pairs are left to shapely."""
    events, rows = case
    moved = ZoneWindows(
        tuple(affinity.affine_transform(g, [scale, 0, 0, scale, dx, dy]) for g in rows.zones),
        rows.zone,
        rows.start,
        rows.end,
    )
    shifted = EventColumns(
        events.x * scale + dx,
        events.y * scale + dy,
        events.t_lo,
        events.t_hi,
        events.radius * scale,
    )
    assert_same(join(shifted, moved), brute.brute_join(shifted, moved))


@st.composite
def timed_cases(draw: st.DrawFn) -> tuple[EventColumns, ZoneWindows]:
    """Few places, many times: windows from a second to weeks, events spanning a second to
    two months, starting anywhere around (and often exactly at) window edges."""
    n_rows = draw(st.integers(1, 8))
    start = np.array([T0 + draw(st.integers(0, 40 * 86400)) for _ in range(n_rows)], dtype=np.int64)
    length = st.sampled_from([1, 2, 60, 3600, 5 * 3600, 86400, 86401, 7 * 86400, 20 * 86400])
    end = start + np.array([draw(length) for _ in range(n_rows)], dtype=np.int64)
    zones = (Polygon([(0, 0), (10, 0), (10, 10), (0, 10)]), Polygon([(5, 5), (20, 5), (20, 20)]))
    zone = np.array([draw(st.integers(0, 1)) for _ in range(n_rows)], dtype=np.int32)
    edges = sorted({int(t) + d for t in (*start, *end) for d in (-86400, -3600, -1, 0, 1)})
    n = draw(st.integers(1, 30))
    spans = st.sampled_from([1, 2, 59, 60, 61, 3600, 86399, 86400, 86401, 7 * 86400, 62 * 86400])
    lo = np.array([draw(st.sampled_from(edges)) for _ in range(n)], dtype=np.int64)
    hi = lo + np.array([draw(spans) for _ in range(n)], dtype=np.int64)
    x = np.array([draw(st.sampled_from([2.0, 5.0, 7.0, 15.0, 30.0])) for _ in range(n)])
    y = np.array([draw(st.sampled_from([2.0, 5.0, 7.0, 15.0])) for _ in range(n)])
    r = np.array([draw(st.sampled_from([0.0, 0.0, 3.0])) for _ in range(n)])
    return EventColumns(x, y, lo, hi, r), ZoneWindows(zones, zone, start, end)


@settings(max_examples=150, deadline=None)
@given(timed_cases())
def test_time_classes_match_brute_force(case: tuple[EventColumns, ZoneWindows]) -> None:
    events, rows = case
    assert_same(join(events, rows), brute.brute_join(events, rows))


@settings(max_examples=60, deadline=None)
@given(st.lists(zones(), min_size=1, max_size=3), st.data())
def test_points_on_cell_lines_match_brute_force(
    geoms: list[BaseGeometry], data: st.DataObject
) -> None:
    """Points exactly on the lines (and corners) of the rasters' cells, where a point's cell
    is decided by rounding: the rasters' margins must keep every such point exact."""
    rows = ZoneWindows(
        tuple(geoms),
        np.arange(len(geoms), dtype=np.int32),
        np.full(len(geoms), T0),
        np.full(len(geoms), T0 + 10),
    )
    index = JoinIndex(rows)
    warm = EventColumns(
        np.zeros(2), np.zeros(2), np.full(2, T0), np.full(2, T0 + 1), np.array([0.0, 1.0])
    )
    index.join(warm)  # builds the rasters of radius 0 and of the smallest radius class
    grids = [fine.raster.grid for fine in index._fine.values()]  # white box: their cell lines
    n = data.draw(st.integers(1, 30))
    xs, ys, rs = [], [], []
    for _ in range(n):
        grid = data.draw(st.sampled_from(grids))
        i, j = data.draw(st.integers(0, grid.nx)), data.draw(st.integers(0, grid.ny))
        x = grid.x0 + i * grid.cell
        y = grid.y0 + j * grid.cell
        if data.draw(st.booleans()):  # on one line only, anywhere along it
            y = data.draw(st.floats(grid.y0, grid.y0 + grid.ny * grid.cell))
        xs.append(x)
        ys.append(y)
        rs.append(data.draw(st.sampled_from([0.0, 0.0, 0.25, 1.0])))
    events = EventColumns(
        np.array(xs), np.array(ys), np.full(n, T0), np.full(n, T0 + 1), np.array(rs)
    )
    assert_same(index.join(events), brute.brute_join(events, rows))
