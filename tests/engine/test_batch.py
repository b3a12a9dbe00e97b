"""status_many() against an independent brute force, on the real scenario and random zones."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from respite.engine import CoverageEngine, SpaceTimeIndex
from respite.schedule import IntervalSet, utc_seconds


def brute_force(
    zones: list[shapely.Geometry], schedules: list[IntervalSet], xs, ys, ts
) -> np.ndarray:
    covered = np.zeros(len(xs), dtype=bool)
    for zone, schedule in zip(zones, schedules, strict=True):
        inside = shapely.contains_xy(zone, xs, ys)
        timely = schedule.contains_many(ts)
        covered |= inside & timely
    return covered


def test_batch_matches_brute_force_on_scenario(engine: CoverageEngine) -> None:
    rng = np.random.default_rng(7)
    n = 40_000
    xs = rng.uniform(34.20, 34.58, n)
    ys = rng.uniform(31.20, 31.61, n)
    # Times drawn from the scenario's busy weeks so that many pairs fall inside windows.
    anchors = np.array(
        [
            utc_seconds(datetime(2023, 11, 5, tzinfo=UTC)),
            utc_seconds(datetime(2023, 11, 23, tzinfo=UTC)),
            utc_seconds(datetime(2024, 8, 31, tzinfo=UTC)),
        ]
    )
    ts = anchors[rng.integers(0, 3, n)] + rng.integers(0, 14 * 86_400, n)
    result = engine.status_many(xs, ys, ts)
    lo, hi = (utc_seconds(t) for t in engine.horizon)
    zones = [part.zone for _, _, part in engine.entries]
    schedules = [part.coverage(lo, hi) for _, _, part in engine.entries]
    expected = brute_force(zones, schedules, xs, ys, ts)
    assert expected.sum() > 1000  # the sample really exercises coverage
    assert np.array_equal(result.covered, expected)
    # and the single-point path agrees with the batch on a subsample
    for i in rng.choice(n, 300, replace=False):
        single = engine.status(float(xs[i]), float(ys[i]), datetime.fromtimestamp(ts[i], UTC))
        assert single.covered == bool(result.covered[i])


def test_batch_window_end_is_the_covering_interval_end(engine: CoverageEngine) -> None:
    t = np.array(["2024-09-02T08:00", "2024-09-02T13:00"], dtype="datetime64[s]")
    result = engine.status_many([34.351, 34.351], [31.417, 31.417], t)
    assert result.covered.tolist() == [True, False]
    assert result.window_end[0] == utc_seconds(datetime(2024, 9, 2, 12, 0, tzinfo=UTC))
    assert result.window_end[1] == -1


polygons = st.builds(
    lambda x, y, r, n, seed: shapely.Polygon(
        [
            (x + r * (0.5 + 0.5 * f) * np.cos(a), y + r * (0.5 + 0.5 * f) * np.sin(a))
            for a, f in zip(
                np.linspace(0, 2 * np.pi, n, endpoint=False),
                np.random.default_rng(seed).random(n),
                strict=True,
            )
        ]
    ),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0.02, 0.4),
    st.integers(3, 24),
    st.integers(0, 2**16),
)
schedules = st.lists(
    st.tuples(st.integers(0, 1000), st.integers(1, 300)), min_size=0, max_size=6
).map(lambda pairs: IntervalSet.from_pairs([(s, s + d) for s, d in pairs]))


@settings(max_examples=60, deadline=None)
@given(
    zones=st.lists(st.tuples(polygons, schedules), min_size=1, max_size=12),
    seed=st.integers(0, 2**16),
    cells=st.integers(1, 30),
)
def test_index_equals_brute_force(zones, seed: int, cells: int) -> None:
    geoms = [g for g, _ in zones]
    times = [s for _, s in zones]
    index = SpaceTimeIndex(geoms, times, (0, 2000), cells_per_zone=cells)
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-0.5, 1.5, 3000)
    ys = rng.uniform(-0.5, 1.5, 3000)
    # include polygon vertices: points on the boundary are not covered
    vertices = np.concatenate([np.asarray(g.exterior.coords)[:-1] for g in geoms])
    xs = np.concatenate([xs, vertices[:, 0]])
    ys = np.concatenate([ys, vertices[:, 1]])
    ts = rng.integers(0, 1400, len(xs))
    hits = index.hits(xs, ys, ts)
    got = np.zeros(len(xs), dtype=bool)
    got[hits.points] = True
    assert np.array_equal(got, brute_force(geoms, times, xs, ys, ts))
    # every reported pair is a real one
    for p, z in zip(hits.points[:200], hits.zones[:200], strict=True):
        assert geoms[z].contains(shapely.Point(xs[p], ys[p]))
        assert times[z].contains(int(ts[p]))
