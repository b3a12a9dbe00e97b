"""The in-process rivals: shapely's STRtree and geopandas' sjoin (Respite's: respite_join).

"Load" is Parquet to each engine's input (numpy arrays and shapely polygons; geopandas also
gets the zones' GeoDataFrame). "Join" starts from there and ends with every pair and its
classes in memory: it includes building the zone index (each engine's own, built per run)
and making the point geometries the engine needs, chunk by chunk, as a pipeline reading
millions of events would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from benchmarks.compliance_join.outcome import Outcome, PairArrays, best_of, timed
from benchmarks.compliance_join.workload import Events, Rows, read_events, read_rows
from respite.compliance.frame import OVERLAPS, WITHIN

CRS = "EPSG:32636"  # nominal: every engine computes on the planar coordinates


def _classes(t_lo: Any, t_hi: Any, start: Any, end: Any, contained: Any) -> tuple[Any, Any]:
    time = np.where((start <= t_lo) & (t_hi <= end), WITHIN, OVERLAPS).astype(np.int8)
    place = np.where(contained, WITHIN, OVERLAPS).astype(np.int8)
    return time, place


def chunks(total: int, chunk: int) -> Iterator[tuple[int, int]]:
    for first in range(0, total, chunk):
        yield first, min(first + chunk, total)


def concat(parts: list[tuple[Any, Any, Any, Any]]) -> PairArrays:
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return PairArrays(empty, empty, empty.astype(np.int8), empty.astype(np.int8))
    event, row, time, place = (np.concatenate(column) for column in zip(*parts, strict=True))
    return PairArrays(event, row, time, place)


# -- shapely ---------------------------------------------------------------------------------


def shapely_join(events: Events, rows: Rows, chunk: int) -> PairArrays:
    polygons = rows.polygons
    # A repeated run must pay for preparing the polygons again, as the first one did.
    shapely.destroy_prepared(polygons)
    tree = shapely.STRtree(polygons)
    parts = []
    for first, last in chunks(len(events), chunk):
        points = shapely.points(events.x[first:last], events.y[first:last])
        point, row = tree.query(points, predicate="intersects")
        t_lo, t_hi = events.t_lo[first:last][point], events.t_hi[first:last][point]
        start, end = rows.start[row], rows.end[row]
        keep = (t_lo < end) & (t_hi > start)
        point, row = point[keep], row[keep]
        # Interior or boundary, asked only of the few pairs the time test kept.
        contained = shapely.contains(polygons[row], points[point])
        time, place = _classes(t_lo[keep], t_hi[keep], start[keep], end[keep], contained)
        parts.append((point + first, row, time, place))
    return concat(parts)


def run_shapely(directory: Path, repeat: int, chunk: int, want_pairs: bool) -> Outcome:
    load_s, (events, rows) = timed(lambda: (read_events(directory), read_rows(directory)), "load")
    join_s, pairs = best_of(repeat, lambda: shapely_join(events, rows, chunk))
    return Outcome(
        load_s,
        join_s,
        pairs.summary(len(rows)),
        {
            "call": f"STRtree(polygons).query(points, predicate='intersects') per {chunk:,} "
            "events + numpy time mask + contains on the kept pairs",
            "shapely": shapely.__version__,
            "geos": shapely.geos_version_string,
        },
        pairs.in_order() if want_pairs else None,
    )


# -- geopandas -------------------------------------------------------------------------------


def load_geopandas(directory: Path) -> tuple[Events, gpd.GeoDataFrame]:
    rows = read_rows(directory)
    zones = gpd.GeoDataFrame(
        {"start": rows.start, "end": rows.end}, geometry=rows.polygons, crs=CRS
    )
    return read_events(directory), zones


def geopandas_join(events: Events, zones: gpd.GeoDataFrame, chunk: int) -> PairArrays:
    # A fresh frame each run so that the spatial index is built inside the timing.
    zones = zones.copy()
    polygons = zones.geometry.to_numpy()
    shapely.destroy_prepared(polygons)
    parts = []
    for first, last in chunks(len(events), chunk):
        points = gpd.GeoDataFrame(
            {"t_lo": events.t_lo[first:last], "t_hi": events.t_hi[first:last]},
            geometry=gpd.points_from_xy(events.x[first:last], events.y[first:last]),
            crs=CRS,
        )
        joined = gpd.sjoin(points, zones, how="inner", predicate="intersects")
        joined = joined[(joined["t_lo"] < joined["end"]) & (joined["t_hi"] > joined["start"])]
        point = joined.index.to_numpy(dtype=np.int64)  # a RangeIndex: labels are positions
        row = joined["index_right"].to_numpy(dtype=np.int64)
        contained = shapely.contains(polygons[row], joined.geometry.to_numpy())
        time, place = _classes(
            joined["t_lo"].to_numpy(),
            joined["t_hi"].to_numpy(),
            joined["start"].to_numpy(),
            joined["end"].to_numpy(),
            contained,
        )
        parts.append((point + first, row, time, place))
    return concat(parts)


def run_geopandas(directory: Path, repeat: int, chunk: int, want_pairs: bool) -> Outcome:
    load_s, (events, zones) = timed(lambda: load_geopandas(directory), "load")
    join_s, pairs = best_of(repeat, lambda: geopandas_join(events, zones, chunk))
    return Outcome(
        load_s,
        join_s,
        pairs.summary(len(zones)),
        {
            "call": f"sjoin(points, zones, predicate='intersects') per {chunk:,} events "
            "+ time mask + contains on the kept pairs",
            "geopandas": gpd.__version__,
        },
        pairs.in_order() if want_pairs else None,
    )
