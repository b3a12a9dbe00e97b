"""The index over zones spread across continents and sizes, against a shapely oracle.

The grid keeps one level per zone size and stores scattered levels sparsely
(:mod:`respite.engine.grid`); these tests check that the answers do not depend on that: random
zones from 50 m to whole countries anywhere on Earth, holes and several polygons, points
inside, outside, on vertices and just beside edges, and the ``single`` layout as a second
opinion.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from respite.engine import CoverageEngine, SpaceTimeIndex
from respite.pauses import load_pause_file
from respite.schedule import IntervalSet, utc_seconds

FOUR_COUNTRIES = Path(__file__).parents[1] / "data" / "episodes" / "four-countries.yaml"


def _star(x: float, y: float, radius: float, corners: int, seed: int) -> shapely.Polygon:
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * np.pi, corners, endpoint=False)
    reach = radius * (0.4 + 0.6 * rng.random(corners))
    return shapely.Polygon(np.c_[x + reach * np.cos(angles), y + reach * np.sin(angles)])


@st.composite
def zones(draw: st.DrawFn) -> shapely.Geometry:
    x = draw(st.floats(-170, 170))
    y = draw(st.floats(-75, 75))
    radius = 10 ** draw(st.floats(-3.3, 1.0))  # ~50 m to ~10 degrees
    star = _star(x, y, radius, draw(st.integers(3, 40)), draw(st.integers(0, 2**16)))
    shape = draw(st.sampled_from(["plain", "hole", "pair", "corridor"]))
    if shape == "hole":
        return star.difference(shapely.Point(x, y).buffer(radius * 0.3, quad_segs=4))
    if shape == "pair":
        twin = shapely.affinity.translate(star, radius * 3, 0)
        return shapely.MultiPolygon([star, twin])
    if shape == "corridor":
        line = shapely.LineString([(x, y), (x + radius * 20, y + radius * 7)])
        return line.buffer(radius * 0.2, quad_segs=2)
    return star


schedules = st.lists(
    st.tuples(st.integers(0, 1000), st.integers(1, 400)), min_size=1, max_size=4
).map(lambda pairs: IntervalSet.from_pairs([(s, s + d) for s, d in pairs]))


def _oracle(geoms, times, xs, ys, ts) -> np.ndarray:
    covered = np.zeros(len(xs), dtype=bool)
    for geom, schedule in zip(geoms, times, strict=True):
        covered |= shapely.contains_xy(geom, xs, ys) & schedule.contains_many(ts)
    return covered


def _probes(geoms, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    parts = [np.c_[rng.uniform(-180, 180, 500), rng.uniform(-85, 85, 500)]]
    for geom in geoms:
        x0, y0, x1, y1 = geom.bounds
        parts.append(np.c_[rng.uniform(x0, x1, 300), rng.uniform(y0, y1, 300)])
        vertices = shapely.get_coordinates(geom)
        parts.append(vertices)
        # a hair either side of each vertex: the boundary cells must be tested exactly
        parts.append(vertices + (x1 - x0) * 1e-9)
        parts.append(vertices - (y1 - y0) * 1e-9)
    points = np.concatenate(parts)
    return points[:, 0], points[:, 1]


@settings(max_examples=50, deadline=None)
@given(
    drawn=st.lists(st.tuples(zones(), schedules), min_size=1, max_size=10),
    repeats=st.integers(0, 2),
    seed=st.integers(0, 2**16),
)
def test_worldwide_zones_answer_like_shapely(drawn, repeats: int, seed: int) -> None:
    geoms = [g for g, _ in drawn] + [g for g, _ in drawn[:repeats]]  # identical zones too
    times = [s for _, s in drawn] + [s for _, s in drawn[:repeats]]
    rng = np.random.default_rng(seed)
    xs, ys = _probes(geoms, rng)
    ts = rng.integers(0, 1500, len(xs))
    expected = _oracle(geoms, times, xs, ys, ts)
    for layout in ("levels", "single"):
        index = SpaceTimeIndex(geoms, times, (0, 2000), layout=layout)
        hits = index.hits(xs, ys, ts)
        got = np.zeros(len(xs), dtype=bool)
        got[hits.points] = True
        assert np.array_equal(got, expected), layout
        pairs = set(zip(hits.points.tolist(), hits.zones.tolist(), strict=True))
        assert len(pairs) == len(hits.points)  # no pair reported twice
        for i in rng.choice(len(xs), 200, replace=False):
            inside = {z for z, g in enumerate(geoms) if g.contains(shapely.Point(xs[i], ys[i]))}
            assert set(index.zones_at(float(xs[i]), float(ys[i]))) == inside


def test_four_country_file_keeps_its_levels_small() -> None:
    pauses = load_pause_file(FOUR_COUNTRIES)
    engine = CoverageEngine(pauses)
    single = CoverageEngine(pauses, index_layout="single")
    # Sudan, a corridor across Ukraine and a 400 m crossing point need different cells ...
    assert len(engine.index.grid.levels) > 1
    # ... and the sizes-aware grid holds a tiny fraction of the single grid's cells.
    assert engine.index.grid.cell_count * 100 < single.index.grid.cell_count
    rng = np.random.default_rng(3)
    n = 20_000
    xs = rng.uniform(20, 40, n)
    ys = rng.uniform(8, 52, n)
    ts = rng.integers(
        utc_seconds(datetime(2016, 8, 11, tzinfo=UTC)),
        utc_seconds(datetime(2024, 9, 30, tzinfo=UTC)),
        n,
    )
    a = engine.status_many(xs, ys, ts)
    b = single.status_many(xs, ys, ts)
    assert a.covered.sum() > 0
    assert np.array_equal(a.covered, b.covered)
    assert np.array_equal(a.window_end, b.window_end)


def test_four_country_file_answers_as_the_episodes_say() -> None:
    engine = CoverageEngine(load_pause_file(FOUR_COUNTRIES))

    def paused(lon: float, lat: float, at: str) -> set[str]:
        status = engine.status(lon, lat, datetime.fromisoformat(at))
        return {m.pause_id for m in status.matches}

    # Khartoum, during the Jeddah ceasefire's extension (21:45 local is 19:45 UTC)
    assert paused(32.5599, 15.5007, "2023-06-02T12:00+02:00") == {"jeddah-ceasefire-2023-05-22"}
    assert paused(32.5599, 15.5007, "2023-06-03T21:46+02:00") == set()
    # Douma in Eastern Ghouta, 27 Feb 2018 at 10:00 Damascus time (UTC+2 in winter)
    assert paused(36.40, 33.57, "2018-02-27T10:00+02:00") == {"eastern-ghouta-2018-02-27"}
    assert paused(36.40, 33.57, "2018-02-27T14:30+02:00") == set()
    # Mariupol on 9 March 2022 at 10:00 Kyiv time
    assert paused(37.5413, 47.0951, "2022-03-09T10:00+02:00") == {"six-corridors-2022-03-09"}
    # Gaza during the truce, and Jabalia during both the truce and nothing else on 11 Nov
    assert paused(34.35, 31.42, "2023-11-25T12:00+02:00") == {"truce-2023-11-24"}
    assert paused(34.49, 31.53, "2023-11-11T11:00+02:00") == {"jabalia-tactical-pause-2023-11-11"}
